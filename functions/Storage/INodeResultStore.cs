using SakuraLb.Reconcile.Nodes;

namespace SakuraLb.Functions.Storage;

/// <summary>What the node controller last decided for a cluster: the results it publishes and the servers it found missing.</summary>
/// <param name="DecidedAt">When the pass that wrote it ran.</param>
public sealed record NodeResultsRecord(string ClusterId, IReadOnlyList<NodeResult> Results, IReadOnlyList<VanishedServer> Vanished, DateTimeOffset DecidedAt);

/// <summary>The node controller's results per cluster (one row; the passes of one process never overlap, so last writer wins).</summary>
public interface INodeResultStore
{
    Task<NodeResultsRecord?> GetAsync(string clusterId, CancellationToken cancellationToken);

    Task PutAsync(NodeResultsRecord record, CancellationToken cancellationToken);
}
