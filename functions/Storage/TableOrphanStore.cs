using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace SakuraLb.Functions.Storage;

/// <summary>First sightings of orphaned load balancers.</summary>
public sealed class TableOrphanStore(TableStorage storage) : IOrphanStore
{
    public async Task<IReadOnlyList<OrphanRecord>> ListAsync(string clusterId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableStorage.OrphansTable, cancellationToken);
        var list = await table.ListPartitionAsync(clusterId, Read, cancellationToken);
        return [.. list.OrderBy(o => o.LoadBalancerId)];
    }

    public async Task<OrphanRecord> AddIfMissingAsync(OrphanRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var table = await storage.TableAsync(TableStorage.OrphansTable, cancellationToken);
        var entity = new TableEntity(record.ClusterId, Row(record.LoadBalancerId))
        {
            ["ServiceUid"] = record.ServiceUid,
            ["FirstSeenAt"] = record.FirstSeenAt,
        };
        try
        {
            await table.AddEntityAsync(entity, cancellationToken);
            return record;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var stored = await table.GetEntityAsync<TableEntity>(record.ClusterId, Row(record.LoadBalancerId), cancellationToken: cancellationToken);
            return Read(stored.Value);
        }
    }

    public async Task RemoveAsync(string clusterId, long loadBalancerId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableStorage.OrphansTable, cancellationToken);
        await table.DeleteIfExistsAsync(clusterId, Row(loadBalancerId), cancellationToken);
    }

    private static string Row(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static OrphanRecord Read(TableEntity entity) => new(
        entity.PartitionKey,
        long.Parse(entity.RowKey, CultureInfo.InvariantCulture),
        entity.GetString("ServiceUid"),
        entity.GetDateTimeOffset("FirstSeenAt") ?? default);
}
