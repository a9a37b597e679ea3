namespace SakuraLb.Functions.Storage;

/// <summary>Desired Services per cluster (partition = cluster id, row = UID).</summary>
public interface IDesiredStore
{
    Task<DesiredService?> GetAsync(string clusterId, string uid, CancellationToken cancellationToken);

    /// <summary>Every Service of the cluster, in one query.</summary>
    Task<IReadOnlyList<DesiredService>> ListAsync(string clusterId, CancellationToken cancellationToken);

    /// <summary>
    /// Stores each snapshot that is newer than the stored one (<see cref="DesiredRules.ShouldReplace"/>), with
    /// compare-and-swap so concurrent writers cannot lose a newer snapshot. Snapshots are applied in order.
    /// </summary>
    Task<IReadOnlyList<DesiredWrite>> PutAsync(string clusterId, IReadOnlyList<ServiceSnapshot> snapshots, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Removes the row if its Seq is still <paramref name="expectedSeq"/>; false when it changed or is gone.</summary>
    Task<bool> DeleteAsync(string clusterId, string uid, long expectedSeq, CancellationToken cancellationToken);
}
