namespace SakuraLb.Functions.Storage;

/// <summary>First sighting of each orphaned load balancer (partition = cluster id, row = LB id).</summary>
public interface IOrphanStore
{
    Task<IReadOnlyList<OrphanRecord>> ListAsync(string clusterId, CancellationToken cancellationToken);

    /// <summary>Records the orphan unless already recorded; returns the stored record (the first sighting wins).</summary>
    Task<OrphanRecord> AddIfMissingAsync(OrphanRecord record, CancellationToken cancellationToken);

    Task RemoveAsync(string clusterId, long loadBalancerId, CancellationToken cancellationToken);
}
