namespace SakuraLb.Functions.Telemetry;

/// <summary>
/// Every log line of the app, source-generated. Event-id bands: 1000–1099 HTTP ingest, 1100–1199
/// orchestrations, 1200–1299 activities and cloud steps, 1300–1399 resync and orphans, 1400–1499 start-up,
/// 1500–1599 node controller.
/// </summary>
internal static partial class Logs
{
    private static readonly Func<ILogger, string, string, string, IDisposable?> ServiceScopeDefinition =
        LoggerMessage.DefineScope<string, string, string>("Service {ServiceNamespace}/{ServiceName} ({ServiceUid})");

    /// <summary>A scope naming the Service, so every line below it can be filtered by Service.</summary>
    public static IDisposable? BeginServiceScope(this ILogger logger, string serviceNamespace, string name, string uid) =>
        ServiceScopeDefinition(logger, serviceNamespace, name, uid);

    // 1000–1099: HTTP ingest.
    [LoggerMessage(EventId = 1000, Level = LogLevel.Warning, Message = "Rejected {Method} {Path}: {Status} {Reason}")]
    public static partial void RequestRejected(this ILogger logger, string method, string path, int status, string reason);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Events from cluster {ClusterId}: {Stored} stored, {Stale} stale, node set {NodeOutcome}; {Started} reconciles started")]
    public static partial void EventsAccepted(this ILogger logger, string clusterId, int stored, int stale, string nodeOutcome, int started);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Events batch for cluster {ClusterId} could not be stored: {Reason}")]
    public static partial void EventsNotStored(this ILogger logger, string clusterId, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "Reconcile {InstanceId} already pending or running; it will see the change")]
    public static partial void ReconcileAlreadyRunning(this ILogger logger, string instanceId);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Started reconcile {InstanceId} (start at {StartAt})")]
    public static partial void ReconcileStarted(this ILogger logger, string instanceId, DateTimeOffset? startAt);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Resync requested for cluster {ClusterId} ({Scope}): {Started} reconciles started")]
    public static partial void ResyncRequested(this ILogger logger, string clusterId, string scope, int started);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: a dependency did not answer ({Reason})")]
    public static partial void RequestUnavailable(this ILogger logger, string method, string path, string reason);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Error, Message = "{Method} {Path} answered 500: an unexpected error")]
    public static partial void RequestFailedUnexpectedly(this ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "Reconcile {InstanceId} was completing past its fence when a change arrived; started again on try {Attempt} after {Elapsed}")]
    public static partial void ReconcileRestartedAfterCompletion(this ILogger logger, string instanceId, int attempt, TimeSpan elapsed);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "Reconcile {InstanceId} past its fence did not complete within {Wait}; the relay's resend of what no status reflects starts it")]
    public static partial void ReconcileStillCompleting(this ILogger logger, string instanceId, TimeSpan wait);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "Teardown {OperationId} of cluster {ClusterId} (owner {OwnerId}) started: {Deleting} load balancers to delete, {Skipped} skipped, {Terminated} running reconciles terminated")]
    public static partial void TeardownStarted(this ILogger logger, string operationId, string clusterId, string ownerId, int deleting, int skipped, int terminated);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Information, Message = "Teardown dry run for cluster {ClusterId} (owner {OwnerId}): {WouldDelete} load balancers would be deleted, {Skipped} skipped")]
    public static partial void TeardownDryRun(this ILogger logger, string clusterId, string ownerId, int wouldDelete, int skipped);

    // 1100–1199: orchestrations.
    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Reconcile pass {Pass} for {Uid}: plan of {StepCount} steps, outcome {Phase} {ReasonCode}")]
    public static partial void Planned(this ILogger logger, int pass, string uid, int stepCount, ServicePhase phase, string reasonCode);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Reconcile of {Uid} finished: {Outcome} after {Passes} passes")]
    public static partial void ReconcileFinished(this ILogger logger, string uid, string outcome, int passes);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Reconcile of {Uid} stopped early: {Reason}")]
    public static partial void ReconcileStoppedEarly(this ILogger logger, string uid, string reason);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Waiting for the node set of {Uid} to settle until {Until}")]
    public static partial void NodeDebounce(this ILogger logger, string uid, DateTime until);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "Orphan cleanup of load balancer {LoadBalancerId}: {Outcome}")]
    public static partial void OrphanCleanupFinished(this ILogger logger, long loadBalancerId, string outcome);

    [LoggerMessage(EventId = 1110, Level = LogLevel.Warning, Message = "Teardown {OperationId} of cluster {ClusterId} finished: {Forgotten} Services forgotten, {Deleted} load balancers deleted, {Failed} failed, {Skipped} skipped")]
    public static partial void TeardownFinished(this ILogger logger, string operationId, string clusterId, int forgotten, int deleted, int failed, int skipped);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Warning, Message = "Completion fence of {Uid} could not be passed ({Reason}); completing without it")]
    public static partial void FenceFailed(this ILogger logger, string uid, string reason);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Warning, Message = "{Uid} gave addresses back but the Services waiting for one could not be started ({Reason}); the timer starts them")]
    public static partial void WakeFailed(this ILogger logger, string uid, string reason);

    // 1200–1299: activities.
    [LoggerMessage(EventId = 1120, Level = LogLevel.Information, Message = "Resync request {Request} of {Uid} answered: reconciled in {Seconds} s, {Changes}")]
    public static partial void ResyncAnswered(this ILogger logger, string uid, string request, double seconds, string changes);

    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Created load balancer {LoadBalancerId} ({Name})")]
    public static partial void LoadBalancerCreated(this ILogger logger, long loadBalancerId, string name);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Load balancer {Name} already exists as {LoadBalancerId}; not creating another")]
    public static partial void LoadBalancerAlreadyExists(this ILogger logger, string name, long loadBalancerId);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "{Step} on load balancer {LoadBalancerId}: {Result}")]
    public static partial void StepDone(this ILogger logger, string step, long loadBalancerId, string result);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "Addresses for {Uid} lost a race ({Conflicts}); planning again")]
    public static partial void ReservationConflict(this ILogger logger, string uid, string conflicts);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Warning, Message = "Sakura call for {Step} failed permanently: {Message}")]
    public static partial void CloudCallFailed(this ILogger logger, string step, string message);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Information, Message = "Status of {Uid}: {Phase} {ReasonCode} (settled {Settled})")]
    public static partial void StatusPublished(this ILogger logger, string uid, ServicePhase phase, string? reasonCode, bool settled);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Information, Message = "Status of {Uid} issued at {IssuedAt} not written: a newer one (issued at {StoredIssuedAt}) is stored")]
    public static partial void StalePublishIgnored(this ILogger logger, string uid, DateTimeOffset issuedAt, DateTimeOffset storedIssuedAt);

    [LoggerMessage(EventId = 1207, Level = LogLevel.Information, Message = "{Uid} gave addresses back: {Count} Services waiting for an address started again ({Uids})")]
    public static partial void AddressWaitersWoken(this ILogger logger, string uid, int count, string uids);

    // 1300–1399: resync and orphans.
    [LoggerMessage(EventId = 1300, Level = LogLevel.Information, Message = "Resync of cluster {ClusterId}: {Services} Services, {Behind} behind, {Drifted} drifted, {Started} started, {Orphans} orphans")]
    public static partial void ResyncFinished(this ILogger logger, string clusterId, int services, int behind, int drifted, int started, int orphans);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Load balancer {LoadBalancerId} ({Name}) is tagged with cluster {ClusterId} but has no Service; first seen {FirstSeenAt}, {Action}")]
    public static partial void OrphanFound(this ILogger logger, long loadBalancerId, string name, string clusterId, DateTimeOffset firstSeenAt, string action);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Information, Message = "Orphan collection for cluster {ClusterId} waits for the relay's first snapshot ({LoadBalancers} load balancers carry the cluster tag)")]
    public static partial void OrphansNotCollected(this ILogger logger, string clusterId, int loadBalancers);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Error, Message = "Resync of cluster {ClusterId}: part {Part} failed ({Reason}); the other parts ran")]
    public static partial void ResyncFailed(this ILogger logger, Exception exception, string clusterId, string part, string reason);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Information, Message = "Purged the histories of {Count} finished orchestrations created before {Before}")]
    public static partial void InstancesPurged(this ILogger logger, int count, DateTimeOffset before);

    [LoggerMessage(EventId = 1310, Level = LogLevel.Warning, Message = "Load balancer {LoadBalancerId} ({Name}) carries cluster {ClusterId}'s tag but no owner tag and no Service claims it: it is not deleted. Set Controller:AdoptUnownedLoadBalancers to let orphan collection and teardown treat it as this installation's, or delete it by hand")]
    public static partial void UnownedLoadBalancer(this ILogger logger, long loadBalancerId, string name, string clusterId);

    [LoggerMessage(EventId = 1311, Level = LogLevel.Warning, Message = "{Count} load balancers carry cluster {ClusterId}'s tag and another installation's owner id ({Owners}); this installation is {OwnerId}. Two installations share the cluster id: neither collects the other's load balancers, but give each cluster its own id")]
    public static partial void OtherOwnersLoadBalancers(this ILogger logger, int count, string clusterId, string owners, string ownerId);

    [LoggerMessage(EventId = 1312, Level = LogLevel.Warning, Message = "Orphan collection for cluster {ClusterId} deletes nothing this pass: {Due} orphans are due, over the cap of {MaxCount} per pass or {MaxShare:P0} of this installation's {Total} load balancers (Controller:MaxOrphanDeletionsPerPass, Controller:MaxOrphanDeletionShare). Check the relay's inventory; raise the cap or use POST /api/teardown if this is intended")]
    public static partial void OrphanDeletionCapped(this ILogger logger, string clusterId, int due, int maxCount, double maxShare, int total);

    // 1500–1599: node controller.
    [LoggerMessage(EventId = 1500, Level = LogLevel.Information, Message = "Node pass for cluster {ClusterId}: {Nodes} nodes, {Servers} servers in zone {Zone}, {Initializing} initialised now, {Waiting} waiting uninitialised, {Deleting} to delete")]
    public static partial void NodePassFinished(this ILogger logger, string clusterId, int nodes, int servers, string zone, int initializing, int waiting, int deleting);

    [LoggerMessage(EventId = 1501, Level = LogLevel.Warning, Message = "Node pass for cluster {ClusterId}: the server list of zone {Zone} could not be read ({Reason}); nothing new is decided and nothing is deleted; {Waiting} uninitialised nodes wait for the next pass")]
    public static partial void NodeServersUnreadable(this ILogger logger, string clusterId, string zone, string reason, int waiting);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Warning, Message = "Node pass for cluster {ClusterId}: no node is deleted: {Reason}")]
    public static partial void NodeDeletionRefused(this ILogger logger, string clusterId, string reason);

    [LoggerMessage(EventId = 1503, Level = LogLevel.Warning, Message = "Node {Node} of cluster {ClusterId} is to be deleted: {Message}")]
    public static partial void NodeDeleting(this ILogger logger, string node, string clusterId, string message);

    [LoggerMessage(EventId = 1504, Level = LogLevel.Warning, Message = "The relay of cluster {ClusterId} does not forward what node initialisation reads (it predates node lifecycle); no node decisions are made until it is upgraded")]
    public static partial void RelayLacksNodeLifecycle(this ILogger logger, string clusterId);

    [LoggerMessage(EventId = 1505, Level = LogLevel.Error, Message = "Node pass for cluster {ClusterId} failed; the next trigger or the timer runs it again")]
    public static partial void NodePassFailed(this ILogger logger, Exception exception, string clusterId);

    // 1600–1699: backend health.
    [LoggerMessage(EventId = 1600, Level = LogLevel.Warning, Message = "Reading the health of load balancer {LoadBalancerId} of Service {Namespace}/{Name} failed: {Reason}; it is read again next interval")]
    public static partial void HealthReadFailed(this ILogger logger, string @namespace, string name, long loadBalancerId, string reason);

    [LoggerMessage(EventId = 1601, Level = LogLevel.Information, Message = "Service {Namespace}/{Name}: {Reason}: {Message}")]
    public static partial void HealthTransition(this ILogger logger, string @namespace, string name, string reason, string message);

    // 1400–1499: start-up.
    [LoggerMessage(EventId = 1400, Level = LogLevel.Information, Message = "SakuraLb function app for cluster {ClusterId}, storage {StorageMode}")]
    public static partial void Starting(this ILogger logger, string clusterId, string storageMode);
}
