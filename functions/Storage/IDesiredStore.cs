using SakuraLb.Model;
using SakuraLb.Reconcile.Observed;

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

/// <summary>The node set per cluster (one row; large sets are compressed and chunked).</summary>
public interface INodeSetStore
{
    Task<NodeSetRecord?> GetAsync(string clusterId, CancellationToken cancellationToken);

    /// <summary>Seq, fingerprint and change time without reading the nodes.</summary>
    Task<NodeSetHeader?> GetHeaderAsync(string clusterId, CancellationToken cancellationToken);

    /// <summary>Stores the set unless it is older or identical; compare-and-swap against concurrent writers.</summary>
    Task<NodeSetWrite> PutAsync(string clusterId, NodeSetSnapshot snapshot, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>Published status per Service (partition = cluster id, row = UID).</summary>
public interface IStatusStore
{
    Task<StatusRecord?> GetAsync(string clusterId, string uid, CancellationToken cancellationToken);

    /// <summary>Every status of the cluster, in one query.</summary>
    Task<IReadOnlyList<StatusRecord>> ListAsync(string clusterId, CancellationToken cancellationToken);

    /// <summary>Writes the status (only the Service's own orchestration writes it, so last writer wins).</summary>
    Task PutAsync(StatusRecord record, CancellationToken cancellationToken);

    Task DeleteAsync(string clusterId, string uid, CancellationToken cancellationToken);
}

/// <summary>
/// Address reservations (partition = switch id, row = address), insert-only: two owners can never hold the
/// same address, and a reservation repeated by its owner succeeds without change.
/// </summary>
public interface IReservationStore
{
    Task<IReadOnlyList<AddressReservation>> ListBySwitchAsync(long switchId, CancellationToken cancellationToken);

    Task<IReadOnlyList<AddressReservation>> ListByOwnerAsync(string ownerUid, CancellationToken cancellationToken);

    /// <summary>All or nothing per switch: when any address is held by another owner, nothing is written.</summary>
    Task<ReserveOutcome> TryReserveAsync(IReadOnlyList<AddressReservation> reservations, CancellationToken cancellationToken);

    /// <summary>Deletes the rows still held by the given owners; rows of other owners and missing rows are left alone.</summary>
    Task ReleaseAsync(IReadOnlyList<AddressReservation> reservations, CancellationToken cancellationToken);
}

/// <summary>First sighting of each orphaned load balancer (partition = cluster id, row = LB id).</summary>
public interface IOrphanStore
{
    Task<IReadOnlyList<OrphanRecord>> ListAsync(string clusterId, CancellationToken cancellationToken);

    /// <summary>Records the orphan unless already recorded; returns the stored record (the first sighting wins).</summary>
    Task<OrphanRecord> AddIfMissingAsync(OrphanRecord record, CancellationToken cancellationToken);

    Task RemoveAsync(string clusterId, long loadBalancerId, CancellationToken cancellationToken);
}

/// <summary>Request nonces seen inside the clock-skew window (replay protection).</summary>
public interface INonceStore
{
    /// <summary>True when the nonce is new (or its earlier use has expired); false for a replay.</summary>
    Task<bool> TryAddAsync(string nonce, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes expired nonces; returns how many.</summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
