namespace SakuraLb.Reconcile.Desired;

/// <summary>
/// What a Service asks for, from its spec and annotations alone (no cloud state): the first half of the
/// desired load balancer.
/// </summary>
public sealed record LoadBalancerSpec
{
    public required string ServiceUid { get; init; }

    public required string Namespace { get; init; }

    public required string Name { get; init; }

    public LoadBalancerPlan Plan { get; init; }

    public bool HighAvailability { get; init; }

    public bool RecreateAllowed { get; init; }

    /// <summary>The longest drain a Service may ask for: an hour keeps a forgotten annotation from pinning a server for days.</summary>
    public const int MaxDrainSeconds = 3600;

    public int HealthCheckIntervalSeconds { get; init; } = HealthCheckSpec.MinimumIntervalSeconds;

    public HealthCheckSpec HealthCheck { get; init; } = HealthCheckSpec.Ping;

    /// <summary>Service ports, ascending: one VIP entry each, real-server port = Service port (DSR).</summary>
    public IReadOnlyList<int> Ports { get; init; } = [];

    /// <summary>How long a leaving real server stays disabled before it is removed (zero: removed at once).</summary>
    public TimeSpan DrainPeriod { get; init; }

    public Ipv4Address? RequestedVip { get; init; }

    public Ipv4Address? SorryServer { get; init; }

    /// <summary>Where the load balancer goes: an internet one on a router, or a private one on a plain switch.</summary>
    public NetworkRequest Network { get; init; } = new(LoadBalancerType.Internet, []);

    /// <summary>The Service's current status.loadBalancer.ingress IPs.</summary>
    public IReadOnlyList<string> CurrentIngress { get; init; } = [];
}

/// <summary>The parsed spec, or every problem that prevents one; warnings either way.</summary>
public sealed record SpecResult(
    LoadBalancerSpec? Spec,
    IReadOnlyList<ValidationProblem> Errors,
    IReadOnlyList<ValidationProblem> Warnings)
{
    public bool IsValid => Spec is not null;

    /// <summary>
    /// Where the Service asks to be, even when other parts of it are invalid (null only when the type itself
    /// is), so the router or switch can be checked in the same pass. Without valid ranges it has none.
    /// </summary>
    public NetworkRequest? Network { get; init; }
}
