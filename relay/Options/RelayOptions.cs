using SakuraLb.Model;
using SakuraLb.Reconcile;

namespace SakuraLb.Relay.Options;

/// <summary>
/// Everything the relay needs, bound from the configuration section <c>Relay</c> (environment variables
/// <c>Relay__ClusterId</c>, ...) and from the mounted Secret directory (one file per key:
/// <c>functionUrl</c>, <c>functionKey</c>, <c>hmacSecret</c>, <c>clusterId</c>). Checked at start-up by
/// <see cref="RelayOptionsValidator"/>, which lists every problem at once.
/// </summary>
public sealed record RelayOptions
{
    public const string SectionName = "Relay";

    /// <summary>Base URL of the function app, e.g. https://sakuralb-prod.azurewebsites.net/ (paths /api/... are appended).</summary>
    public Uri? FunctionUrl { get; init; }

    /// <summary>The Functions host key sent as x-functions-key.</summary>
    public string FunctionKey { get; init; } = "";

    /// <summary>Shared secret of the request signature (docs/protocol.md); at least 32 characters.</summary>
    public string HmacSecret { get; init; } = "";

    /// <summary>This cluster's id; must equal the function app's Controller:ClusterId.</summary>
    public string ClusterId { get; init; } = "";

    /// <summary>
    /// Null: handle Services of type LoadBalancer without spec.loadBalancerClass (the upstream rule).
    /// Set: handle only Services of this class. Must match the function app's setting.
    /// </summary>
    public string? LoadBalancerClass { get; init; }

