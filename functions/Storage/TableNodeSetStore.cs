using Azure;
using Azure.Data.Tables;
using SakuraLb.Reconcile.Nodes;

namespace SakuraLb.Functions.Storage;

/// <summary>The node set in one row per cluster, compressed and chunked (<see cref="PayloadCodec"/>).</summary>
public sealed class TableNodeSetStore(TableStorage storage) : INodeSetStore
{
    private const string RowKey = "nodes";
    private const int MaxAttempts = 32;
    private static readonly string[] HeaderColumns = ["Seq", "EligibleFingerprint", "ChangedAt"];

    public async Task<NodeSetRecord?> GetAsync(string clusterId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableStorage.NodesTable, cancellationToken);
        return await table.GetOrDefaultAsync(clusterId, RowKey, Read, cancellationToken);
    }

    public async Task<NodeSetHeader?> GetHeaderAsync(string clusterId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableStorage.NodesTable, cancellationToken);
        return await table.GetOrDefaultAsync(clusterId, RowKey, HeaderColumns, ReadHeader, cancellationToken);
    }

    public async Task<NodeSetWrite> PutAsync(string clusterId, NodeSetSnapshot snapshot, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var table = await storage.TableAsync(TableStorage.NodesTable, cancellationToken);
        var content = NodeFingerprint.Content(snapshot);
        var eligible = NodeFingerprint.Eligible(snapshot);
        for (var attempt = 1; ; attempt++)
        {
            var response = await table.GetEntityIfExistsAsync<TableEntity>(
                clusterId, RowKey, ["Seq", "EligibleFingerprint", "ChangedAt", "ContentHash", "ResourceVersion"], cancellationToken);
            var stored = response.HasValue ? response.Value : null;
            if (stored is not null)
            {
                var header = ReadHeader(stored);
                if (DesiredRules.IsOlderNodeSet(snapshot.ResourceVersion, stored.GetString("ResourceVersion")))
                {
                    return new NodeSetWrite(NodeSetWriteOutcome.Stale, header, false);
                }

                if (stored.GetString("ContentHash") == content)
                {
                    return new NodeSetWrite(NodeSetWriteOutcome.Unchanged, header, false);
                }
            }

            var next = new NodeSetHeader((stored?.GetInt64("Seq") ?? 0) + 1, eligible, now);
            var entity = new TableEntity(clusterId, RowKey)
            {
                ["Seq"] = next.Seq,
                ["EligibleFingerprint"] = eligible,
                ["ContentHash"] = content,
                ["ChangedAt"] = now,
                ["ResourceVersion"] = snapshot.ResourceVersion,
                ["NodeCount"] = snapshot.Nodes.Count,
            };
            PayloadCodec.Write(entity, "Nodes", ModelJson.SerializeToUtf8Bytes(snapshot), "node set");
            try
            {
                if (stored is null)
                {
                    await table.AddEntityAsync(entity, cancellationToken);
                }
                else
                {
                    await table.UpdateEntityAsync(entity, stored.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return new NodeSetWrite(NodeSetWriteOutcome.Stored, next, stored?.GetString("EligibleFingerprint") != eligible);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // A concurrent batch stored a set first: compare with it.
            }
        }
    }

    private static NodeSetHeader ReadHeader(TableEntity entity) =>
        new(entity.GetInt64("Seq") ?? 0, entity.GetString("EligibleFingerprint") ?? "", entity.GetDateTimeOffset("ChangedAt") ?? default);

    private static NodeSetRecord Read(TableEntity entity)
    {
        var json = PayloadCodec.Read(entity, "Nodes") ?? throw new InvalidDataException($"Node-set row {entity.PartitionKey} has no nodes.");
        var snapshot = ModelJson.Deserialize<NodeSetSnapshot>(json) ?? new NodeSetSnapshot();
        var header = ReadHeader(entity);
        return new NodeSetRecord(entity.PartitionKey, snapshot, header.Seq, entity.GetString("ContentHash") ?? "", header.EligibleFingerprint, header.ChangedAt);
    }
}
