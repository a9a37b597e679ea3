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

    /// <summary>
    /// Clears <see cref="DesiredService.Idle"/> on each existing row and says whether it was set. With
    /// <paramref name="wantedNodes"/> (the node fingerprint a node-set change wants the Service reconciled
    /// with) the row is written even when it is not idle, unless it already wants that fingerprint: the write
    /// moves the row's version, so a reconcile between its last read and its fence fails the fence and reads
    /// again. Compare-and-swap against concurrent writers; rows that do not exist are left out of the answer.
    /// </summary>
    Task<IReadOnlyList<DesiredMark>> MarkChangedAsync(string clusterId, IReadOnlyList<string> uids, string? wantedNodes, CancellationToken cancellationToken);

    /// <summary>
    /// The completion fence: sets <see cref="DesiredService.Idle"/> if the row is still at <paramref name="version"/>
    /// (as read by <see cref="GetAsync"/>); false when it changed or is gone.
    /// </summary>
    Task<bool> TryMarkIdleAsync(string clusterId, string uid, string version, CancellationToken cancellationToken);
}
