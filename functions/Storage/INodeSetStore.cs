namespace SakuraLb.Functions.Storage;

/// <summary>The node set per cluster (one row; large sets are compressed and chunked).</summary>
public interface INodeSetStore
{
    Task<NodeSetRecord?> GetAsync(string clusterId, CancellationToken cancellationToken);

    /// <summary>Seq, fingerprint and change time without reading the nodes.</summary>
    Task<NodeSetHeader?> GetHeaderAsync(string clusterId, CancellationToken cancellationToken);

    /// <summary>Stores the set unless it is older or identical; compare-and-swap against concurrent writers.</summary>
    Task<NodeSetWrite> PutAsync(string clusterId, NodeSetSnapshot snapshot, DateTimeOffset now, CancellationToken cancellationToken);
}
