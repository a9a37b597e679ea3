using SakuraLb.Reconcile.Nodes;

namespace SakuraLb.Functions.Storage;

/// <summary>
/// Every store in process memory, for tests and the sandbox. Same contract as the table stores (the same
/// contract tests run against both); one lock makes each call atomic, which is what the table stores get
/// from compare-and-swap.
/// </summary>
public sealed class InMemoryStores : IDesiredStore, INodeSetStore, IStatusStore, IReservationStore, IOrphanStore, INonceStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<(string Cluster, string Uid), DesiredService> desired = [];
    private readonly Dictionary<string, NodeSetRecord> nodeSets = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Cluster, string Uid), StatusRecord> statuses = [];
    private readonly Dictionary<(long SwitchId, uint Address), AddressReservation> reservations = [];
    private readonly Dictionary<(string Cluster, long Id), OrphanRecord> orphans = [];
    private readonly Dictionary<string, DateTimeOffset> nonces = new(StringComparer.Ordinal);
    private long version;

    Task<DesiredService?> IDesiredStore.GetAsync(string clusterId, string uid, CancellationToken cancellationToken) =>
        ReadAsync(() => desired.GetValueOrDefault((clusterId, uid)));

    Task<IReadOnlyList<DesiredService>> IDesiredStore.ListAsync(string clusterId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<DesiredService>>(() => [.. desired.Values.Where(d => d.ClusterId == clusterId).OrderBy(d => d.Uid, StringComparer.Ordinal)]);

    public Task<IReadOnlyList<DesiredWrite>> PutAsync(string clusterId, IReadOnlyList<ServiceSnapshot> snapshots, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        var results = new List<DesiredWrite>(snapshots.Count);
        lock (gate)
        {
            foreach (var snapshot in snapshots)
            {
                var key = (clusterId, snapshot.Uid);
                var stored = desired.GetValueOrDefault(key);
                if (!DesiredRules.ShouldReplace(stored?.Snapshot, snapshot))
                {
                    results.Add(new DesiredWrite(snapshot.Uid, DesiredWriteOutcome.Stale, stored!.Seq, DesiredRules.IsResend(stored.Snapshot, snapshot)));
                    continue;
                }

                var seq = (stored?.Seq ?? 0) + 1;
                desired[key] = new DesiredService(clusterId, DesiredRules.Merge(stored?.Snapshot, snapshot), seq, stored?.FirstSeenAt ?? now, now) { Version = NextVersion() };
                results.Add(new DesiredWrite(snapshot.Uid, DesiredWriteOutcome.Stored, seq, WasIdle: stored?.Idle ?? false));
            }
        }

        return Task.FromResult<IReadOnlyList<DesiredWrite>>(results);
    }

    public Task<bool> DeleteAsync(string clusterId, string uid, long expectedSeq, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var key = (clusterId, uid);
            if (desired.TryGetValue(key, out var stored) && stored.Seq == expectedSeq)
            {
                desired.Remove(key);
                return Task.FromResult(true);
            }

            return Task.FromResult(false);
        }
    }

    public Task<IReadOnlyList<DesiredMark>> MarkChangedAsync(string clusterId, IReadOnlyList<string> uids, string? wantedNodes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uids);
        var marks = new List<DesiredMark>();
        lock (gate)
        {
            foreach (var uid in uids.Distinct(StringComparer.Ordinal))
            {
                if (!desired.TryGetValue((clusterId, uid), out var stored))
                {
                    continue;
                }

                if (DesiredRules.NeedsMark(stored, wantedNodes))
                {
                    desired[(clusterId, uid)] = stored with { Idle = false, WantedNodes = wantedNodes ?? stored.WantedNodes, Version = NextVersion() };
                }

                marks.Add(new DesiredMark(uid, stored.Idle));
            }
        }

        return Task.FromResult<IReadOnlyList<DesiredMark>>(marks);
    }

    public Task<bool> TryMarkIdleAsync(string clusterId, string uid, string version, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (!desired.TryGetValue((clusterId, uid), out var stored) || stored.Version != version)
            {
                return Task.FromResult(false);
            }

            desired[(clusterId, uid)] = stored with { Idle = true, Version = NextVersion() };
            return Task.FromResult(true);
        }
    }

    Task<NodeSetRecord?> INodeSetStore.GetAsync(string clusterId, CancellationToken cancellationToken) =>
        ReadAsync(() => nodeSets.GetValueOrDefault(clusterId));

    public Task<NodeSetHeader?> GetHeaderAsync(string clusterId, CancellationToken cancellationToken) =>
        ReadAsync(() => nodeSets.GetValueOrDefault(clusterId)?.Header);

    public Task<NodeSetWrite> PutAsync(string clusterId, NodeSetSnapshot snapshot, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var content = NodeFingerprint.Content(snapshot);
        var eligible = NodeFingerprint.Eligible(snapshot);

        // Same bound as the table store, so a set that the table store would refuse is refused here too.
        PayloadCodec.EnsureFits(ModelJson.SerializeToUtf8Bytes(snapshot), "node set");
        lock (gate)
        {
            var stored = nodeSets.GetValueOrDefault(clusterId);
            if (stored is not null && DesiredRules.IsOlderNodeSet(snapshot.ResourceVersion, stored.Snapshot.ResourceVersion))
            {
                return Task.FromResult(new NodeSetWrite(NodeSetWriteOutcome.Stale, stored.Header, false));
            }

            if (stored is not null && stored.ContentHash == content)
            {
                return Task.FromResult(new NodeSetWrite(NodeSetWriteOutcome.Unchanged, stored.Header, false));
            }

            var record = new NodeSetRecord(clusterId, snapshot, (stored?.Seq ?? 0) + 1, content, eligible, now);
            nodeSets[clusterId] = record;
            return Task.FromResult(new NodeSetWrite(NodeSetWriteOutcome.Stored, record.Header, stored?.EligibleFingerprint != eligible));
        }
    }

    Task<StatusRecord?> IStatusStore.GetAsync(string clusterId, string uid, CancellationToken cancellationToken) =>
        ReadAsync(() => statuses.GetValueOrDefault((clusterId, uid)));

    Task<IReadOnlyList<StatusRecord>> IStatusStore.ListAsync(string clusterId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<StatusRecord>>(() => [.. statuses.Values.Where(s => s.ClusterId == clusterId).OrderBy(s => s.Uid, StringComparer.Ordinal)]);

    public Task PutAsync(StatusRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        PayloadCodec.EnsureFits(ModelJson.SerializeToUtf8Bytes(record.Status), "status");
        lock (gate)
        {
            statuses[(record.ClusterId, record.Uid)] = record with { Version = NextVersion() };
        }

        return Task.CompletedTask;
    }

    public Task<bool> TryPutAsync(StatusRecord record, string? expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        PayloadCodec.EnsureFits(ModelJson.SerializeToUtf8Bytes(record.Status), "status");
        lock (gate)
        {
            var key = (record.ClusterId, record.Uid);
            var current = statuses.GetValueOrDefault(key)?.Version;
            if (current != expectedVersion)
            {
                return Task.FromResult(false);
            }

            statuses[key] = record with { Version = NextVersion() };
            return Task.FromResult(true);
        }
    }

    Task IStatusStore.DeleteAsync(string clusterId, string uid, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            statuses.Remove((clusterId, uid));
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AddressReservation>> ListBySwitchAsync(long switchId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<AddressReservation>>(() => [.. reservations.Values.Where(r => r.SwitchId == switchId).OrderBy(r => r.Address)]);

    public Task<IReadOnlyList<AddressReservation>> ListByOwnerAsync(string ownerUid, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<AddressReservation>>(() => [.. reservations.Values
            .Where(r => string.Equals(r.OwnerUid, ownerUid, StringComparison.Ordinal))
            .OrderBy(r => r.SwitchId).ThenBy(r => r.Address)]);

    public Task<ReserveOutcome> TryReserveAsync(IReadOnlyList<AddressReservation> wanted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        lock (gate)
        {
            var conflicts = wanted
                .Where(w => reservations.TryGetValue((w.SwitchId, w.Address.Value), out var held)
                    && !string.Equals(held.OwnerUid, w.OwnerUid, StringComparison.Ordinal))
                .Select(w => reservations[(w.SwitchId, w.Address.Value)])
                .ToList();
            if (conflicts.Count > 0)
            {
                return Task.FromResult(new ReserveOutcome(conflicts));
            }

            foreach (var w in wanted)
            {
                reservations[(w.SwitchId, w.Address.Value)] = w;
            }

            return Task.FromResult(new ReserveOutcome([]));
        }
    }

    public Task ReleaseAsync(IReadOnlyList<AddressReservation> released, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(released);
        lock (gate)
        {
            foreach (var r in released)
            {
                var key = (r.SwitchId, r.Address.Value);
                if (reservations.TryGetValue(key, out var held) && string.Equals(held.OwnerUid, r.OwnerUid, StringComparison.Ordinal))
                {
                    reservations.Remove(key);
                }
            }
        }

        return Task.CompletedTask;
    }

    Task<IReadOnlyList<OrphanRecord>> IOrphanStore.ListAsync(string clusterId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<OrphanRecord>>(() => [.. orphans.Values.Where(o => o.ClusterId == clusterId).OrderBy(o => o.LoadBalancerId)]);

    public Task<OrphanRecord> AddIfMissingAsync(OrphanRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (gate)
        {
            var key = (record.ClusterId, record.LoadBalancerId);
            if (!orphans.TryGetValue(key, out var stored))
            {
                stored = record;
                orphans[key] = record;
            }

            return Task.FromResult(stored);
        }
    }

    public Task RemoveAsync(string clusterId, long loadBalancerId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            orphans.Remove((clusterId, loadBalancerId));
        }

        return Task.CompletedTask;
    }

    // Under the lock: a version is unique per store, as an ETag is per row.
    private string NextVersion() => (++version).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public Task<bool> TryAddAsync(string nonce, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (nonces.TryGetValue(nonce, out var until) && until > now)
            {
                return Task.FromResult(false);
            }

            nonces[nonce] = expiresAt;
            return Task.FromResult(true);
        }
    }

    public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var expired = nonces.Where(n => n.Value <= now).Select(n => n.Key).ToList();
            foreach (var key in expired)
            {
                nonces.Remove(key);
            }

            return Task.FromResult(expired.Count);
        }
    }

    /// <summary>A read under the lock; a list is copied before the lock is let go, so callers never see a later write.</summary>
    private Task<T> ReadAsync<T>(Func<T> read)
    {
        lock (gate)
        {
            return Task.FromResult(read());
        }
    }
}
