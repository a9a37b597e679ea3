using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using SakuraLb.Functions.Activities;
using SakuraLb.Functions.Options;

namespace SakuraLb.Functions.Orchestrations;

/// <summary>A reconcile to make sure of.</summary>
/// <param name="StartAt">A delayed start (node-set changes coalesce into it); null starts at once.</param>
/// <param name="WasIdle">
/// The caller's compare-and-swap on the desired row found it idle: the Service's last reconcile had passed its
/// completion fence, so a start refused now means that instance is completing without seeing the change.
/// </param>
public sealed record ReconcileStart(string Uid, DateTimeOffset? StartAt = null, bool WasIdle = false);

/// <summary>
/// Starts orchestrations with explicit dedupe statuses (Pending, Running, Suspended): a start for an instance
/// that is already pending or running is refused atomically by the backend. Whether that instance sees the change
/// is decided by the completion fence (<see cref="CompletionFenceActivity"/>): when the desired row was not idle
/// the instance has not passed its fence and will read the change; when it was idle the instance is completing,
/// and the start is tried again until the backend accepts it (the instance completes within one of its turns),
/// for at most <see cref="ReconcileOptions.CompletionWait"/>. Many starts run in parallel
/// (<see cref="ReconcileOptions.StartParallelism"/>), and one instance query skips those already running.
/// </summary>
public sealed class ReconcileStarter(
    IDesiredStore desired,
    IOptions<ReconcileOptions> reconcileOptions,
    TimeProvider time,
    SakuraLbMetrics metrics,
    ILogger<ReconcileStarter> logger)
{
    /// <summary>From this many starts on, one query for the running instances replaces the refused starts.</summary>
    public const int BusyQueryThreshold = 8;

    private static readonly OrchestrationRuntimeStatus[] Active =
        [OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended];

    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(250);

    private readonly ReconcileOptions options = reconcileOptions.Value;

    /// <summary>Makes sure <c>svc-&lt;uid&gt;</c> is pending or running (marking the row first, as every starter but the ingest must).</summary>
    public Task<IReadOnlyList<string>> EnsureReconcileAsync(DurableTaskClient client, string clusterId, string uid, CancellationToken cancellationToken) =>
        EnsureReconcilesAsync(client, clusterId, [new ReconcileStart(uid)], markFirst: true, cancellationToken);

    /// <summary>
    /// Makes sure each Service's reconcile is pending or running; returns the instance ids (started, or already
    /// running and going to see the change).
    /// </summary>
    /// <param name="markFirst">
    /// Mark the desired rows changed first and take <see cref="ReconcileStart.WasIdle"/> from that (the timer and
    /// the resync: a write to the row is what tells a later writer that a running instance will still read it).
    /// The ingest marks the rows in its own writes and passes what it found.
    /// </param>
    public async Task<IReadOnlyList<string>> EnsureReconcilesAsync(
        DurableTaskClient client, string clusterId, IReadOnlyList<ReconcileStart> starts, bool markFirst, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(starts);
        if (starts.Count == 0)
        {
            return [];
        }

        if (markFirst)
        {
            var idle = (await desired.MarkChangedAsync(clusterId, [.. starts.Select(s => s.Uid)], null, cancellationToken))
                .Where(m => m.WasIdle).Select(m => m.Uid).ToHashSet(StringComparer.Ordinal);
            starts = [.. starts.Select(s => s with { WasIdle = s.WasIdle || idle.Contains(s.Uid) })];
        }

        var busy = starts.Count >= BusyQueryThreshold ? await RunningAsync(client, cancellationToken) : [];
        await Parallel.ForEachAsync(
            starts,
            new ParallelOptions { MaxDegreeOfParallelism = options.StartParallelism, CancellationToken = cancellationToken },
            async (start, token) =>
            {
                var instanceId = ReconcileServiceOrchestrator.InstanceId(start.Uid);
                if (!start.WasIdle && busy.Contains(instanceId))
                {
                    Count(instanceId, "running");
                    return;
                }

                var input = new ReconcileInput(clusterId, start.Uid);
                if (await TryStartAsync(client, ReconcileServiceOrchestrator.Name, instanceId, input, start.StartAt, token))
                {
                    metrics.ReconcileStart("started");
                }
                else if (!start.WasIdle)
                {
                    Count(instanceId, "running");
                }
                else
                {
                    await StartAfterCompletionAsync(client, instanceId, input, start.StartAt, token);
                }
            });
        return [.. starts.Select(s => ReconcileServiceOrchestrator.InstanceId(s.Uid))];
    }

    /// <summary>Makes sure <c>orphan-&lt;id&gt;</c> is pending or running; true when this call started it.</summary>
    public Task<bool> EnsureOrphanCleanupAsync(DurableTaskClient client, OrphanInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return TryStartAsync(client, OrphanCleanupOrchestrator.Name, OrphanCleanupOrchestrator.InstanceId(input.LoadBalancerId), input, null, cancellationToken);
    }

    /// <summary>The ids of every reconcile instance that is pending, running or suspended, in one query.</summary>
    public static async Task<HashSet<string>> RunningAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var query = new OrchestrationQuery(Statuses: Active, InstanceIdPrefix: ReconcileServiceOrchestrator.InstanceId(""), PageSize: 1000);
        var running = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var instance in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            running.Add(instance.InstanceId);
        }

        return running;
    }

    /// <summary>
    /// The instance passed its fence before the change was stored and is completing: start again until the backend
    /// accepts it. Past <see cref="ReconcileOptions.CompletionWait"/> the change is left to the relay's resend of
    /// what no status reflects and to the resync timer.
    /// </summary>
    private async Task StartAfterCompletionAsync(DurableTaskClient client, string instanceId, ReconcileInput input, DateTimeOffset? startAt, CancellationToken cancellationToken)
    {
        var began = time.GetTimestamp();
        for (var attempt = 2; time.GetElapsedTime(began) < options.CompletionWait; attempt++)
        {
            await Task.Delay(RetryInterval, time, cancellationToken);
            if (await TryStartAsync(client, ReconcileServiceOrchestrator.Name, instanceId, input, startAt, cancellationToken))
            {
                logger.ReconcileRestartedAfterCompletion(instanceId, attempt, time.GetElapsedTime(began));
                metrics.ReconcileStart("restarted");
                return;
            }
        }

        logger.ReconcileStillCompleting(instanceId, options.CompletionWait);
        metrics.ReconcileStart("missed");
    }

    private void Count(string instanceId, string result)
    {
        logger.ReconcileAlreadyRunning(instanceId);
        metrics.ReconcileStart(result);
    }

    private async Task<bool> TryStartAsync(DurableTaskClient client, string name, string instanceId, object input, DateTimeOffset? startAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var start = new StartOrchestrationOptions(instanceId, startAt).WithDedupeStatuses(Active);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(name, input, start, cancellationToken);
            logger.ReconcileStarted(instanceId, startAt);
            return true;
        }
        catch (OrchestrationAlreadyExistsException)
        {
            return false;
        }
    }
}
