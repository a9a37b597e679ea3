using Azure;
using Azure.Data.Tables;

namespace SakuraLb.Functions.Storage;

/// <summary>Published statuses, one row per Service.</summary>
public sealed class TableStatusStore(TableStorage storage) : IStatusStore
{
    public Task<StatusRecord?> GetAsync(string clusterId, string uid, CancellationToken cancellationToken) =>
        storage.GetAsync(TableStorage.StatusTable, clusterId, uid, Read, cancellationToken);

    public Task<IReadOnlyList<StatusRecord>> ListAsync(string clusterId, CancellationToken cancellationToken) =>
        storage.ListPartitionAsync(TableStorage.StatusTable, clusterId, Read, cancellationToken);

    public async Task PutAsync(StatusRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var table = await storage.TableAsync(TableStorage.StatusTable, cancellationToken);
        await table.UpsertEntityAsync(Write(record), TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<bool> TryPutAsync(StatusRecord record, string? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var table = await storage.TableAsync(TableStorage.StatusTable, cancellationToken);
        try
        {
            if (expectedVersion is null)
            {
                await table.AddEntityAsync(Write(record), cancellationToken);
            }
            else
            {
                await table.UpdateEntityAsync(Write(record), new ETag(expectedVersion), TableUpdateMode.Replace, cancellationToken);
            }

            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            return false;
        }
    }

    private static TableEntity Write(StatusRecord record)
    {
        var entity = new TableEntity(record.ClusterId, record.Uid)
        {
            ["Phase"] = record.Status.Phase.ToString(),
            ["DesiredSeq"] = record.DesiredSeq,
            ["NodeSeq"] = record.NodeSeq,
            ["NodeFingerprint"] = record.NodeFingerprint,
            ["RealServerHash"] = record.RealServerHash,
            ["Settled"] = record.Settled,
            ["ReadyAt"] = record.ReadyAt,
            ["IssuedAt"] = record.IssuedAt,
            ["HealthRealServerHash"] = record.HealthRealServerHash,
        };
        PayloadCodec.Write(entity, "Status", ModelJson.SerializeToUtf8Bytes(record.Status), "status");
        if (record.Health is not null)
        {
            PayloadCodec.Write(entity, "Health", ModelJson.SerializeToUtf8Bytes(record.Health), "backend health");
        }

        return entity;
    }

    public async Task DeleteAsync(string clusterId, string uid, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableStorage.StatusTable, cancellationToken);
        await table.DeleteIfExistsAsync(clusterId, uid, cancellationToken);
    }

    private static StatusRecord Read(TableEntity entity)
    {
        var json = PayloadCodec.Read(entity, "Status") ?? throw new InvalidDataException($"Status row {entity.PartitionKey}/{entity.RowKey} has no status.");
        return new StatusRecord
        {
            ClusterId = entity.PartitionKey,
            Status = ModelJson.Deserialize<ServiceStatus>(json) ?? throw new InvalidDataException($"Status row {entity.PartitionKey}/{entity.RowKey} is empty."),
            DesiredSeq = entity.GetInt64("DesiredSeq") ?? 0,
            NodeSeq = entity.GetInt64("NodeSeq") ?? 0,
            NodeFingerprint = entity.GetString("NodeFingerprint") ?? "",
            RealServerHash = entity.GetString("RealServerHash") ?? "",
            Settled = entity.GetBoolean("Settled") ?? false,
            ReadyAt = entity.GetDateTimeOffset("ReadyAt"),
            IssuedAt = entity.GetDateTimeOffset("IssuedAt"),
            Health = PayloadCodec.Read(entity, "Health") is { } health ? ModelJson.Deserialize<BackendHealth>(health) : null,
            HealthRealServerHash = entity.GetString("HealthRealServerHash") ?? "",
            Version = entity.ETag.ToString(),
        };
    }
}
