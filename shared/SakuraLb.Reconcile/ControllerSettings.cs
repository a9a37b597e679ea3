using System.Text.Json.Serialization;
using SakuraLb.Reconcile.Annotations;
using SakuraLb.Reconcile.Desired;

namespace SakuraLb.Reconcile;

/// <summary>
/// The configuration the decisions need. Pure data: the function app binds and validates it at start-up
/// (<see cref="Validate"/>) and passes it in.
/// </summary>
public sealed record ControllerSettings
{
    /// <summary>Identifies this cluster in the @k8s.ClusterID tag; never modify an appliance tagged for another id.</summary>
    public required string ClusterId { get; init; }

    /// <summary>
    /// This installation's owner id (the @k8s.Owner tag every appliance we create or claim carries). Null in the
    /// pure core's own tests and before the function app has read it: the tag is then left out.
    /// </summary>
    public string? OwnerId { get; init; }

    /// <summary>
    /// Null: handle Services of type LoadBalancer without spec.loadBalancerClass (the upstream rule).
    /// Set: handle only Services whose class equals this value, and leave class-less ones alone.
    /// </summary>
    public string? LoadBalancerClass { get; init; }

    /// <summary>VIP entries (VIP + port) one appliance accepts: 10 in the 2019 manual and Terraform, 20 in the 2024 manual.</summary>
    public int MaxVipsPerLoadBalancer { get; init; } = 10;

    /// <summary>Real servers per VIP entry.</summary>
    public int MaxServersPerVip { get; init; } = 40;

    public LoadBalancerPlan DefaultPlan { get; init; } = LoadBalancerPlan.Standard;

    public bool DefaultHighAvailability { get; init; }

    public HealthCheckProtocol DefaultHealthCheckProtocol { get; init; } = HealthCheckProtocol.Ping;

    /// <summary>DelayLoop: seconds between health checks (the API's minimum and default is 10).</summary>
    public int DefaultHealthCheckIntervalSeconds { get; init; } = HealthCheckSpec.MinimumIntervalSeconds;

    /// <summary>Seconds a leaving real server stays disabled before it is removed, when a Service does not say (0: at once).</summary>
    public int DefaultDrainSeconds { get; init; } = 30;

    /// <summary>
    /// Tags a router must carry (all of them) to host this cluster's load balancers; the original used "@k8s".
    /// Unless <see cref="SharedNetworks"/>, the router must also carry the cluster's tag: see <see cref="RequiredRouterTags"/>.
    /// </summary>
    public IReadOnlyList<string> RouterTags { get; init; } = [LoadBalancerNaming.BaseTag];

    /// <summary>Tags a plain switch must carry (all of them) to host switch-type load balancers; see <see cref="RequiredSwitchTags"/>.</summary>
    public IReadOnlyList<string> SwitchTags { get; init; } = [LoadBalancerNaming.BaseTag];

    /// <summary>
    /// False (the default): a router or plain switch hosts this cluster's load balancers only if it also carries
    /// the cluster's tag (<c>@k8s.ClusterID=&lt;ClusterId&gt;</c>), so a Service of another cluster, whose
    /// controller looks for its own cluster tag, cannot reach it whatever selector it names. True: the
    /// <see cref="RouterTags"/> and <see cref="SwitchTags"/> alone decide (the original's behaviour), so every
    /// cluster whose controller shares this setting and the tags can place load balancers on the same router.
    /// </summary>
    public bool SharedNetworks { get; init; }

    /// <summary>Namespaces whose Services may name a router-selector (the others get AnnotationNotAllowed).</summary>
    public NamespaceAllowList RouterSelectorNamespaces { get; init; } = NamespaceAllowList.Everywhere;

    /// <summary>Namespaces whose Services may name a switch-selector.</summary>
    public NamespaceAllowList SwitchSelectorNamespaces { get; init; } = NamespaceAllowList.Everywhere;

    /// <summary>Namespaces whose Services may ask for an address (load-balancer-ip or spec.loadBalancerIP).</summary>
    public NamespaceAllowList LoadBalancerIpNamespaces { get; init; } = NamespaceAllowList.Everywhere;

    /// <summary>The tags every router of this cluster carries: <see cref="RouterTags"/> plus, unless shared, the cluster's tag; sorted.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> RequiredRouterTags => Required(RouterTags);

    /// <summary>The tags every plain switch of this cluster carries: <see cref="SwitchTags"/> plus, unless shared, the cluster's tag; sorted.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> RequiredSwitchTags => Required(SwitchTags);

    private string[] Required(IReadOnlyList<string>? tags)
    {
        var required = new SortedSet<string>(tags ?? [], StringComparer.Ordinal);
        if (!SharedNetworks)
        {
            required.Add(LoadBalancerNaming.ClusterTag(ClusterId));
        }

        return [.. required];
    }

    /// <summary>Every problem with the settings, as messages naming the setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            problems.Add("ClusterId is required.");
        }
        else if (!Model.EventBatchValidator.IsValidClusterId(ClusterId))
        {
            problems.Add($"ClusterId must be 1–{Desired.LoadBalancerNaming.MaxClusterIdLength} ASCII letters, digits, '-', '_' or '.' (it becomes a Sakura tag).");
        }

        if (LoadBalancerClass is { Length: 0 })
        {
            problems.Add("LoadBalancerClass must be null or non-empty.");
        }

        if (MaxVipsPerLoadBalancer is < 1 or > 100)
        {
            problems.Add("MaxVipsPerLoadBalancer must be 1–100.");
        }

        if (MaxServersPerVip is < 1 or > 1000)
        {
            problems.Add("MaxServersPerVip must be 1–1000.");
        }

        if (DefaultHealthCheckIntervalSeconds < HealthCheckSpec.MinimumIntervalSeconds)
        {
            problems.Add($"DefaultHealthCheckIntervalSeconds must be at least {HealthCheckSpec.MinimumIntervalSeconds}.");
        }

        if (DefaultDrainSeconds is < 0 or > LoadBalancerSpec.MaxDrainSeconds)
        {
            problems.Add($"DefaultDrainSeconds must be 0–{LoadBalancerSpec.MaxDrainSeconds}.");
        }

        if (!Enum.IsDefined(DefaultPlan))
        {
            problems.Add("DefaultPlan must be Standard or Premium.");
        }

        if (!Enum.IsDefined(DefaultHealthCheckProtocol))
        {
            problems.Add("DefaultHealthCheckProtocol must be Ping, Tcp, Http or Https.");
        }

        if (RouterTags is null || RouterTags.Count == 0 || RouterTags.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add("RouterTags must hold at least one non-empty tag.");
        }

        if (SwitchTags is null || SwitchTags.Count == 0 || SwitchTags.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add("SwitchTags must hold at least one non-empty tag.");
        }

        foreach (var (name, tags) in new[] { ("RouterTags", RouterTags), ("SwitchTags", SwitchTags) })
        {
            // Another cluster's tag would make this cluster use that cluster's routers: exactly what the cluster tag prevents.
            var foreign = (tags ?? []).Where(t => t is not null && t.StartsWith(LoadBalancerNaming.ClusterTagPrefix, StringComparison.Ordinal) && t != LoadBalancerNaming.ClusterTag(ClusterId)).ToList();
            if (foreign.Count > 0)
            {
                problems.Add($"{name} must not hold another cluster's tag ({string.Join(", ", foreign)}); to share a router between clusters, tag it with each cluster's tag, or set SharedNetworks on every cluster that shares it.");
            }
        }

        return problems;
    }
}
