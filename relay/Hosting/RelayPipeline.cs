using System.Threading.Channels;
using SakuraLb.Model;
using SakuraLb.Reconcile.Scope;
using SakuraLb.Relay.Delivery;
using SakuraLb.Relay.Kube;
using SakuraLb.Relay.Nodes;
using SakuraLb.Relay.Options;
using SakuraLb.Relay.Outbox;
using SakuraLb.Relay.Resync;
using SakuraLb.Relay.Status;
using SakuraLb.Relay.Telemetry;
using SakuraLb.Relay.Tracking;
using SakuraLb.Relay.Watching;
using k8s;
using k8s.Models;

namespace SakuraLb.Relay.Hosting;

/// <summary>
/// The leader's work, wired together: watch Services and Nodes → trackers → outbox → sender; status
/// feed → write-back (Services, and Nodes from the node controller's results); a full resync on a timer. <see cref="RunTermAsync"/> runs one leadership term
/// from a clean state (fresh lists) until cancelled.
/// </summary>
public sealed class RelayPipeline
{
    private readonly Channel<bool> resyncSignal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly IKubeApi kube;
    private readonly RelayOptions options;
    private readonly RelayMetrics metrics;
    private readonly TimeProvider time;
    private readonly ILogger<RelayPipeline> logger;
    private readonly ServiceHandler serviceHandler;
    private readonly NodeHandler nodeHandler;
    private ListWatchLoop<V1Service>? serviceLoop;
    private ListWatchLoop<V1Node>? nodeLoop;
    private readonly Lock termGate = new();
    private HashSet<string>? termListed;
    private string termListVersion = "";
    private bool termSwept;

    public RelayPipeline(IKubeApi kube, FunctionClient client, RelayOptions options, RelayMetrics metrics, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        this.kube = kube;
        this.options = options;
        this.metrics = metrics;
        this.time = time;
        logger = loggers.CreateLogger<RelayPipeline>();
        Client = client;
        Statuses = new StatusStore();
        Endpoints = new EndpointTracker();
        Services = new ServiceTracker(options.ToControllerSettings(), Statuses.Contains, Endpoints.Summary);
        Nodes = new NodeTracker();
        Outbox = new SnapshotOutbox(options.MaxPendingServices);
        Outbox.Overflowed += s =>
        {
            metrics.Dropped("overflow");
            Logs.OutboxOverflow(logger, s.Key, options.MaxPendingServices);
        };
        NodeResults = new NodeResultStore();
        NodeWriter = new NodeWriteBackWorker(Nodes, NodeResults, kube, options, metrics, time, loggers.CreateLogger<NodeWriteBackWorker>(), node => nodeHandler!.OnEvent(WatchEventType.Modified, node));

        // A delivered node set may have let the function decide about new Nodes at once: poll for it now rather
        // than after the poll interval, so a registering Node is initialised within seconds.
        Sender = new BatchSender(Outbox, Nodes, client, options, metrics, time, loggers.CreateLogger<BatchSender>(), RequestFullResync, () => Poller!.PollNow());
        Writer = new WriteBackWorker(Services, Statuses, kube, options, metrics, time, loggers.CreateLogger<WriteBackWorker>(), svc => serviceHandler!.Route(Services.Apply(WatchEventType.Modified, svc), countIrrelevant: false));
        Poller = new StatusPoller(client, Statuses, options, metrics, time, loggers.CreateLogger<StatusPoller>(), Writer.EnqueueAll, OnFeed);
        serviceHandler = new ServiceHandler(this);
        nodeHandler = new NodeHandler(this);
        EndpointWatches = new EndpointSliceWatches(kube, Endpoints, OnEndpointsChanged, options, metrics, time, logger);
        ClusterResync = new ClusterResyncWatcher(
            kube, options, metrics, time, logger, () => Synced, () => Services.Forwardable().Count, ct => ResyncAsync(null, null, ct));
        metrics.ObserveGauges(() => Outbox.PendingServices, () => Services.Count, () => Nodes.Count, () => Running);

        // Only the leader holds a feed (a new term starts empty), so only the leader exports backend health.
        metrics.ObserveBackends(Statuses.All);
    }

    public FunctionClient Client { get; }

