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

    /// <summary>Tags a router must carry (all of them) to host this cluster's load balancers; the original used "@k8s".</summary>
    public IReadOnlyList<string> RouterTags { get; init; } = ["@k8s"];

    /// <summary>Tags a plain switch must carry (all of them) to host this cluster's switch-type load balancers; the original used "@k8s".</summary>
    public IReadOnlyList<string> SwitchTags { get; init; } = ["@k8s"];

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

        return problems;
    }
}
