using System.Runtime.ExceptionServices;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using SakuraLb.Functions.Activities;
using SakuraLb.Functions.Cloud;
using SakuraLb.Functions.Installation;
using SakuraLb.Functions.Options;
using SakuraLb.Functions.Orchestrations;
using SakuraLb.Reconcile.Desired;
using SakuraLb.Reconcile.Nodes;
using SakuraLb.Reconcile.Planning;
using SakuraLb.Reconcile.Scope;

namespace SakuraLb.Functions.Resync;

/// <summary>What a resync covers.</summary>
/// <param name="Namespace">Only this namespace's Services (no orphan collection, no purge); null = the whole cluster.</param>
/// <param name="CollectOrphans">Look for load balancers of this cluster without a Service (the timer does).</param>
public sealed record ResyncScope(string? Namespace = null, bool CollectOrphans = false);

/// <summary>What a resync found and started.</summary>
public sealed record ResyncReport(
    IReadOnlyList<string> Started,
    IReadOnlyList<ServiceReference> Services,
    int Checked,
    int Behind,
    int Drifted,
    int Orphans)
{
    /// <summary>The parts that failed (each logged as event 1302); the others ran.</summary>
    public IReadOnlyList<ResyncFailure> Failures { get; init; } = [];

    /// <summary>Rethrows the first part's failure, as it was thrown (for a caller that answers a request).</summary>
    public void ThrowFirstFailure()
    {
        if (Failures.Count > 0)
        {
            ExceptionDispatchInfo.Throw(Failures[0].Exception);
        }
    }
}

/// <summary>One part of a resync that failed, and why.</summary>
public sealed record ResyncFailure(ResyncPart Part, Exception Exception);

/// <summary>The parts of a resync, in the order they run. Each runs and fails on its own.</summary>
public enum ResyncPart
{
    /// <summary>Reading the desired rows, statuses and node set every other part but the purge needs.</summary>
    Read,

    /// <summary>Starting the Services whose status is behind their desired state (no cloud read).</summary>
    Behind,

    /// <summary>Reading the cloud and starting the Services whose load balancer drifted.</summary>
    Drift,

    /// <summary>Load balancers of the cluster without a Service: recorded, then deleted after the grace period.</summary>
    Orphans,

    /// <summary>Old tombstones, statuses, nonces and orchestration histories.</summary>
    Purge,
}

