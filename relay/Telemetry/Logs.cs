
namespace SakuraLb.Relay.Telemetry;

/// <summary>
/// Every log line of the relay, source-generated with explicit event ids in bands:
/// 1xx hosting, 2xx watching, 3xx delivery, 4xx status write-back, 5xx leadership.
/// </summary>
internal static partial class Logs
{
    // 1xx hosting
    [LoggerMessage(100, LogLevel.Information, "Relay starting: {Options}")]
    public static partial void Starting(ILogger logger, string options);

    [LoggerMessage(101, LogLevel.Information, "Resync requested by an operator (namespace {Namespace}, name {Name}); the function answered {StatusCode}")]
    public static partial void ResyncRequested(ILogger logger, string? @namespace, string? name, int statusCode);

    [LoggerMessage(102, LogLevel.Information, "Leadership term started on {Identity}: listing Services and Nodes")]
    public static partial void TermStarted(ILogger logger, string identity);

    [LoggerMessage(103, LogLevel.Information, "Leadership term ended on {Identity}")]
    public static partial void TermEnded(ILogger logger, string identity);

    [LoggerMessage(104, LogLevel.Information, "Full resync: {Services} Service snapshots and the node set ({Nodes} nodes) enqueued")]
    public static partial void FullResync(ILogger logger, int services, int nodes);

    [LoggerMessage(105, LogLevel.Error, "The {Loop} loop failed unexpectedly; restarting it")]
    public static partial void LoopCrashed(ILogger logger, Exception exception, string loop);

    [LoggerMessage(106, LogLevel.Warning, "Outbox full ({Max} pending): dropped the snapshot of {Service}; a full resync follows once the function accepts batches again")]
    public static partial void OutboxOverflow(ILogger logger, string service, int max);

    [LoggerMessage(107, LogLevel.Information, "Status backstop: {Services} Service snapshot(s) not reflected by a status within {After} sent again (first: {First}); node set sent again: {Nodes}")]
    public static partial void UnreflectedResent(ILogger logger, int services, TimeSpan after, string first, bool nodes);

    [LoggerMessage(108, LogLevel.Warning, "{Services} Service(s) the status feed knows are missing from this term's first list (deleted while no leader watched): tombstones sent (first: {First})")]
    public static partial void VanishedTombstones(ILogger logger, int services, string first);

    [LoggerMessage(109, LogLevel.Information, "Cluster resync requested on ConfigMap {Namespace}/{Name} ({Request}): {Answer}")]
    public static partial void ClusterResyncAnswered(ILogger logger, string @namespace, string name, string request, string answer);

    [LoggerMessage(110, LogLevel.Warning, "Writing the cluster resync's {What} on ConfigMap {Namespace}/{Name} failed")]
    public static partial void ClusterResyncWriteFailed(ILogger logger, Exception exception, string what, string @namespace, string name);

    // 2xx watching
    [LoggerMessage(200, LogLevel.Information, "Listed {Count} {Kind}s at resourceVersion {ResourceVersion} (reason: {Reason})")]
    public static partial void Listed(ILogger logger, string kind, int count, string resourceVersion, string reason);

    [LoggerMessage(201, LogLevel.Information, "The {Kind} watch at resourceVersion {ResourceVersion} is too old (410 Gone): re-listing")]
    public static partial void WatchGone(ILogger logger, string kind, string resourceVersion);

    [LoggerMessage(202, LogLevel.Warning, "The {Kind} {Operation} failed; retrying in {Delay}")]
    public static partial void WatchFailed(ILogger logger, Exception exception, string kind, string operation, TimeSpan delay);

    [LoggerMessage(203, LogLevel.Warning, "The {Kind} watch at resourceVersion {ResourceVersion} stayed open past its timeout: reconnecting")]
    public static partial void WatchStalled(ILogger logger, string kind, string resourceVersion);

