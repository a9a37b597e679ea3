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
/// returns. A changed Service, or a resent one no status reflects yet, starts its reconcile now; a node-set change starts, with a delay of
/// <see cref="ReconcileOptions.NodeDebounce"/>, only the Services whose stored node fingerprint differs (the
/// delayed start is pending, so later node batches coalesce into it). A changed node set also runs the node
/// controller's pass (<see cref="NodePass"/>), waited for up to <see cref="NodeOptions.IngestWait"/>.
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

        var started = new List<string>();
        var changed = writes.Where(w => w.Outcome == DesiredWriteOutcome.Stored).Select(w => w.Uid).Distinct(StringComparer.Ordinal).ToList();
        IReadOnlyList<StatusRecord>? statusList = null;
        var stale = writes.Where(w => w.Outcome == DesiredWriteOutcome.Stale).ToList();
        if (stale.Any(w => w.Resent))
        {
            // A resend of what is already stored (the relay's retry after a 503 or a lost answer, its periodic full
            // snapshot) starts the reconcile when no status reflects that snapshot yet: a start that failed after
            // the batch was stored would otherwise wait for the resync timer.
            statusList = await statuses.ListAsync(batch.ClusterId, cancellationToken);
            var reflected = statusList.ToDictionary(s => s.Uid, s => s.DesiredSeq, StringComparer.Ordinal);
            changed.AddRange(stale
                .Where(w => w.Resent && (!reflected.TryGetValue(w.Uid, out var seq) || seq < w.Seq))
                .Select(w => w.Uid)
                .Where(uid => !changed.Contains(uid, StringComparer.Ordinal))
                .Distinct(StringComparer.Ordinal));
        }

        foreach (var uid in changed)
        {
            var snapshot = batch.Services.Last(s => string.Equals(s.Uid, uid, StringComparison.Ordinal));
            if (ServiceScope.Classify(snapshot, settings) == ServiceIntent.Ignore
                && await statuses.GetAsync(batch.ClusterId, uid, cancellationToken) is null)
            {
                // Out of our scope and never reconciled: nothing of ours to clean up.
                continue;
            }

            await starter.EnsureReconcileAsync(client, batch.ClusterId, uid, null, cancellationToken);
            started.Add(ReconcileServiceOrchestrator.InstanceId(uid));
        }

        if (nodeWrite is { Outcome: NodeSetWriteOutcome.Stored, EligibleChanged: true })
        {
            var startAt = now + reconcileOptions.Value.NodeDebounce;
            foreach (var status in statusList ?? await statuses.ListAsync(batch.ClusterId, cancellationToken))
            {
                // Only Services with real servers (an LB of their own, a valid spec) can be changed by nodes.
                if (status.RealServerHash.Length == 0
                    || status.NodeFingerprint == nodeWrite.Header.EligibleFingerprint
                    || changed.Contains(status.Uid, StringComparer.Ordinal))
                {
                    continue;
                }

                await starter.EnsureReconcileAsync(client, batch.ClusterId, status.Uid, startAt, cancellationToken);
                started.Add(ReconcileServiceOrchestrator.InstanceId(status.Uid));
            }
        }

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
}
