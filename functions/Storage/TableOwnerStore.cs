using Azure;
using Azure.Data.Tables;

namespace SakuraLb.Functions.Storage;

/// <summary>The owner id row: inserted only if absent (a 409 means another process was first: its id wins).</summary>
public sealed class TableOwnerStore(TableStorage storage) : IOwnerStore
{
    private const string Partition = "installation";
    private const string Row = "owner";

    public async Task<string> GetOrAddAsync(string candidate, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(candidate);
        var table = await storage.TableAsync(TableStorage.OwnerTable, cancellationToken);
        var stored = await table.GetOrDefaultAsync(Partition, Row, Read, cancellationToken);
        if (stored is not null)
        {
            return stored;
        }

        try
        {
            await table.AddEntityAsync(new TableEntity(Partition, Row) { ["OwnerId"] = candidate }, cancellationToken);
            return candidate;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return await table.GetOrDefaultAsync(Partition, Row, Read, cancellationToken)
                ?? throw new InvalidOperationException("The owner row was reported as existing but cannot be read.", ex);
        }
    }

    private static string Read(TableEntity entity) => entity.GetString("OwnerId") ?? "";
}