    [LoggerMessage(204, LogLevel.Warning, "The {Kind} watch stream reported an error; the stream continues")]
    public static partial void WatchStreamError(ILogger logger, Exception exception, string kind);

    [LoggerMessage(205, LogLevel.Warning, "Unexpected {Kind} watch event type {Type}: ignored")]
    public static partial void WatchUnexpected(ILogger logger, string kind, string type);

    [LoggerMessage(206, LogLevel.Error, "Handling the {Type} event of {Kind} {Namespace}/{Name} failed; skipped (the next list or resync repairs it)")]
    public static partial void EventFailed(ILogger logger, Exception exception, string kind, string type, string? @namespace, string? name);

    // 3xx delivery
    [LoggerMessage(300, LogLevel.Debug, "Delivered {Services} Service snapshots ({Tombstones} deletions) and {Nodes} nodes (-1: no node set) in {Bytes} bytes")]
    public static partial void BatchDelivered(ILogger logger, int services, int tombstones, int nodes, int bytes);

    [LoggerMessage(301, LogLevel.Warning, "Delivery to the function failed (status {StatusCode}: {Detail}); attempt {Attempt}, retrying in {Delay} with {Pending} snapshots pending")]
    public static partial void DeliveryFailed(ILogger logger, int statusCode, string detail, int attempt, TimeSpan delay, int pending);

    [LoggerMessage(302, LogLevel.Error, "The function refused the batch (status {StatusCode}: {Detail}). Check the relay's functionUrl, functionKey, hmacSecret and clusterId against the function app. Retrying in {Delay}")]
    public static partial void DeliveryRejected(ILogger logger, int statusCode, string detail, TimeSpan delay);

    [LoggerMessage(303, LogLevel.Information, "Delivery to the function works again after {Failures} failed attempts")]
    public static partial void DeliveryRecovered(ILogger logger, int failures);

    [LoggerMessage(304, LogLevel.Error, "The node set ({Nodes} nodes, {Bytes} bytes as sent) {Why}; it cannot be split (protocol v1 sends the whole set). Raise Relay:MaxBodyBytes and the function's Ingest:MaxBodyBytes together")]
    public static partial void NodeSetTooLarge(ILogger logger, int nodes, int bytes, string why);

    [LoggerMessage(305, LogLevel.Error, "The snapshot of Service {Service} (uid {Uid}, {Bytes} bytes) {Why}; dropped")]
    public static partial void SnapshotTooLarge(ILogger logger, string service, string uid, int bytes, string why);

    [LoggerMessage(306, LogLevel.Error, "The function rejected the snapshot of Service {Service} (uid {Uid}): {Problems}; dropped")]
    public static partial void SnapshotRejected(ILogger logger, string service, string uid, string problems);

    [LoggerMessage(307, LogLevel.Error, "The function rejected the node set: {Problems}; dropped until the next node change or resync")]
    public static partial void NodeSetRejected(ILogger logger, string problems);

    // 4xx status write-back
    [LoggerMessage(400, LogLevel.Information, "Added finalizer to Service {Namespace}/{Name}")]
    public static partial void FinalizerAdded(ILogger logger, string @namespace, string name);

    [LoggerMessage(401, LogLevel.Information, "Wrote ingress [{Ips}] to Service {Namespace}/{Name}")]
    public static partial void IngressWritten(ILogger logger, string @namespace, string name, string ips);

    [LoggerMessage(402, LogLevel.Information, "Recorded {Type} event {Reason} on Service {Namespace}/{Name}: {Note}")]
    public static partial void EventRecorded(ILogger logger, string @namespace, string name, string type, string reason, string note);

    [LoggerMessage(403, LogLevel.Information, "Removed finalizer from Service {Namespace}/{Name}: its load balancer is gone")]
    public static partial void FinalizerRemoved(ILogger logger, string @namespace, string name);

    [LoggerMessage(404, LogLevel.Warning, "Write {Kind} to Service {Namespace}/{Name} failed; retrying later")]
    public static partial void WriteFailed(ILogger logger, Exception exception, string kind, string @namespace, string name);