/// <summary>
/// The batched pass of the timer and of <c>POST /api/resync</c>, in parts that each run and fail on their own
/// (a failure is logged as event 1302 with the part and the reason, and the next part still runs): reads every
/// desired row and status of the cluster (one query each) and the node set; starts, without any cloud read, the
/// Services that are behind (newer desired state, unsettled, node set changed); reads the cloud in a fixed number of
/// requests (the cluster's load balancers with their settings, the routers (and plain switches, once a switch-type
/// Service needs them), the servers and appliances of each switch in use), plans every settled Service in memory with the orchestration's own rules and starts those
/// whose load balancer drifted; then the orphans: load balancers tagged with this cluster and this installation's owner id whose
/// Service is unknown are recorded, and deleted (or only reported, in dry-run or over the deletion cap) once the grace
/// period has passed; finally old Deleted
/// entries, expired nonces and old orchestration histories are purged. Nothing differs → no write.
/// </summary>
public sealed class ClusterResync(
    IDesiredStore desiredStore,
    INodeSetStore nodeStore,
    IStatusStore statusStore,
    IReservationStore reservationStore,
    IOrphanStore orphanStore,
    INonceStore nonceStore,
    ISakuraCloud cloud,
    RouterCache routerCache,
    ReconcileStarter starter,
    ControllerSettings settings,
    OwnerIdentity owner,
    IOptions<ControllerOptions> controllerOptions,
    TimeProvider time,
    SakuraLbMetrics metrics,
    ILogger<ClusterResync> logger)
{
    private static readonly OrchestrationRuntimeStatus[] Finished =
        [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];

    private readonly ControllerOptions options = controllerOptions.Value;

    public async Task<ResyncReport> RunAsync(DurableTaskClient client, ResyncScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(scope);
        var cluster = settings.ClusterId;
        var now = time.GetUtcNow();
        var wholeCluster = scope.Namespace is null && scope.CollectOrphans;
        var run = new Run(logger, cluster, cancellationToken);

        IReadOnlyList<DesiredService> all = [];
        Dictionary<string, StatusRecord> statuses = [];
        NodeSetRecord? nodeSet = null;
        var read = await run.PartAsync(ResyncPart.Read, async () =>
        {
            all = await desiredStore.ListAsync(cluster, cancellationToken);
            statuses = (await statusStore.ListAsync(cluster, cancellationToken)).ToDictionary(s => s.Uid, StringComparer.Ordinal);
            nodeSet = await nodeStore.GetAsync(cluster, cancellationToken);
        });
        if (!read)
        {
            // Without the stores nothing can be decided; old histories can still be purged.
            if (wholeCluster)
            {
                await run.PartAsync(ResyncPart.Purge, () => PurgeHistoriesAsync(client, now, cancellationToken));
            }

            return new ResyncReport([], [], 0, 0, 0, 0) { Failures = run.Failures };
        }

        var fingerprint = nodeSet?.EligibleFingerprint ?? NodeFingerprint.Eligible(null);
        var services = scope.Namespace is null ? all : [.. all.Where(s => string.Equals(s.Snapshot.Namespace, scope.Namespace, StringComparison.Ordinal))];
        var behind = new List<DesiredService>();
        var settled = new List<DesiredService>();
        foreach (var service in services)
        {
            var managed = statuses.TryGetValue(service.Uid, out var status);
            if (ServiceScope.Classify(service.Snapshot, settings, managed) == ServiceIntent.Ignore)
            {
                continue;
            }

            var isBehind = status is null
                || status.DesiredSeq < service.Seq
                || !status.Settled
                || (status.RealServerHash.Length > 0 && status.NodeFingerprint != fingerprint);
            (isBehind ? behind : settled).Add(service);
        }

        var started = new List<string>();
        var concerned = new List<ServiceReference>();
        async Task StartAsync(IReadOnlyList<DesiredService> which)
        {
            started.AddRange(await starter.EnsureReconcilesAsync(client, cluster, [.. which.Select(s => new ReconcileStart(s.Uid))], markFirst: true, cancellationToken));
            concerned.AddRange(which.Select(s => new ServiceReference(s.Uid, s.Snapshot.Namespace, s.Snapshot.Name)));
        }

        await run.PartAsync(ResyncPart.Behind, () => StartAsync(behind));

        // Invalid Services settled as Failed need no cloud view: their plan cannot change until they do.
        var needCloud = settled.Where(s => ServicePlanning.Precheck(s.Snapshot, settings, statuses.ContainsKey(s.Uid), out _) is null).ToList();
        var drifted = new List<DesiredService>();
        Task<IReadOnlyList<ObservedLoadBalancer>>? clusterLbs = null;
        Task<IReadOnlyList<ObservedLoadBalancer>> ClusterLoadBalancersAsync() =>
            clusterLbs ??= cloud.FindLoadBalancersByTagsAsync([LoadBalancerNaming.ClusterTag(cluster)], cancellationToken);
        if (needCloud.Count > 0)
        {
            await run.PartAsync(ResyncPart.Drift, async () =>
            {
                // Planned with the owner id: a Service's load balancer without the owner tag drifted, and its reconcile claims it.
                var planning = await owner.SettingsAsync(cancellationToken);
                drifted.AddRange(await FindDriftAsync(needCloud, planning, nodeSet, await ClusterLoadBalancersAsync(), cancellationToken));
                await StartAsync(drifted);
            });
        }

        var orphans = 0;
        if (wholeCluster)
        {
            await run.PartAsync(ResyncPart.Orphans, async () => orphans = nodeSet is null
                ? NotYetCollectable((await ClusterLoadBalancersAsync()).Count)
                : await CollectOrphansAsync(client, all, await ClusterLoadBalancersAsync(), now, cancellationToken));
            await run.PartAsync(ResyncPart.Purge, async () =>
            {
                await PurgeAsync(client, all, statuses, now, cancellationToken);
                await PurgeHistoriesAsync(client, now, cancellationToken);
            });
        }

        logger.ResyncFinished(cluster, services.Count, behind.Count, drifted.Count, started.Count, orphans);
        return new ResyncReport(started, concerned, services.Count, behind.Count, drifted.Count, orphans) { Failures = run.Failures };
    }

    private async Task<List<DesiredService>> FindDriftAsync(
        List<DesiredService> services,
        ControllerSettings settings,
        NodeSetRecord? nodeSet,
        IReadOnlyList<ObservedLoadBalancer> clusterLbs,
        CancellationToken cancellationToken)
    {
        var drifted = new List<DesiredService>();
        var networks = new Dictionary<LoadBalancerType, NetworkCandidates>();

        // Keyed by the network too: a switch-type Service's view of a plain switch is the addresses in its own range.
        var switches = new Dictionary<(long SwitchId, string Block), (SwitchView View, IReadOnlyList<AddressReservation> Reservations)>();
        foreach (var service in services)
        {
            var snapshot = service.Snapshot;
            if (ServiceScope.Classify(snapshot, settings, previouslyManaged: true) == ServiceIntent.Cleanup)
            {
                // A deleted Service's load balancer that shows up again (or was never deleted) is drift.
                if (ServicePlanning.CandidatesOf(service.Uid, clusterLbs).Count > 0)
                {
                    drifted.Add(service);
                }

                continue;
            }

            ServicePlanning.Precheck(snapshot, settings, previouslyManaged: true, out var spec);
            var type = spec!.Network.Type;
            if (!networks.TryGetValue(type, out var candidates))
            {
                candidates = await routerCache.CandidatesAsync(cloud, type, cancellationToken);
                networks[type] = candidates;
            }

            var network = ServicePlanning.SelectNetwork(snapshot, spec, candidates, out _);
            if (network is null)
            {
                // The router or switch vanished or became ambiguous: the reconcile reports it.
                drifted.Add(service);
                continue;
            }

            var key = (network.SwitchId, network.Block.ToString());
            if (!switches.TryGetValue(key, out var onSwitch))
            {
                // The drift check looks for changes made behind our back, which the shared appliance list may hide
                // for a moment: the first switch read of a pass starts from a fresh list (which the reads after it,
                // and the reconciles it starts, then share).
                if (switches.Count == 0)
                {
                    await cloud.ListLoadBalancersAsync(TimeSpan.Zero, cancellationToken);
                }

                onSwitch = (await cloud.ReadSwitchAsync(network, cancellationToken), await reservationStore.ListBySwitchAsync(network.SwitchId, cancellationToken));
                switches[key] = onSwitch;
            }

            var found = ServicePlanning.CandidatesOf(service.Uid, clusterLbs.Concat(onSwitch.View.LoadBalancers));
            // Planned without the drain state (the reconcile keeps it): a server found leaving starts a drain here, so
            // a drain in progress is no change, and one whose reconcile is gone is started again to finish it.
            var plan = ServicePlanning.PlanEnsure(
                snapshot, settings, nodeSet?.Snapshot.Nodes ?? [], candidates, onSwitch.View, found, onSwitch.Reservations, [], time.GetUtcNow());
            if (plan.Plan is { IsNoOp: false } or { Drain.WakeAt: not null })
            {
                drifted.Add(service);
            }
        }

        return drifted;
    }

    /// <summary>
    /// Until the relay has delivered a snapshot (the node set comes with every full snapshot), an empty or
    /// fresh desired table says nothing about which Services exist: every load balancer of the cluster would
    /// look orphaned. Nothing is recorded, so the grace period starts only once the inventory is known.
    /// </summary>
    private int NotYetCollectable(int loadBalancers)
    {
        logger.OrphansNotCollected(settings.ClusterId, loadBalancers);
        return 0;
    }

    private async Task<int> CollectOrphansAsync(
        DurableTaskClient client,
        IReadOnlyList<DesiredService> all,
        IReadOnlyList<ObservedLoadBalancer> clusterLbs,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var cluster = settings.ClusterId;
        var ownerId = await owner.GetAsync(cancellationToken);
        var records = (await orphanStore.ListAsync(cluster, cancellationToken)).ToDictionary(o => o.LoadBalancerId);
        var decisions = OrphanRules.Classify(
            cluster, ownerId, options.AdoptUnownedLoadBalancers, all.Select(s => s.Uid).ToHashSet(StringComparer.Ordinal), clusterLbs);
        ReportNotOurs(decisions, ownerId);
        foreach (var decision in decisions.Where(d => d.Kind != OrphanKind.Orphan && records.ContainsKey(d.LoadBalancer.Id)))
        {
            await orphanStore.RemoveAsync(cluster, decision.LoadBalancer.Id, cancellationToken);
        }

        var orphans = new List<(OrphanDecision Decision, OrphanRecord Record)>();
        foreach (var decision in decisions.Where(d => d.Kind == OrphanKind.Orphan))
        {
            if (!records.TryGetValue(decision.LoadBalancer.Id, out var record))
            {
                record = await orphanStore.AddIfMissingAsync(new OrphanRecord(cluster, decision.LoadBalancer.Id, decision.ServiceUid, now), cancellationToken);
                metrics.Orphan("seen");
            }

            orphans.Add((decision, record));
        }

        // All or nothing: more orphans due at once than the cap allows is more likely a lost inventory than a fact.
        var due = orphans.Count(o => now - o.Record.FirstSeenAt >= options.OrphanGracePeriod);
        var ours = decisions.Count(d => d.Kind is OrphanKind.Claimed or OrphanKind.Orphan);
        var capped = !options.OrphanDryRun && due > 0
            && !OrphanRules.WithinDeletionCap(due, ours, options.MaxOrphanDeletionsPerPass, options.MaxOrphanDeletionShare);
        if (capped)
        {
            logger.OrphanDeletionCapped(cluster, due, options.MaxOrphanDeletionsPerPass, options.MaxOrphanDeletionShare, ours);
            metrics.OrphanPassCapped();
        }

        foreach (var (decision, record) in orphans)
        {
            var lb = decision.LoadBalancer;
            string action;
            if (now - record.FirstSeenAt < options.OrphanGracePeriod)
            {
                action = $"deleted after {record.FirstSeenAt + options.OrphanGracePeriod:O} unless its Service appears";
            }
            else if (options.OrphanDryRun)
            {
                action = "would be deleted now (Controller:OrphanDryRun is on)";
                metrics.Orphan("reported");
            }
            else if (capped)
            {
                action = "not deleted: this pass is over the deletion cap (event 1312)";
                metrics.Orphan("withheld");
            }
            else
            {
                await starter.EnsureOrphanCleanupAsync(client, new OrphanInput(cluster, lb.Id, decision.ServiceUid), cancellationToken);
                action = "deleting it";
            }

            logger.OrphanFound(lb.Id, lb.Name, cluster, record.FirstSeenAt, action);
        }

        // Records of load balancers that are gone (deleted by us or by someone) are dropped, with the history of
        // their cleanup.
        var present = decisions.Select(d => d.LoadBalancer.Id).ToHashSet();
        foreach (var stale in records.Keys.Where(id => !present.Contains(id)))
        {
            await orphanStore.RemoveAsync(cluster, stale, cancellationToken);
            await PurgeFinishedAsync(client, OrphanCleanupOrchestrator.InstanceId(stale), cancellationToken);
        }

        return orphans.Count;
    }

    /// <summary>What orphan collection leaves alone because it is not provably this installation's: reported every pass.</summary>
    private void ReportNotOurs(IReadOnlyList<OrphanDecision> decisions, string ownerId)
    {
        foreach (var unowned in decisions.Where(d => d.Kind == OrphanKind.Unowned))
        {
            logger.UnownedLoadBalancer(unowned.LoadBalancer.Id, unowned.LoadBalancer.Name, settings.ClusterId);
            metrics.Orphan("unowned");
        }

        var others = decisions.Where(d => d.Kind == OrphanKind.OtherOwner).ToList();
        if (others.Count > 0)
        {
            var owners = others.SelectMany(d => LoadBalancerNaming.OwnerIdsOf(d.LoadBalancer.Tags)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            logger.OtherOwnersLoadBalancers(others.Count, settings.ClusterId, string.Join(", ", owners), ownerId);
            metrics.Orphan("other-owner", others.Count);
        }
    }

    private async Task PurgeAsync(
        DurableTaskClient client, IReadOnlyList<DesiredService> all, Dictionary<string, StatusRecord> statuses, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var cluster = settings.ClusterId;
        foreach (var service in all)
        {
            // A Service that left our class before its first reconcile (class mode) is never reconciled and never
            // gets a status: without this its tombstone would stay in the table for good.
            if (!statuses.ContainsKey(service.Uid)
                && service.Snapshot.Deleted
                && now - service.UpdatedAt > options.DeletedStatusRetention
                && ServiceScope.Classify(service.Snapshot, settings, previouslyManaged: false) == ServiceIntent.Ignore)
            {
                if (await desiredStore.DeleteAsync(cluster, service.Uid, service.Seq, cancellationToken))
                {
                    await PurgeFinishedAsync(client, ReconcileServiceOrchestrator.InstanceId(service.Uid), cancellationToken);
                }

                continue;
            }

            if (statuses.TryGetValue(service.Uid, out var status)
                && status.Status.Phase == ServicePhase.Deleted
                && status.Settled
                && status.Status.FinalizerReleasable
                && status.DesiredSeq == service.Seq
                && now - status.Status.UpdatedAt > options.DeletedStatusRetention
                && await desiredStore.DeleteAsync(cluster, service.Uid, service.Seq, cancellationToken))
            {
                await statusStore.DeleteAsync(cluster, service.Uid, cancellationToken);
                await PurgeFinishedAsync(client, ReconcileServiceOrchestrator.InstanceId(service.Uid), cancellationToken);
            }
        }

        await nonceStore.PurgeExpiredAsync(now, cancellationToken);
    }

    /// <summary>
    /// The histories of orchestrations that finished before <see cref="ControllerOptions.CompletedInstanceRetention"/>:
    /// one filtered purge, no cloud read, so it runs even when the stores or the Sakura API are down.
    /// </summary>
    private async Task PurgeHistoriesAsync(DurableTaskClient client, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var before = now - options.CompletedInstanceRetention;
        // A lower bound is required by the engines' filters; no instance of this app is older than the epoch.
        var result = await client.PurgeAllInstancesAsync(new PurgeInstancesFilter(DateTimeOffset.UnixEpoch, before, Finished), cancellationToken);
        if (result.PurgedInstanceCount > 0)
        {
            logger.InstancesPurged(result.PurgedInstanceCount, before);
        }
    }

    /// <summary>Purges one instance's history if it finished (a running one is left alone: it is still working).</summary>
    private static async Task PurgeFinishedAsync(DurableTaskClient client, string instanceId, CancellationToken cancellationToken)
    {
        var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        if (instance is not null && Finished.Contains(instance.RuntimeStatus))
        {
            await client.PurgeInstanceAsync(instanceId, cancellationToken);
        }
    }

    /// <summary>One resync's parts and their failures.</summary>
    private sealed class Run(ILogger logger, string clusterId, CancellationToken cancellationToken)
    {
        private readonly List<ResyncFailure> failures = [];

        public IReadOnlyList<ResyncFailure> Failures => failures;

        /// <summary>Runs one part; a failure is logged (event 1302) and recorded, and the caller goes on.</summary>
        public async Task<bool> PartAsync(ResyncPart part, Func<Task> body)
        {
            try
            {
                await body();
                return true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Each part fails on its own: whatever broke it, the next part must still run.
                logger.ResyncFailed(ex, clusterId, KebabCase.Name(part), ex.Message);
                failures.Add(new ResyncFailure(part, ex));
                return false;
            }
        }
    }
}
