using Microsoft.Extensions.Options;
using SakuraLb.Functions.Options;
using SakuraLb.Reconcile.Nodes;

namespace SakuraLb.Functions.Nodes;

/// <summary>
/// The node controller's pass: the stored node set, one paged read of the zone's servers, the pure decisions
/// (<see cref="NodeDecisions"/>), and the results stored for the status feed. Passes never overlap in a process:
/// a request while one runs is served by one more pass right after it, which every request made meanwhile
/// shares, so a burst of node changes costs at most two server reads. The pass runs on its own, not on the caller's
/// request: a caller that stops waiting does not stop it.
/// </summary>
/// <remarks>
/// Not a durable orchestration: a pass is one read and one write, idempotent, and level-triggered (it decides from
/// scratch every time), so a pass lost to a restart is simply the next trigger's or the timer's to do, and it
/// avoids the queue latency that would stand between a Node registering and becoming schedulable.
/// </remarks>
public sealed class NodePass(
    INodeSetStore nodeSets,
    INodeResultStore results,
    ISakuraCloud cloud,
    ControllerSettings settings,
    IOptions<NodeOptions> options,
    IOptions<SakuraClientOptions> sakura,
    TimeProvider time,
    ILogger<NodePass> logger) : IDisposable
{
    private readonly Lock gate = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly NodeOptions options = options.Value;
    private readonly NodeRules rules = new()
    {
        Zone = sakura.Value.Zone,
        Initialize = options.Value.Initialize,
        ShutdownTaint = options.Value.ShutdownTaint,
        DeleteVanished = options.Value.DeleteVanished,
        VanishedConfirmAfter = options.Value.VanishedConfirmAfter,
        MaxDeleteShare = options.Value.MaxDeleteShare,
    };

    private bool running;
    private TaskCompletionSource? queued;
    private bool warnedOldRelay;

    /// <summary>False when every part of the node controller is switched off: then nothing runs and the feed has no node results.</summary>
    public bool Enabled => rules.AnyEnabled;

    /// <summary>Runs a pass that starts after this call and waits for it (the timer).</summary>
    public Task RunAsync(CancellationToken cancellationToken) => RequestAsync().WaitAsync(cancellationToken);

    /// <summary>
    /// After a changed node set was stored: starts a pass and waits for it up to <see cref="NodeOptions.IngestWait"/>,
    /// so the relay's next poll finds its results; a slower pass finishes on its own.
    /// </summary>
    public async Task AfterNodeSetChangedAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return;
        }

        try
        {
            await RequestAsync().WaitAsync(options.IngestWait, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The pass goes on; the relay picks its results up on a later poll.
        }
    }

    /// <summary>The results for the status feed: null when the node controller is off (the feed then has no node part).</summary>
    public async Task<IReadOnlyList<NodeResult>?> PublishedAsync(CancellationToken cancellationToken) =>
        Enabled ? (await results.GetAsync(settings.ClusterId, cancellationToken))?.Results ?? [] : null;

    public void Dispose()
    {
        stopping.Cancel();
        stopping.Dispose();
    }

    /// <summary>A pass that starts after this call: now when none runs, else right after the running one.</summary>
    internal Task RequestAsync()
    {
        if (!Enabled)
        {
            return Task.CompletedTask;
        }

        lock (gate)
        {
            if (running)
            {
                queued ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return queued.Task;
            }

            running = true;
            var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _ = Task.Run(() => LoopAsync(first));
            return first.Task;
        }
    }

    private async Task LoopAsync(TaskCompletionSource current)
    {
        while (true)
        {
            try
            {
                await RunOnceAsync(stopping.Token);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                // Storage down, a bug: logged; the waiters go on, the next trigger or the timer tries again.
                logger.NodePassFailed(ex, settings.ClusterId);
            }

            current.TrySetResult();
            lock (gate)
            {
                if (queued is null || stopping.IsCancellationRequested)
                {
                    queued?.TrySetResult();
                    queued = null;
                    running = false;
                    return;
                }

                current = queued;
                queued = null;
            }
        }
    }

    private async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var cluster = settings.ClusterId;
        var set = await nodeSets.GetAsync(cluster, cancellationToken);
        if (set is null)
        {
            // The relay has not delivered a node set yet.
            return;
        }

        if (!set.Snapshot.Features.Contains(ProtocolVersion.NodeLifecycleFeature, StringComparer.Ordinal))
        {
            if (!warnedOldRelay)
            {
                warnedOldRelay = true;
                logger.RelayLacksNodeLifecycle(cluster);
            }

            return;
        }

        var previous = await results.GetAsync(cluster, cancellationToken);
        IReadOnlyList<CloudServer>? servers = null;
        try
        {
            servers = await cloud.ListServersAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is SakuraApiException or HttpRequestException or TimeoutException)
        {
            // Never decide (let alone delete) from a failed read: what was decided stays as it is.
            logger.NodeServersUnreadable(cluster, rules.Zone, ex.Message, set.Snapshot.Nodes.Count(n => NodeDecisions.HasTaint(n, WellKnown.UninitializedTaint)));
        }

        var now = time.GetUtcNow();
        var decision = NodeDecisions.Decide(new NodeDecisionInput
        {
            Nodes = set.Snapshot.Nodes,
            Servers = servers,
            Previous = previous?.Results ?? [],
            Vanished = previous?.Vanished ?? [],
            Now = now,
            Rules = rules,
        });
        var record = new NodeResultsRecord(cluster, decision.Results, decision.Vanished, now);
        if (previous is null || !NodeResultsPayload.SameContent(previous, record))
        {
            await results.PutAsync(record, cancellationToken);
        }

        if (decision.DeletionRefused is { } refused)
        {
            logger.NodeDeletionRefused(cluster, refused);
        }

        foreach (var deleting in decision.Results.Where(r => r.Delete))
        {
            logger.NodeDeleting(deleting.Name, cluster, deleting.Message);
        }

        if (servers is not null)
        {
            logger.NodePassFinished(cluster, set.Snapshot.Nodes.Count, servers.Count, rules.Zone, decision.Initializing, decision.Waiting, decision.Deleting.Count);
        }
    }
}