    [LoggerMessage(405, LogLevel.Debug, "Write {Kind} to Service {Namespace}/{Name} skipped: {Outcome}")]
    public static partial void WriteSkipped(ILogger logger, string kind, string @namespace, string name, string outcome);

    [LoggerMessage(406, LogLevel.Error, "The status feed is for cluster '{FeedCluster}', but this relay is cluster '{OurCluster}': ignored. Check clusterId on both sides")]
    public static partial void StatusFeedForeign(ILogger logger, string feedCluster, string ourCluster);

    [LoggerMessage(407, LogLevel.Debug, "Status feed changed for {Changed} of {Total} Services")]
    public static partial void StatusFeedChanged(ILogger logger, int changed, int total);

    [LoggerMessage(408, LogLevel.Warning, "Polling the status feed failed (status {StatusCode}: {Detail}); next poll in {Delay}")]
    public static partial void StatusPollFailed(ILogger logger, int statusCode, string detail, TimeSpan delay);

    [LoggerMessage(409, LogLevel.Information, "Wrote {Kind} to Node {Name}: {Detail}")]
    public static partial void NodeWritten(ILogger logger, string kind, string name, string detail);

    [LoggerMessage(410, LogLevel.Warning, "Deleted Node {Name} (uid {Uid}): its Sakura server is gone")]
    public static partial void NodeDeleted(ILogger logger, string name, string uid);

    [LoggerMessage(411, LogLevel.Information, "Recorded {Type} event {Reason} on Node {Name}: {Note}")]
    public static partial void NodeEventRecorded(ILogger logger, string name, string type, string reason, string note);

    [LoggerMessage(412, LogLevel.Warning, "Write {Kind} to Node {Name} failed; retrying later")]
    public static partial void NodeWriteFailed(ILogger logger, Exception exception, string kind, string name);

    [LoggerMessage(413, LogLevel.Debug, "Write {Kind} to Node {Name} skipped: {Outcome} (the Node changed or is gone; planned again from its newest state)")]
    public static partial void NodeWriteSkipped(ILogger logger, string kind, string name, string outcome);

    [LoggerMessage(414, LogLevel.Warning, "The function app publishes no node results: its node controller is switched off (Nodes:Initialize, Nodes:ShutdownTaint and Nodes:DeleteVanished all false) or it predates node lifecycle. Nodes are not initialised by this relay until it does")]
    public static partial void NodeResultsAbsent(ILogger logger);

    [LoggerMessage(420, LogLevel.Information, "Wrote conditions [{Conditions}] to Service {Namespace}/{Name}")]
    public static partial void ConditionWritten(ILogger logger, string @namespace, string name, string conditions);

    // 5xx leadership
    [LoggerMessage(500, LogLevel.Information, "{Identity} became the leader (Lease {Lease})")]
    public static partial void StartedLeading(ILogger logger, string identity, string lease);

    [LoggerMessage(501, LogLevel.Warning, "{Identity} stopped leading")]
    public static partial void StoppedLeading(ILogger logger, string identity);

    [LoggerMessage(502, LogLevel.Information, "The leader is now {Identity}")]
    public static partial void NewLeader(ILogger logger, string identity);

    [LoggerMessage(503, LogLevel.Warning, "Leader election could not reach the Lease")]
    public static partial void LeaderElectionError(ILogger logger, Exception exception);

    [LoggerMessage(504, LogLevel.Error, "A leadership term failed")]
    public static partial void TermFailed(ILogger logger, Exception exception);

    [LoggerMessage(505, LogLevel.Information, "{Identity} released the Lease")]
    public static partial void LeaseReleased(ILogger logger, string identity);

    [LoggerMessage(506, LogLevel.Warning, "Releasing the Lease failed; the other replica takes over when it expires")]
    public static partial void LeaseReleaseFailed(ILogger logger, Exception exception);
}