    public ServiceTracker Services { get; }

    /// <summary>The endpoints of the Local Services, by node (from their EndpointSlices).</summary>
    public EndpointTracker Endpoints { get; }

    /// <summary>The EndpointSlice watches, one per Local Service.</summary>
    public EndpointSliceWatches EndpointWatches { get; }

    public NodeTracker Nodes { get; }

    public SnapshotOutbox Outbox { get; }

    public StatusStore Statuses { get; }

    public BatchSender Sender { get; }

    public StatusPoller Poller { get; }

    public WriteBackWorker Writer { get; }

    /// <summary>The node controller's results from the status feed.</summary>
    public NodeResultStore NodeResults { get; }

    public NodeWriteBackWorker NodeWriter { get; }

    /// <summary>Answers cluster-wide resync requests made by annotating the ConfigMap <see cref="RelayOptions.ResyncConfigMap"/>.</summary>
    public ClusterResyncWatcher ClusterResync { get; }

    /// <summary>True while a term runs.</summary>
    public bool Running { get; private set; }

    /// <summary>True once both lists of the current term were applied.</summary>
    public bool Synced => Running && serviceLoop?.Synced == true && nodeLoop?.Synced == true;

    /// <summary>When the last full resync was enqueued.</summary>
    public DateTimeOffset? LastFullResync { get; private set; }

    /// <summary>Sends every in-scope Service and the node set again (soon, coalesced with pending changes).</summary>
    public void RequestFullResync() => resyncSignal.Writer.TryWrite(true);

    /// <summary>
    /// An operator's resync: the relay resends the state (all, or one Service) and asks the function to
    /// reconcile now. Returns the function's answer (404 when it does not know the Service).
    /// </summary>
    public async Task<ResyncResult> ResyncAsync(string? @namespace, string? name, CancellationToken cancellationToken)
    {
        if (@namespace is null || name is null)
        {
            RequestFullResync();
        }
        else
        {
            foreach (var tracked in Services.Find(@namespace, name))
            {
                if (!ServiceScope.NeedsFinalizer(tracked.Snapshot, Services.Settings))
                {
                    Outbox.Enqueue(tracked.Snapshot);
                }

                Writer.Enqueue(tracked.Snapshot.Uid);
            }
        }

        Poller.PollNow();
        return await Client.PostResyncAsync(
            new ResyncRequest { ClusterId = options.ClusterId, Namespace = @namespace, Name = name },
            cancellationToken);
    }

