using Azure;
using Azure.Data.Tables;

namespace SakuraLb.Functions.Storage;

/// <summary>Replay nonces: insert-only rows that expire; partition = the nonce's first two characters.</summary>
public sealed class TableNonceStore(TableStorage storage) : INonceStore
{
    public async Task<bool> TryAddAsync(string nonce, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(nonce);
        var table = await storage.TableAsync(TableStorage.NoncesTable, cancellationToken);
        var entity = new TableEntity(Partition(nonce), nonce) { ["ExpiresAt"] = expiresAt };
        try
        {
            await table.AddEntityAsync(entity, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var stored = await table.GetEntityIfExistsAsync<TableEntity>(entity.PartitionKey, nonce, cancellationToken: cancellationToken);
            if (stored.HasValue && (stored.Value!.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MaxValue) > now)
            {
                return false;
            }

            try
            {
                // An expired use does not block the nonce; the ETag makes two concurrent reuses yield one winner.
                if (stored.HasValue)
                {
                    await table.UpdateEntityAsync(entity, stored.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await table.AddEntityAsync(entity, cancellationToken);
                }

                return true;
            }
            catch (RequestFailedException again) when (again.Status is 409 or 412)
            {
                return false;
            }
        }
    }

    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableStorage.NoncesTable, cancellationToken);
        var count = 0;
        await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"ExpiresAt le {now}"), select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            try
            {
                await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, ETag.All, cancellationToken);
                count++;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Purged concurrently.
            }
        }

        return count;
    }

    private static string Partition(string nonce) => nonce.Length <= 2 ? nonce : nonce[..2];
}
