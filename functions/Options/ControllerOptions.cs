using SakuraLb.Reconcile.Annotations;
using SakuraLb.Reconcile.Desired;

namespace SakuraLb.Functions.Options;

/// <summary>What this controller manages and how (configuration section <c>Controller</c>).</summary>
public sealed class ControllerOptions
{
    public const string SectionName = "Controller";

    /// <summary>
    /// Identifies the cluster in the <c>@k8s.ClusterID=</c> tag. Required. At most 32 characters (the
    /// reconcile core's limit, shared with the relay's validator): the Sakura cloud-controller-manager this
    /// controller replaces used 18 because of a 32-character name budget, but the id only goes into a tag, and Sakura documents no tag limit that 32 would break.
    /// </summary>
    public string ClusterId { get; set; } = "";

    /// <summary>Null: Services without spec.loadBalancerClass (upstream rule). Set: only Services of this class.</summary>
    public string? LoadBalancerClass { get; set; }

    /// <summary>
    /// Tags a router must carry to host load balancers (empty: the Sakura cloud-controller-manager's <c>@k8s</c>).
    /// Unless <see cref="SharedNetworks"/>, the router must carry <c>@k8s.ClusterID=&lt;ClusterId&gt;</c> as well.
    /// </summary>
    public List<string> RouterTags { get; set; } = [];

    /// <summary>Tags a plain switch must carry to host <c>load-balancer-type: switch</c> load balancers (empty: <c>@k8s</c>; plus the cluster's tag unless shared).</summary>
    public List<string> SwitchTags { get; set; } = [];

    /// <summary>
    /// Opt out of the cluster's tag on routers and plain switches: they are then chosen by <see cref="RouterTags"/> and
    /// <see cref="SwitchTags"/> alone, and any cluster looking for the same tags may use them (the original's behaviour).
    /// </summary>
    public bool SharedNetworks { get; set; }

    /// <summary>Namespaces whose Services may use <c>router-selector</c>: <c>*</c> (all), empty (none), or names separated by commas.</summary>
    public string RouterSelectorNamespaces { get; set; } = "*";

    /// <summary>Namespaces whose Services may use <c>switch-selector</c> (same form).</summary>
    public string SwitchSelectorNamespaces { get; set; } = "*";

    /// <summary>Namespaces whose Services may ask for an address with <c>load-balancer-ip</c> or <c>spec.loadBalancerIP</c> (same form).</summary>
    public string LoadBalancerIpNamespaces { get; set; } = "*";

    /// <summary>How long an LB tagged with this cluster may exist without a Service before it is deleted.</summary>
    public TimeSpan OrphanGracePeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Report orphans (log, metric) without deleting them.</summary>
    public bool OrphanDryRun { get; set; }

    /// <summary>
    /// Most orphans one pass may delete. A pass with more due for deletion deletes none of them (Warning 1312,
    /// metric <c>sakuralb.orphans.capped</c>): so many orphans at once is more likely a mistake than a fact.
    /// </summary>
    public int MaxOrphanDeletionsPerPass { get; set; } = 10;

    /// <summary>
    /// Largest share (0–1] of this installation's load balancers in the cluster one orphan pass may delete; one
    /// deletion is always within it. Over it, the pass deletes nothing, like <see cref="MaxOrphanDeletionsPerPass"/>.
    /// </summary>
    public double MaxOrphanDeletionShare { get; set; } = 0.5;

    /// <summary>
    /// Treat load balancers with this cluster's tag but no owner tag (made by the seed controller or by a version
    /// before owner ids) as this installation's: orphan collection and teardown then delete them too. Off by
    /// default: they are only reported (Warning 1310). Turn it on only when no other installation shares the
    /// cluster id.
    /// </summary>
    public bool AdoptUnownedLoadBalancers { get; set; }

    public int MaxVipsPerLoadBalancer { get; set; } = 10;

    public int MaxServersPerVip { get; set; } = 40;

    /// <summary><c>standard</c> or <c>premium</c>: the plan when a Service does not say.</summary>
    public string DefaultPlan { get; set; } = "standard";

    public bool DefaultHighAvailability { get; set; }

    /// <summary>Seconds between health checks when a Service does not say (at least 10).</summary>
    public int DefaultHealthCheckIntervalSeconds { get; set; } = HealthCheckSpec.MinimumIntervalSeconds;

    /// <summary>
    /// Seconds a leaving real server stays disabled before it is removed, when a Service does not say
    /// (annotation load-balancer-drain-seconds); 0 removes at once. 0–3600.
    /// </summary>
    public int DefaultDrainSeconds { get; set; } = 30;

    /// <summary>How long a Deleted status stays in the feed (so a slow relay still releases the finalizer).</summary>
    public TimeSpan DeletedStatusRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long the history of a completed, failed or terminated orchestration is kept before the timer purges it
    /// (a Service's instance is purged with its rows once the Service is gone, whatever its age).
    /// </summary>
    public TimeSpan CompletedInstanceRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The reconcile core's settings. Call only after validation.</summary>
    public ControllerSettings ToSettings() => new()
    {
        ClusterId = ClusterId,
        LoadBalancerClass = string.IsNullOrEmpty(LoadBalancerClass) ? null : LoadBalancerClass,
        RouterTags = RouterTags.Count == 0 ? [LoadBalancerNaming.BaseTag] : [.. RouterTags],
        SwitchTags = SwitchTags.Count == 0 ? [LoadBalancerNaming.BaseTag] : [.. SwitchTags],
        SharedNetworks = SharedNetworks,
        RouterSelectorNamespaces = NamespaceAllowList.Parse(RouterSelectorNamespaces, out _) ?? NamespaceAllowList.Everywhere,
        SwitchSelectorNamespaces = NamespaceAllowList.Parse(SwitchSelectorNamespaces, out _) ?? NamespaceAllowList.Everywhere,
        LoadBalancerIpNamespaces = NamespaceAllowList.Parse(LoadBalancerIpNamespaces, out _) ?? NamespaceAllowList.Everywhere,
        MaxVipsPerLoadBalancer = MaxVipsPerLoadBalancer,
        MaxServersPerVip = MaxServersPerVip,
        DefaultPlan = ParsePlan(DefaultPlan) ?? LoadBalancerPlan.Standard,
        DefaultHighAvailability = DefaultHighAvailability,
        DefaultHealthCheckIntervalSeconds = DefaultHealthCheckIntervalSeconds,
        DefaultDrainSeconds = DefaultDrainSeconds,
    };

    internal static LoadBalancerPlan? ParsePlan(string? value) => value?.Trim().ToUpperInvariant() switch
    {
        "STANDARD" => LoadBalancerPlan.Standard,
        "PREMIUM" => LoadBalancerPlan.Premium,
        _ => null,
    };
}
