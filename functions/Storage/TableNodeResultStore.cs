using System.Text.Json;
using Azure.Data.Tables;
using SakuraLb.Reconcile.Nodes;

namespace SakuraLb.Functions.Storage;

/// <summary>The node controller's results in one row per cluster (table <c>noderesults</c>), compressed and chunked like the node set.</summary>
public sealed class TableNodeResultStore(TableStorage storage) : INodeResultStore
{
    private const string RowKey = "nodes";

    public Task<NodeResultsRecord?> GetAsync(string clusterId, CancellationToken cancellationToken) =>
        storage.GetAsync(TableStorage.NodeResultsTable, clusterId, RowKey, Read, cancellationToken);

    public async Task PutAsync(NodeResultsRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var table = await storage.TableAsync(TableStorage.NodeResultsTable, cancellationToken);
        var entity = new TableEntity(record.ClusterId, RowKey)
        {
            ["DecidedAt"] = record.DecidedAt,
            ["NodeCount"] = record.Results.Count,
        };
        PayloadCodec.Write(entity, "Results", NodeResultsPayload.Serialize(record), "node results");
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    private static NodeResultsRecord Read(TableEntity entity)
    {
        var json = PayloadCodec.Read(entity, "Results") ?? throw new InvalidDataException($"Node-results row {entity.PartitionKey} has no results.");
        return NodeResultsPayload.Deserialize(entity.PartitionKey, json, entity.GetDateTimeOffset("DecidedAt") ?? default);
    }
}

/// <summary>The stored form of <see cref="NodeResultsRecord"/> (results and missing servers), shared by the stores.</summary>
public static class NodeResultsPayload
{
    public static byte[] Serialize(NodeResultsRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return JsonSerializer.SerializeToUtf8Bytes(new Payload(record.Results, record.Vanished), JsonSerializerOptions.Web);
    }

    public static NodeResultsRecord Deserialize(string clusterId, ReadOnlySpan<byte> json, DateTimeOffset decidedAt)
    {
        var payload = JsonSerializer.Deserialize<Payload>(json, JsonSerializerOptions.Web) ?? new Payload(null, null);
        return new NodeResultsRecord(clusterId, payload.Results ?? [], payload.Vanished ?? [], decidedAt);
    }

    /// <summary>True when two records publish the same results and remember the same missing servers.</summary>
    public static bool SameContent(NodeResultsRecord a, NodeResultsRecord b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Serialize(a).AsSpan().SequenceEqual(Serialize(b));
    }

    private sealed record Payload(IReadOnlyList<NodeResult>? Results, IReadOnlyList<VanishedServer>? Vanished);
}
