using System.Collections.Concurrent;
using System.Threading.Channels;
using SakuraLb.Relay.Kube;
using SakuraLb.Relay.Options;
using SakuraLb.Relay.Resilience;
using SakuraLb.Relay.Telemetry;
using SakuraLb.Relay.Tracking;
using k8s.Models;

namespace SakuraLb.Relay.Status;

/// <summary>
/// Applies <see cref="WriteBackPlanner"/> plans. Level-triggered: a Service is (re)examined whenever it
/// changes, its status entry changes, a write fails (after a backoff) or a full resync runs; each pass
/// re-plans from the newest state, so nothing depends on remembering a half-done sequence.
/// </summary>
/// <param name="observed">Receives the Service the API server returned after a patch, so the tracker sees it before the watch does.</param>
public sealed class WriteBackWorker(
    ServiceTracker tracker,
    StatusStore statuses,
    IKubeApi kube,
    RelayOptions options,
    RelayMetrics metrics,
    TimeProvider time,
    ILogger logger,
    Action<V1Service> observed)
{
    private const int Parallelism = 4;

    private readonly Lock gate = new();
    private readonly HashSet<string> dirty = new(StringComparer.Ordinal);
    private readonly Channel<bool> signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentDictionary<string, EventMemory> memories = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Backoff> retries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, object> retryTimers = new(StringComparer.Ordinal);
    private int runningTimers;

    public void Enqueue(string uid)
    {
        lock (gate)
        {
            dirty.Add(uid);
        }

        signal.Writer.TryWrite(true);
    }

    public void EnqueueAll(IEnumerable<string> uids)
    {
        ArgumentNullException.ThrowIfNull(uids);
        lock (gate)
        {
            dirty.UnionWith(uids);
        }

        signal.Writer.TryWrite(true);
    }

    /// <summary>Retry timers running (at most one per Service).</summary>
    internal int PendingRetries => Volatile.Read(ref runningTimers);

    /// <summary>Drops what is remembered about a Service that is gone.</summary>
    public void Forget(string uid)
    {
        memories.TryRemove(uid, out _);
        retries.TryRemove(uid, out _);
    }

    /// <summary>
    /// Forgets everything (a new leadership term starts from a fresh list): Services deleted while this
    /// replica was not leading would otherwise stay remembered for good, as no tombstone reaches them.
    /// </summary>
    public void Reset()
    {
        lock (gate)
        {
            dirty.Clear();
        }

        memories.Clear();
        retries.Clear();
        retryTimers.Clear();
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await signal.Reader.ReadAsync(cancellationToken);
            string[] batch;
            lock (gate)
            {
                batch = dirty.ToArray();
                dirty.Clear();
            }

            await Parallel.ForEachAsync(
                batch,
                new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (uid, ct) => await ProcessAsync(uid, ct));
        }
    }

    /// <summary>One pass over one Service: plan from the newest state, then write in order until something stops it.</summary>
    internal async Task ProcessAsync(string uid, CancellationToken cancellationToken)
    {
        var tracked = tracker.Get(uid);
        if (tracked is null)
        {
            return;
        }

        var status = statuses.Get(uid);
        var memory = memories.GetOrAdd(uid, _ => new EventMemory());
        var actions = WriteBackPlanner.Plan(tracked, status, memory, tracker.Settings);
        var retry = false;
        foreach (var action in actions)
        {
            var outcome = await ExecuteAsync(action, cancellationToken);
            metrics.KubeWrite(action.Kind, outcome.ToString().ToLowerInvariant());
            if (outcome is WriteOutcome.Ok or WriteOutcome.AlreadyRecorded)
            {
                if (action is RecordEvent record)
                {
                    memory.Recorded(record.PhaseKey, record.WarningKey, record.ResyncRequest);
                }

                continue;
            }

            if (outcome == WriteOutcome.Failed)
            {
                retry = true;

                // A lost Event must not hold back the ingress or the finalizer.
                if (action is RecordEvent)
                {
                    continue;
                }
            }

            // Conflict: a newer version of the Service is coming through the watch and will be planned again.
            // Gone: nothing left to write.
            break;
        }

        if (status is not null && (status.Warnings is not null || status.Backends is not null))
        {
            // Keep only warnings and health transitions still reported, so memory stays bounded by what the feed says now.
            memory.Warnings.IntersectWith((status.Warnings ?? []).Where(w => w is not null).Select(w => $"{w.ReasonCode}\n{w.Message}").Concat(BackendHealthWrites.Remembered(status)));
        }

        if (retry)
        {
            ScheduleRetry(uid, cancellationToken);
        }
        else
        {
            retries.TryRemove(uid, out _);
        }
    }

    private Task<WriteOutcome> ExecuteAsync(WriteAction action, CancellationToken cancellationToken) =>
        KubeWriteAttempt.RunAsync(
            () => WriteAsync(action, cancellationToken),
            action is RecordEvent,
            ex => Logs.WriteFailed(logger, ex, action.Kind, action.Namespace, action.Name),
            outcome => Logs.WriteSkipped(logger, action.Kind, action.Namespace, action.Name, outcome.ToString()),
            cancellationToken);

    private async Task WriteAsync(WriteAction action, CancellationToken cancellationToken)
    {
        switch (action)
        {
            case AddFinalizer add:
                observed(await kube.PatchServiceAsync(add.Namespace, add.Name, KubeWrites.AddFinalizerPatch(add), cancellationToken));
                Logs.FinalizerAdded(logger, add.Namespace, add.Name);
                break;
            case SetIngress ingress:
                observed(await kube.PatchServiceStatusAsync(ingress.Namespace, ingress.Name, KubeWrites.IngressPatch(ingress), cancellationToken));
                Logs.IngressWritten(logger, ingress.Namespace, ingress.Name, string.Join(",", ingress.Ingress.Select(i => i.Ip)));
                break;
            case RecordEvent record:
                await kube.CreateEventAsync(KubeWrites.Event(record, time.GetUtcNow(), options.ReportingController, options.Identity), cancellationToken);
                Logs.EventRecorded(logger, record.Namespace, record.Name, record.Type, record.Reason, record.Note);
                break;
            case SetCondition condition:
                observed(await kube.PatchServiceStatusAsync(condition.Namespace, condition.Name, BackendHealthWrites.ConditionPatch(condition), cancellationToken));
                Logs.ConditionWritten(logger, condition.Namespace, condition.Name, string.Join(",", condition.Conditions.Select(c => $"{c.Type}={c.Status}")));
                break;
            case SetStatusNote note:
                observed(await kube.PatchServiceAsync(note.Namespace, note.Name, KubeWrites.StatusNotePatch(note), cancellationToken));
                break;
            case RemoveFinalizer remove:
                observed(await kube.PatchServiceAsync(remove.Namespace, remove.Name, KubeWrites.RemoveFinalizerPatch(remove), cancellationToken));
                Logs.FinalizerRemoved(logger, remove.Namespace, remove.Name);
                break;
            default:
                throw new InvalidOperationException($"unknown write {action.GetType().Name}");
        }
    }

    private void ScheduleRetry(string uid, CancellationToken cancellationToken)
    {
        // One timer per Service. Every pass that fails (a Service change, a feed change, a full resync)
        // would otherwise start one more retry chain, and a write that keeps failing (no RBAC for
        // events, say) would be retried ever more often.
        var timer = new object();
        if (!retryTimers.TryAdd(uid, timer))
        {
            return;
        }

        var backoff = retries.GetOrAdd(uid, _ => new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5)));
        TimeSpan delay;
        lock (backoff)
        {
            delay = backoff.Next();
        }

        Interlocked.Increment(ref runningTimers);
        _ = RetryLaterAsync(uid, timer, delay, cancellationToken);
    }

    private async Task RetryLaterAsync(string uid, object timer, TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The term ended; the next leader starts from a fresh list.
            return;
        }
        finally
        {
            // Only this timer's entry: after a Reset the Service may already have a newer one.
            retryTimers.TryRemove(KeyValuePair.Create(uid, timer));
            Interlocked.Decrement(ref runningTimers);
        }

        Enqueue(uid);
    }
}
