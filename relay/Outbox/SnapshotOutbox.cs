using System.Threading.Channels;
using SakuraLb.Model;

namespace SakuraLb.Relay.Outbox;

/// <summary>What one send takes from the outbox: some Service snapshots and whether the node set is due.</summary>
public sealed record OutboxBatch(IReadOnlyList<ServiceSnapshot> Services, bool IncludeNodes);

/// <summary>
/// Changes waiting to be delivered. Coalesced per Service UID (the newest snapshot wins, a tombstone is
/// never replaced by a live snapshot and never dropped); the node set is a flag, because the set itself
/// is read fresh when a batch is built ("the latest set wins"). Memory is bounded by
/// <c>maxPending</c> live snapshots: beyond it new live snapshots are dropped and a full resync is
/// requested for when delivery works again, which sends them anyway. Thread-safe.
/// </summary>
public sealed class SnapshotOutbox
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, ServiceSnapshot> pending = new(StringComparer.Ordinal);
    private readonly Queue<string> order = new();
    private readonly Channel<bool> signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly int maxPending;
    private bool nodesDue;
    private bool resyncNeeded;

    public SnapshotOutbox(int maxPending)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPending, 1);
        this.maxPending = maxPending;
    }

    /// <summary>Raised (outside the lock) for each live snapshot dropped because the outbox is full.</summary>
    public event Action<ServiceSnapshot>? Overflowed;

    public int PendingServices
    {
        get
        {
            lock (gate)
            {
                return pending.Count;
            }
        }
    }

    public bool NodesDue
    {
        get
        {
            lock (gate)
            {
                return nodesDue;
            }
        }
    }

    public bool IsEmpty
    {
        get
        {
            lock (gate)
            {
                return pending.Count == 0 && !nodesDue;
            }
        }
    }

    /// <summary>Adds or replaces the pending snapshot of a Service.</summary>
    public void Enqueue(ServiceSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        bool dropped;
        lock (gate)
        {
            dropped = !Put(snapshot);
        }

        if (dropped)
        {
            Overflowed?.Invoke(snapshot);
        }

        Wake();
    }

    /// <summary>Marks the node set as due; the set sent is the tracker's at send time.</summary>
    public void MarkNodesDue()
    {
        lock (gate)
        {
            nodesDue = true;
        }

        Wake();
    }

    /// <summary>Takes up to <paramref name="maxServices"/> snapshots (oldest first) and the node flag; null when empty.</summary>
    public OutboxBatch? Take(int maxServices)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxServices, 1);
        lock (gate)
        {
            if (pending.Count == 0 && !nodesDue)
            {
                return null;
            }

            var services = new List<ServiceSnapshot>(Math.Min(maxServices, pending.Count));
            while (services.Count < maxServices && order.TryDequeue(out var uid))
            {
                if (pending.Remove(uid, out var snapshot))
                {
                    services.Add(snapshot);
                }
            }

            var includeNodes = nodesDue;
            nodesDue = false;
            return new OutboxBatch(services, includeNodes);
        }
    }

    /// <summary>
    /// Puts back what a failed send took. A snapshot enqueued meanwhile for the same Service is newer and
    /// stays, except that a tombstone always survives.
    /// </summary>
    public void Return(OutboxBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (gate)
        {
            foreach (var snapshot in batch.Services)
            {
                if (!pending.TryGetValue(snapshot.Uid, out var newer))
                {
                    // Returned items may exceed the bound briefly; they were counted when first enqueued.
                    pending[snapshot.Uid] = snapshot;
                    order.Enqueue(snapshot.Uid);
                }
                else if (snapshot.Deleted && !newer.Deleted)
                {
                    pending[snapshot.Uid] = snapshot;
                }
            }

            nodesDue |= batch.IncludeNodes;
        }

        Wake();
    }

    /// <summary>True (once) when live snapshots were dropped since the last call: the caller should send a full resync.</summary>
    public bool ConsumeResyncNeeded()
    {
        lock (gate)
        {
            var needed = resyncNeeded;
            resyncNeeded = false;
            return needed;
        }
    }

    /// <summary>Completes when something may be pending (a wake-up signal; the caller re-checks).</summary>
    public async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (pending.Count > 0 || nodesDue)
            {
                return;
            }
        }

        await signal.Reader.ReadAsync(cancellationToken);
    }

    /// <summary>Drops everything (leadership lost: the next term re-lists and resends).</summary>
    public void Clear()
    {
        lock (gate)
        {
            pending.Clear();
            order.Clear();
            nodesDue = false;
            resyncNeeded = false;
        }
    }

    private bool Put(ServiceSnapshot snapshot)
    {
        if (pending.TryGetValue(snapshot.Uid, out var existing))
        {
            // A tombstone is final: nothing can follow a deletion for the same UID.
            if (!existing.Deleted || snapshot.Deleted)
            {
                pending[snapshot.Uid] = snapshot;
            }

            return true;
        }

        if (!snapshot.Deleted && pending.Count >= maxPending)
        {
            resyncNeeded = true;
            return false;
        }

        pending[snapshot.Uid] = snapshot;
        order.Enqueue(snapshot.Uid);
        return true;
    }

    private void Wake() => signal.Writer.TryWrite(true);
}
