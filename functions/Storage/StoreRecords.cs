namespace SakuraLb.Functions.Storage;

/// <summary>The newest snapshot of one Service, with a sequence number that grows with every stored change.</summary>
/// <param name="Seq">Monotonic per Service: a status that reflects Seq n is behind once the desired row has n+1.</param>
/// <param name="FirstSeenAt">When the Service was first stored (for time-to-ready).</param>
public sealed record DesiredService(string ClusterId, ServiceSnapshot Snapshot, long Seq, DateTimeOffset FirstSeenAt, DateTimeOffset UpdatedAt)
{
    public string Uid => Snapshot.Uid;

    /// <summary>
    /// The completion fence: true when the Service's reconcile has passed its last read of this row and will
    /// complete without reading it again. Every write that a reconcile must see clears it in the same
    /// compare-and-swap, so the writer learns whether a running instance will still see its change.
    /// </summary>
    public bool Idle { get; init; }

    /// <summary>The node fingerprint the last node-set change that concerned this Service asked it to be reconciled with.</summary>
    public string? WantedNodes { get; init; }

    /// <summary>The row's version as read (the table's ETag), for a compare-and-swap; null on a row not read from a store.</summary>
    public string? Version { get; init; }
}

public enum DesiredWriteOutcome
{
    /// <summary>The snapshot replaced the stored one (or was the first).</summary>
    Stored,

    /// <summary>The stored snapshot is as new or newer; nothing changed.</summary>
    Stale,
}

/// <summary>What happened to one snapshot of a batch.</summary>
/// <param name="Resent">Stale because it is the stored snapshot itself sent again (<see cref="DesiredRules.IsResend"/>).</param>
/// <param name="WasIdle">Stored over a row that was <see cref="DesiredService.Idle"/>: its reconcile had passed its fence.</param>
public sealed record DesiredWrite(string Uid, DesiredWriteOutcome Outcome, long Seq, bool Resent = false, bool WasIdle = false);

/// <summary>A desired row marked as having a change its reconcile must see.</summary>
/// <param name="WasIdle">The row was <see cref="DesiredService.Idle"/> before the mark.</param>
public sealed record DesiredMark(string Uid, bool WasIdle);

/// <summary>The cluster's node set and its bookkeeping.</summary>
/// <param name="ContentHash">Hash of the whole set: an identical resend is not a change.</param>
/// <param name="EligibleFingerprint">Hash of what real-server choice reads (<see cref="Reconcile.Nodes.NodeFingerprint"/>).</param>
/// <param name="ChangedAt">When the set last changed (debounce of node bursts).</param>
public sealed record NodeSetRecord(
    string ClusterId,
    NodeSetSnapshot Snapshot,
    long Seq,
    string ContentHash,
    string EligibleFingerprint,
    DateTimeOffset ChangedAt)
{
    public NodeSetHeader Header => new(Seq, EligibleFingerprint, ChangedAt);
}

/// <summary>The node set's bookkeeping without the nodes (a cheap read).</summary>
public sealed record NodeSetHeader(long Seq, string EligibleFingerprint, DateTimeOffset ChangedAt);

public enum NodeSetWriteOutcome
{
    Stored,

    /// <summary>Same content as stored: nothing written.</summary>
    Unchanged,

    /// <summary>An older resourceVersion than the stored set: ignored.</summary>
    Stale,
}

public sealed record NodeSetWrite(NodeSetWriteOutcome Outcome, NodeSetHeader Header, bool EligibleChanged);

/// <summary>What the last reconcile of a Service published, plus what it was computed from.</summary>
public sealed record StatusRecord
{
    public required string ClusterId { get; init; }

    public required ServiceStatus Status { get; init; }

    /// <summary>The desired Seq this status reflects.</summary>
    public long DesiredSeq { get; init; }

    /// <summary>The node-set Seq the real servers were computed from.</summary>
    public long NodeSeq { get; init; }

    /// <summary>The node fingerprint the real servers were computed from.</summary>
    public string NodeFingerprint { get; init; } = "";

    /// <summary>Hash of the applied real-server addresses (empty when none were applied).</summary>
    public string RealServerHash { get; init; } = "";

    /// <summary>
    /// True when the outcome is final for <see cref="DesiredSeq"/> (Ready, Deleted, or failed for a reason
    /// only a change can cure); false when the pass stopped early (cloud error, timeout) and must be retried.
    /// </summary>
    public bool Settled { get; init; }

    /// <summary>When the Service first became Ready (null until then).</summary>
    public DateTimeOffset? ReadyAt { get; init; }

    /// <summary>
    /// The orchestration time of the publish that wrote this row: a publish issued earlier (an activity delivered
    /// again after a newer one ran) never replaces it. Null for rows written before it was recorded.
    /// </summary>
    public DateTimeOffset? IssuedAt { get; init; }

    /// <summary>The row's version as read (the table's ETag), for a compare-and-swap; null on a row not read from a store.</summary>
    public string? Version { get; init; }

    /// <summary>
    /// The real servers' health from the last read of the load balancer's status (the previous state the next read's
    /// transitions are computed from); null until read. Kept by every publish.
    /// </summary>
    public BackendHealth? Health { get; init; }

    /// <summary>The <see cref="RealServerHash"/> <see cref="Health"/> was read under: when they differ the real servers changed since.</summary>
    public string HealthRealServerHash { get; init; } = "";

    public string Uid => Status.Uid;
}

/// <summary>A load balancer tagged with this cluster whose Service is unknown, and since when.</summary>
public sealed record OrphanRecord(string ClusterId, long LoadBalancerId, string? ServiceUid, DateTimeOffset FirstSeenAt);

/// <summary>The outcome of an insert-only reservation.</summary>
/// <param name="Conflicts">Rows held by another owner (nothing was written when there are any).</param>
public sealed record ReserveOutcome(IReadOnlyList<Reconcile.Observed.AddressReservation> Conflicts)
{
    public bool Succeeded => Conflicts.Count == 0;
}

/// <summary>A stored payload does not fit the storage limits even compressed.</summary>
public sealed class PayloadTooLargeException : Exception
{
    public PayloadTooLargeException()
    {
    }

    public PayloadTooLargeException(string message)
        : base(message)
    {
    }

    public PayloadTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
