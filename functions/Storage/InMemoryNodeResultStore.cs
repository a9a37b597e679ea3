namespace SakuraLb.Functions.Storage;

/// <summary><see cref="INodeResultStore"/> in process memory (tests and the sandbox), through the same payload as the table store.</summary>
public sealed class InMemoryNodeResultStore : INodeResultStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, (byte[] Payload, DateTimeOffset DecidedAt)> rows = new(StringComparer.Ordinal);

    public Task<NodeResultsRecord?> GetAsync(string clusterId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(rows.TryGetValue(clusterId, out var row) ? NodeResultsPayload.Deserialize(clusterId, row.Payload, row.DecidedAt) : null);
        }
    }

    public Task PutAsync(NodeResultsRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var payload = NodeResultsPayload.Serialize(record);
        PayloadCodec.EnsureFits(payload, "node results");
        lock (gate)
        {
            rows[record.ClusterId] = (payload, record.DecidedAt);
        }

        return Task.CompletedTask;
    }
}
