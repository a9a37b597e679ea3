using System.Collections.Concurrent;
using System.Threading.Channels;
using k8s.Models;
using SakuraLb.Model;
using SakuraLb.Relay.Kube;
using SakuraLb.Relay.Options;
using SakuraLb.Relay.Resilience;
using SakuraLb.Relay.Status;
using SakuraLb.Relay.Telemetry;
using SakuraLb.Relay.Tracking;

namespace SakuraLb.Relay.Nodes;

/// <summary>
/// Applies the node controller's results. Level-triggered and whole: whenever the results or a Node change (or a
/// retry is due) it plans every Node against its result (<see cref="NodeWritePlanner"/>: in memory, cheap) and
/// writes only what differs. A write that failed or lost a race (the Node changed meanwhile, which a heartbeat
/// does without a watch event the relay acts on) makes one retry sweep due after a backoff.
/// </summary>
/// <param name="observed">Receives the Node the API server returned after a patch, so the next plan starts from it before the watch brings it.</param>
public sealed class NodeWriteBackWorker(NodeTracker nodes, NodeResultStore results, IKubeApi kube, RelayOptions options, RelayMetrics metrics, TimeProvider time, ILogger logger, Action<V1Node> observed)
{
    private const int Parallelism = 4;

    private readonly Channel<bool> signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentDictionary<string, EventMemory> memories = new(StringComparer.Ordinal);
    private readonly Backoff retries = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(5));
    private int retryPending;
    private bool reportedAbsent;

    /// <summary>Makes a sweep due (coalesced with any already due).</summary>
    public void Signal() => signal.Writer.TryWrite(true);

    /// <summary>Forgets the Events recorded (a new leadership term starts from fresh lists and a fresh feed).</summary>
    public void Reset()
    {
        memories.Clear();
        retries.Reset();
        reportedAbsent = false;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await signal.Reader.ReadAsync(cancellationToken);
            if (!await SweepAsync(cancellationToken))
            {
                ScheduleRetry(cancellationToken);
            }
            else
            {
                retries.Reset();
            }
        }
    }

    /// <summary>One pass over every Node with a result; false when a write failed or lost a race.</summary>
    internal async Task<bool> SweepAsync(CancellationToken cancellationToken)
    {
        if (results.Published == false && !reportedAbsent)
        {
            reportedAbsent = true;
            Logs.NodeResultsAbsent(logger);
        }

        var all = results.All();
        var ok = true;
        await Parallel.ForEachAsync(
            all,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (result, ct) =>
            {
                if (!await ProcessAsync(result, ct))
                {
                    ok = false;
                }
            });

        // Memory stays bounded by the Nodes that have results now.
        var current = all.Select(r => r.Uid).ToHashSet(StringComparer.Ordinal);
        foreach (var uid in memories.Keys.Where(u => !current.Contains(u)))
        {
            memories.TryRemove(uid, out _);
        }

        return ok;
    }

    private async Task<bool> ProcessAsync(NodeResult result, CancellationToken cancellationToken)
    {
        var memory = memories.GetOrAdd(result.Uid, _ => new EventMemory());
        var ok = true;

        // The address write changes the Node's resourceVersion, which the taint write that follows must name: after
        // it, the rest is planned again from the Node the API server answered with.
        var replan = true;
        for (var round = 0; replan && round < 3; round++)
        {
            replan = false;
            if (nodes.Get(result.Name) is not { } node)
            {
                break;
            }

            foreach (var action in NodeWritePlanner.Plan(node, result, memory))
            {
                var outcome = await ExecuteAsync(action, cancellationToken);
                metrics.KubeWrite(action.Kind, outcome.ToString().ToLowerInvariant());
                if (outcome is WriteOutcome.Ok or WriteOutcome.AlreadyRecorded)
                {
                    if (action is RecordNodeEvent record)
                    {
                        memory.Recorded(record.PhaseKey, record.WarningKey);
                    }

                    if (action is SetNodeAddresses)
                    {
                        replan = true;
                        break;
                    }

                    continue;
                }

                if (outcome == WriteOutcome.Gone)
                {
                    // The Node is gone: nothing left to write, nothing to retry.
                    break;
                }

                ok = false;
                if (outcome == WriteOutcome.Failed && action is RecordNodeEvent)
                {
                    // A lost Event must not hold back the writes after it.
                    continue;
                }

                break;
            }
        }

        memory.Warnings.IntersectWith((result.Warnings ?? []).Where(w => w is not null).Select(w => $"{w.ReasonCode}\n{w.Message}"));
        return ok;
    }

    private Task<WriteOutcome> ExecuteAsync(NodeWriteAction action, CancellationToken cancellationToken) =>
        KubeWriteAttempt.RunAsync(
            () => WriteAsync(action, cancellationToken),
            action is RecordNodeEvent,
            ex => Logs.NodeWriteFailed(logger, ex, action.Kind, action.Name),
            outcome => Logs.NodeWriteSkipped(logger, action.Kind, action.Name, outcome.ToString()),
            cancellationToken);

    private async Task WriteAsync(NodeWriteAction action, CancellationToken cancellationToken)
    {
        switch (action)
        {
            case SetNodeAddresses addresses:
                observed(await kube.PatchNodeStatusAsync(addresses.Name, NodeWrites.AddressesPatch(addresses), cancellationToken));
                Logs.NodeWritten(logger, action.Kind, action.Name, string.Join(", ", addresses.Addresses.Select(a => $"{a.Type} {a.Address}")));
                break;
            case PatchNode patch:
                observed(await kube.PatchNodeAsync(patch.Name, NodeWrites.SpecPatch(patch), cancellationToken));
                Logs.NodeWritten(logger, action.Kind, action.Name, Describe(patch));
                break;
            case DeleteNode delete:
                await kube.DeleteNodeAsync(delete.Name, delete.Uid, cancellationToken);
                Logs.NodeDeleted(logger, delete.Name, delete.Uid);
                break;
            case RecordNodeEvent record:
                await kube.CreateEventAsync(NodeWrites.Event(record, time.GetUtcNow(), options.ReportingController, options.Identity), cancellationToken);
                Logs.NodeEventRecorded(logger, record.Name, record.Text.Type, record.Text.Reason, record.Text.Note);
                break;
            default:
                throw new InvalidOperationException($"unknown node write {action.GetType().Name}");
        }
    }

    private static string Describe(PatchNode patch)
    {
        var parts = new List<string>();
        if (patch.ProviderId is not null)
        {
            parts.Add("providerID " + patch.ProviderId);
        }

        parts.AddRange(patch.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"label {l.Key}={l.Value}"));
        if (patch.Taints is not null)
        {
            parts.Add("taints [" + string.Join(", ", patch.Taints.Select(t => $"{t.Key}:{t.Effect}")) + "]");
        }

        return string.Join(", ", parts);
    }

    private void ScheduleRetry(CancellationToken cancellationToken)
    {
        // One retry at a time: every sweep plans every Node, so one due sweep covers all failures.
        if (Interlocked.Exchange(ref retryPending, 1) == 1)
        {
            return;
        }

        var delay = retries.Next();
        _ = RetryLaterAsync(delay, cancellationToken);
    }

    private async Task RetryLaterAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The term ended; the next one starts from a fresh list.
            return;
        }
        finally
        {
            Volatile.Write(ref retryPending, 0);
        }

        Signal();
    }
}