    /// <summary>One leadership term: fresh state, then every loop until <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunTermAsync(CancellationToken cancellationToken)
    {
        Services.Reset();
        EndpointWatches.StartTerm(cancellationToken);
        Endpoints.Reset();
        Nodes.Reset();
        Outbox.Clear();
        Statuses.Reset();
        Writer.Reset();
        NodeResults.Reset();
        NodeWriter.Reset();
        lock (termGate)
        {
            termListed = null;
            termListVersion = "";
            termSwept = false;
        }

        while (resyncSignal.Reader.TryRead(out _))
        {
        }

        serviceLoop = new ListWatchLoop<V1Service>("service", kube.ListServicesAsync, kube.WatchServicesAsync, serviceHandler, options, metrics, time, logger);
        nodeLoop = new ListWatchLoop<V1Node>("node", kube.ListNodesAsync, kube.WatchNodesAsync, nodeHandler, options, metrics, time, logger);
        Running = true;
        Logs.TermStarted(logger, options.Identity);
        try
        {
            if (options.LoadBalancerClass is not null)
            {
                // In class mode the feed tells which class-less Services carrying the finalizer are
                // ours (their type changed and the API server cleared the class), and the first list
                // should know that. Bounded, so an unreachable function does not hold up the watches.
                using var first = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                first.CancelAfter(TimeSpan.FromSeconds(5));
                try
                {
                    await Poller.PollOnceAsync(new Resilience.Backoff(options.DeliveryBackoffMin, options.DeliveryBackoffMax), first.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                }
            }

            List<Task> loops =
            [
                Guard("service-watch", serviceLoop.RunAsync, cancellationToken),
                Guard("node-watch", nodeLoop.RunAsync, cancellationToken),
                Guard("sender", Sender.RunAsync, cancellationToken),
                Guard("status-poll", Poller.RunAsync, cancellationToken),
                Guard("write-back", Writer.RunAsync, cancellationToken),
                Guard("node-write-back", NodeWriter.RunAsync, cancellationToken),
                Guard("full-resync", ResyncLoopAsync, cancellationToken),
                Guard("status-backstop", BackstopLoopAsync, cancellationToken),
            ];
            if (options.ResyncConfigMap.Length > 0)
            {
                loops.Add(Guard("cluster-resync", ClusterResync.RunAsync, cancellationToken));
            }

            await Task.WhenAll(loops);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            Running = false;
            EndpointWatches.StopAll();
            Logs.TermEnded(logger, options.Identity);
        }
    }

    private async Task ResyncLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var timer = Task.Delay(options.FullResyncInterval, time, wait.Token);
            var asked = resyncSignal.Reader.WaitToReadAsync(wait.Token).AsTask();
            await Task.WhenAny(timer, asked);
            resyncSignal.Reader.TryRead(out _);
            await wait.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
            FullResync();
        }
    }

    /// <summary>
    /// Every status poll period, sends again what no status has reflected for <see cref="RelayOptions.UnreflectedResendAfter"/>
    /// (see <see cref="StatusBackstop"/>); only once the term's lists and a feed were read, so nothing counts as late
    /// before the relay could know.
    /// </summary>
    private async Task BackstopLoopAsync(CancellationToken cancellationToken)
    {
        var backstop = new StatusBackstop(options.UnreflectedResendAfter);
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(options.StatusPollInterval, time, cancellationToken);
            if (!Synced || !Statuses.Loaded)
            {
                continue;
            }

            var resend = backstop.Check(Services.ForwardableTracked(), Statuses.Get, Statuses.All(), Statuses.NodeFingerprint, time.GetUtcNow());
            if (resend.IsEmpty)
            {
                continue;
            }

            foreach (var snapshot in resend.Services)
            {
                Outbox.Enqueue(snapshot);
            }

            if (resend.Nodes)
            {
                Outbox.MarkNodesDue();
            }

            Logs.UnreflectedResent(logger, resend.Services.Count, options.UnreflectedResendAfter, resend.Services.FirstOrDefault()?.Key ?? "", resend.Nodes);
        }
    }

    private void FullResync()
    {
        if (!Synced)
        {
            // The first lists forward everything anyway; nothing to repeat yet.
            return;
        }

        var snapshots = Services.Forwardable();
        foreach (var snapshot in snapshots)
        {
            Outbox.Enqueue(snapshot);
        }

        Outbox.MarkNodesDue();
        Writer.EnqueueAll(Services.Uids());
        NodeWriter.Signal();
        Poller.PollNow();
        LastFullResync = time.GetUtcNow();
        Logs.FullResync(logger, snapshots.Count, Nodes.Count);
    }

    /// <summary>
    /// Once per term, when both the term's first Service list and the status feed are in: a Service the feed knows
    /// that the list no longer has was deleted while no leader watched (the last leader's tombstone may have died
    /// with it, and tombstones live only in memory). Send one, so the function deletes its load balancer.
    /// </summary>
    private void SendTombstonesForVanished()
    {
        List<ServiceSnapshot> tombstones;
        lock (termGate)
        {
            if (termSwept || termListed is null || !Statuses.Loaded)
            {
                return;
            }

            termSwept = true;
            var known = termListed;
            known.UnionWith(Services.Uids());
            tombstones = Statuses.All()
                .Where(s => s.Phase != ServicePhase.Deleted && !known.Contains(s.Uid))
                .Select(s => new ServiceSnapshot { Uid = s.Uid, Namespace = s.Namespace, Name = s.Name, ResourceVersion = termListVersion, Deleted = true })
                .ToList();
        }

        foreach (var tombstone in tombstones)
        {
            Outbox.Enqueue(tombstone);
        }

        if (tombstones.Count > 0)
        {
            Logs.VanishedTombstones(logger, tombstones.Count, $"{tombstones[0].Namespace}/{tombstones[0].Name}");
        }
    }

    /// <summary>The endpoint nodes of the Services named <paramref name="key"/> moved: forward those whose snapshot changed.</summary>
    private void OnEndpointsChanged(string key)
    {
        foreach (var change in Services.RefreshEndpoints(key))
        {
            serviceHandler.Route(change, countIrrelevant: false);
        }
    }

    private void OnFeed(StatusFeed feed)
    {
        SendTombstonesForVanished();
        if (NodeResults.Apply(feed))
        {
            NodeWriter.Signal();
        }
    }

    /// <summary>Runs a loop and restarts it after an unexpected failure, so one broken part never stops the others.</summary>
    private async Task Guard(string name, Func<CancellationToken, Task> loop, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await loop(cancellationToken);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Logs.LoopCrashed(logger, ex, name);
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
            }
        }
    }

    private sealed class ServiceHandler(RelayPipeline pipeline) : IWatchHandler<V1Service>
    {
        public void OnList(IReadOnlyList<V1Service> items, string resourceVersion)
        {
            foreach (var change in pipeline.Services.Replace(items))
            {
                Route(change, countIrrelevant: true);
            }

            lock (pipeline.termGate)
            {
                if (pipeline.termListed is null)
                {
                    pipeline.termListed = items.Select(s => s?.Metadata?.Uid).OfType<string>().ToHashSet(StringComparer.Ordinal);
                    pipeline.termListVersion = resourceVersion;
                }
            }

            pipeline.SendTombstonesForVanished();
        }

        public void OnEvent(WatchEventType type, V1Service item) => Route(pipeline.Services.Apply(type, item), countIrrelevant: true);

        public void OnBookmark(string resourceVersion)
        {
        }

        public void Route(ServiceChange change, bool countIrrelevant)
        {
            switch (change.Kind)
            {
                case ServiceChangeKind.OutOfScope when countIrrelevant:
                    pipeline.metrics.Irrelevant("service", "out_of_scope");
                    break;
                case ServiceChangeKind.Irrelevant when countIrrelevant:
                    pipeline.metrics.Irrelevant("service", "unchanged");
                    break;
                case ServiceChangeKind.Removed or ServiceChangeKind.LeftScope:
                    pipeline.Writer.Forget(change.Uid);
                    break;
            }

            if (change.Forward is { } snapshot)
            {
                pipeline.Outbox.Enqueue(snapshot);
            }

            if (change.NeedsWriteBack)
            {
                pipeline.Writer.Enqueue(change.Uid);
            }

            FollowEndpoints(change);
        }

        /// <summary>Watches the Service's EndpointSlices while a tracked Service of its name is Local, and only then.</summary>
        private void FollowEndpoints(ServiceChange change)
        {
            if ((pipeline.Services.Get(change.Uid)?.Snapshot ?? change.Forward) is not { } snapshot)
            {
                return;
            }

            // Most Services are not Local and never were: no lookup over every tracked Service for them.
            var key = EndpointTracker.Key(snapshot.Namespace, snapshot.Name);
            if (!pipeline.Services.WantsEndpoints(snapshot) && !pipeline.EndpointWatches.IsWatching(key))
            {
                return;
            }

            var wanted = pipeline.Services.Find(snapshot.Namespace, snapshot.Name).Any(t => pipeline.Services.WantsEndpoints(t.Snapshot));
            pipeline.EndpointWatches.Set(key, wanted);
        }
    }

    private sealed class NodeHandler(RelayPipeline pipeline) : IWatchHandler<V1Node>
    {
        public void OnList(IReadOnlyList<V1Node> items, string resourceVersion)
        {
            if (pipeline.Nodes.Replace(items, resourceVersion))
            {
                pipeline.Outbox.MarkNodesDue();
                pipeline.NodeWriter.Signal();
            }
        }

        public void OnEvent(WatchEventType type, V1Node item)
        {
            if (pipeline.Nodes.Apply(type, item))
            {
                pipeline.Outbox.MarkNodesDue();
                pipeline.NodeWriter.Signal();
            }
            else
            {
                pipeline.metrics.Irrelevant("node", "unchanged");
            }
        }

        public void OnBookmark(string resourceVersion) => pipeline.Nodes.Observe(resourceVersion);
    }
}