    /// <summary>How long changes are collected before a batch is sent; coalesces bursts into one request.</summary>
    public TimeSpan BatchWindow { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Most Service snapshots in one request.</summary>
    public int MaxBatchServices { get; init; } = 500;

    /// <summary>Largest request body sent, as sent (after compression); kept below the function's 1 MiB limit.</summary>
    public int MaxBodyBytes { get; init; } = 1_000_000;

    /// <summary>
    /// Bodies of at least this many bytes of JSON are sent gzip-compressed (docs/protocol.md, "Compression"):
    /// a 5,000-node set is over 1 MB of JSON but about a sixth of that compressed. 0 turns compression off.
    /// </summary>
    public int CompressAboveBytes { get; init; } = 16 * 1024;

    /// <summary>Period of the full snapshot (every in-scope Service and the node set) that repairs anything lost.</summary>
    public TimeSpan FullResyncInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a Service's status may not reflect its latest content (or a status another node set than the
    /// function holds) before the relay sends that Service (the node set) again; the function then starts the
    /// reconcile. A bounded backstop well inside <see cref="FullResyncInterval"/>; repeated at most this often.
    /// </summary>
    public TimeSpan UnreflectedResendAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Largest status feed read (GET /api/status, about 500 bytes per Service): a larger answer is a failed poll, so a
    /// misbehaving endpoint cannot make the relay buffer without bound.
    /// </summary>
    public int MaxStatusFeedBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>Period of the status-feed poll (conditional GET, so an unchanged feed costs one 304).</summary>
    public TimeSpan StatusPollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>First retry delay after a failed delivery; doubles up to <see cref="DeliveryBackoffMax"/>, with jitter.</summary>
    public TimeSpan DeliveryBackoffMin { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan DeliveryBackoffMax { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Retry delay after an answer retrying cannot fix soon (401, 403, a batch-level 400): slow, and loud in the log.</summary>
    public TimeSpan RejectedRetryInterval { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Timeout of one request to the function app.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Server-side timeout of one watch request; the watch is then resumed from the last resourceVersion.</summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>First retry delay after a failed list or watch; doubles up to <see cref="WatchBackoffMax"/>, with jitter.</summary>
    public TimeSpan WatchBackoffMin { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan WatchBackoffMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Most Service snapshots waiting for delivery. Beyond it live snapshots are dropped (never deletions)
    /// and a full resync is sent once the function is reachable again, so memory stays bounded.
    /// </summary>
    public int MaxPendingServices { get; init; } = 50_000;

    /// <summary>Run leader election on a Lease so that only one replica acts (off: this replica always acts).</summary>
    public bool LeaderElection { get; init; } = true;

    public string LeaseName { get; init; } = WellKnown.RelayName;

    /// <summary>Namespace of the Lease; defaults to the pod's namespace (POD_NAMESPACE).</summary>
    public string LeaseNamespace { get; init; } = "";

    /// <summary>This replica's identity in the Lease and in Events; defaults to the pod name (POD_NAME).</summary>
    public string Identity { get; init; } = "";

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Empty the Lease's holder when the leader shuts down, so the other replica takes over within one
    /// retry period; off, it takes over when the lease expires (as after a crash).
    /// </summary>
    public bool ReleaseLeaseOnShutdown { get; init; } = true;

    /// <summary>Port of the public listener (all addresses): /healthz, /readyz and /metrics for probes and scrapers (0: chosen by the system).</summary>
    public int HttpPort { get; init; } = 8080;

    /// <summary>
    /// Port of the operator listener, bound to 127.0.0.1 inside the pod: POST /resync answers only there, reached
    /// with <c>kubectl port-forward</c>; other pods cannot reach it.
    /// </summary>
    public int OperatorPort { get; init; } = 8081;

    /// <summary>
    /// The ConfigMap in the relay's namespace (<see cref="LeaseNamespace"/>) whose <c>k8s.usacloud.jp/resync-requested-at</c>
    /// annotation asks for a resync of the whole cluster; the leader watches only it. Empty: no cluster-wide resync
    /// through Kubernetes.
    /// </summary>
    public string ResyncConfigMap { get; init; } = WellKnown.ClusterResyncConfigMap;

    /// <summary>reportingController of the Events the relay records.</summary>
    public string ReportingController { get; init; } = "k8s.usacloud.jp/sakuralb-relay";

    /// <summary>Fills the defaults that come from the pod's environment (downward API).</summary>
    public RelayOptions WithEnvironmentDefaults(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return this with
        {
            LeaseNamespace = string.IsNullOrWhiteSpace(LeaseNamespace)
                ? NonEmpty(environment("POD_NAMESPACE")) ?? WellKnown.RelayNamespace
                : LeaseNamespace,
            Identity = string.IsNullOrWhiteSpace(Identity)
                ? NonEmpty(environment("POD_NAME")) ?? NonEmpty(environment("HOSTNAME")) ?? Environment.MachineName
                : Identity,
        };
    }

    /// <summary>The scope settings the reconcile core's rules take (the same values the function app is configured with).</summary>
    public ControllerSettings ToControllerSettings() => new() { ClusterId = ClusterId, LoadBalancerClass = LoadBalancerClass };

    /// <summary>Redacted view for logs: never prints the key or the secret.</summary>
    public override string ToString() =>
        $"RelayOptions {{ FunctionUrl = {FunctionUrl}, ClusterId = {ClusterId}, LoadBalancerClass = {LoadBalancerClass ?? "(none)"}, " +
        $"FunctionKey = {(FunctionKey.Length > 0 ? "***" : "(empty)")}, HmacSecret = {(HmacSecret.Length > 0 ? "***" : "(empty)")}, " +
        $"LeaderElection = {LeaderElection}, Lease = {LeaseNamespace}/{LeaseName}, Identity = {Identity} }}";

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>How the relay reaches the Kubernetes API (section <c>Kubernetes</c>).</summary>
public sealed record KubernetesConnectionOptions
{
    public const string SectionName = "Kubernetes";

    /// <summary>
    /// A URL to talk to directly (no credentials; for a local API server or the test fake). When unset:
    /// in-cluster credentials inside a pod, else the kubeconfig (KUBECONFIG or ~/.kube/config).
    /// </summary>
    public Uri? Server { get; init; }

    /// <summary>Kubeconfig file to use outside the cluster (default: KUBECONFIG, then ~/.kube/config).</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>Kubeconfig context to use outside the cluster (default: the file's current context).</summary>
    public string? Context { get; init; }
}
