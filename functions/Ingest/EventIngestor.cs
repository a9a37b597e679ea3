using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using SakuraLb.Functions.Nodes;
using SakuraLb.Functions.Options;
using SakuraLb.Functions.Orchestrations;
using SakuraLb.Reconcile.Scope;

namespace SakuraLb.Functions.Ingest;

/// <summary>The 202 answer to <c>POST /api/events</c> (docs/protocol.md).</summary>
public sealed record EventsAccepted(int Version, int Accepted, int Stale, bool NodesAccepted, IReadOnlyList<string> Reconciling);

/// <summary>
/// Stores a validated batch and makes sure the right reconciles run. Everything is stored before any
/// orchestration starts, so a reconcile never reads a half-stored batch; the caller answers 202 only after this
/// returns. A changed Service, or a resent one no status reflects yet, starts its reconcile now; a node-set change
/// starts, with a delay of <see cref="ReconcileOptions.NodeDebounce"/>, only the Services whose status reflects
/// another node fingerprint (the delayed start is pending, so later node batches coalesce into it), and a node
/// set sent again unchanged starts those at once. Every write that a running reconcile must see goes through the
/// Service's desired row (the completion fence, <see cref="ReconcileStarter"/>), so no change waits for the timer.
/// A changed node set also runs the node controller's pass (<see cref="NodePass"/>), waited for up to
/// <see cref="NodeOptions.IngestWait"/>.
/// </summary>
public sealed class EventIngestor(
    IDesiredStore desired,
    INodeSetStore nodeSets,
    IStatusStore statuses,
    ReconcileStarter starter,
    NodePass nodePass,
    ControllerSettings settings,
    IOptions<ReconcileOptions> reconcileOptions,
    TimeProvider time,
    SakuraLbMetrics metrics,
    ILogger<EventIngestor> logger)
{
    public async Task<EventsAccepted> IngestAsync(EventBatch batch, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var now = time.GetUtcNow();

        // The node set first: it is the only part that can be refused for its size (413), and a refused batch must
        // leave nothing stored (the relay then sends the Services again without the node set).
        var nodeWrite = batch.Nodes is null ? null : await nodeSets.PutAsync(batch.ClusterId, batch.Nodes, now, cancellationToken);
        var writes = batch.Services.Count == 0
            ? []
            : await desired.PutAsync(batch.ClusterId, batch.Services, now, cancellationToken);

        // A stored snapshot cleared the row's idle mark in its own write.
        var starts = new Dictionary<string, ReconcileStart>(StringComparer.Ordinal);
        foreach (var write in writes.Where(w => w.Outcome == DesiredWriteOutcome.Stored))
        {
            starts[write.Uid] = new ReconcileStart(write.Uid, WasIdle: write.WasIdle || (starts.GetValueOrDefault(write.Uid)?.WasIdle ?? false));
        }

        IReadOnlyList<StatusRecord>? statusList = null;
        var stale = writes.Where(w => w.Outcome == DesiredWriteOutcome.Stale).ToList();
        if (stale.Any(w => w.Resent))
        {
            // A resend of what is already stored (the relay's retry after a 503 or a lost answer, its resend of what
            // no status reflects, its periodic full snapshot) starts the reconcile when no status reflects that
            // snapshot yet: a start that failed, or a change missed, after the batch was stored would otherwise wait
            // for the resync timer.
            // A resync request the status has not answered is started the same way (the forced flag): once per
            // distinct value, as the answer, once published, makes every later resend of it a plain resend.
            statusList = await statuses.ListAsync(batch.ClusterId, cancellationToken);
            var reflected = statusList.ToDictionary(s => s.Uid, StringComparer.Ordinal);
            var unreflected = stale
                .Where(w => w.Resent
                    && (!reflected.TryGetValue(w.Uid, out var status) || status.DesiredSeq < w.Seq || Unanswered(batch, w.Uid, status))
                    && !starts.ContainsKey(w.Uid))
                .Select(w => w.Uid)
                .Distinct(StringComparer.Ordinal)
                .ToList();
            foreach (var mark in await desired.MarkChangedAsync(batch.ClusterId, unreflected, null, cancellationToken))
            {
                starts[mark.Uid] = new ReconcileStart(mark.Uid, WasIdle: mark.WasIdle);
            }
        }

        foreach (var uid in starts.Keys.ToList())
        {
            var snapshot = batch.Services.Last(s => string.Equals(s.Uid, uid, StringComparison.Ordinal));
            if (ServiceScope.Classify(snapshot, settings) == ServiceIntent.Ignore
                && await statuses.GetAsync(batch.ClusterId, uid, cancellationToken) is null)
            {
                // Out of our scope and never reconciled: nothing of ours to clean up.
                starts.Remove(uid);
            }
        }

        var delayed = new List<ReconcileStart>();
        if (nodeWrite is { Outcome: not NodeSetWriteOutcome.Stale })
        {
            // Only Services with real servers (an LB of their own, a valid spec) can be changed by nodes. A change of
            // the eligible nodes starts them after the debounce; otherwise (the same set sent again while a status
            // still reflects another one: the relay's resend) at once, as there is no burst to wait for.
            var fingerprint = nodeWrite.Header.EligibleFingerprint;
            var behind = (statusList ?? await statuses.ListAsync(batch.ClusterId, cancellationToken))
                .Where(s => s.RealServerHash.Length > 0 && s.NodeFingerprint != fingerprint && !starts.ContainsKey(s.Uid))
                .Select(s => s.Uid)
                .ToList();
            var marks = (await desired.MarkChangedAsync(batch.ClusterId, behind, fingerprint, cancellationToken)).ToDictionary(m => m.Uid, StringComparer.Ordinal);
            DateTimeOffset? startAt = nodeWrite.EligibleChanged ? now + reconcileOptions.Value.NodeDebounce : null;
            delayed.AddRange(behind.Select(uid => new ReconcileStart(uid, startAt, marks.GetValueOrDefault(uid)?.WasIdle ?? false)));
        }

        var started = await starter.EnsureReconcilesAsync(client, batch.ClusterId, [.. starts.Values, .. delayed], markFirst: false, cancellationToken);

        if (nodeWrite is { Outcome: NodeSetWriteOutcome.Stored })
        {
            // Node initialisation decides from the stored set; waiting for it (bounded) puts its results in the feed
            // the relay polls right after this answer.
            await nodePass.AfterNodeSetChangedAsync(cancellationToken);
        }

        metrics.Snapshots("stored", writes.Count - stale.Count);
        metrics.Snapshots("stale", stale.Count);
        var nodeOutcome = nodeWrite?.Outcome.ToString().ToLowerInvariant() ?? "absent";
        logger.EventsAccepted(batch.ClusterId, writes.Count - stale.Count, stale.Count, nodeOutcome, started.Count);
        return new EventsAccepted(
            ProtocolVersion.Current,
            writes.Count - stale.Count,
            stale.Count,
            nodeWrite is { Outcome: not NodeSetWriteOutcome.Stale },
            started);
    }

    /// <summary>True when the batch's snapshot of the Service asks for a resync its status has not answered.</summary>
    private static bool Unanswered(EventBatch batch, string uid, StatusRecord status) =>
        batch.Services.LastOrDefault(s => string.Equals(s.Uid, uid, StringComparison.Ordinal)) is { Deleted: false, ResyncRequest: { } request }
        && !string.Equals(status.Status.Resync?.Request, request, StringComparison.Ordinal);
}
