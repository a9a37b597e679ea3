using SakuraLb.Reconcile.Nodes;

namespace SakuraLb.Reconcile.Desired;

/// <summary>
/// Everything the load balancer of one Service should be, short of the addresses (chosen against the
/// reservations by the planner) and the VRID (chosen against the other appliances on the switch).
/// </summary>
public sealed record DesiredLoadBalancer
{
    public required LoadBalancerSpec Spec { get; init; }

    public string ServiceUid => Spec.ServiceUid;

    /// <summary>"a" + UID without dashes, cut to 32.</summary>
    public required string Name { get; init; }

    /// <summary>"namespace/name".</summary>
    public required string Description { get; init; }

    /// <summary>Our tags, sorted (other tags found on the appliance are kept when writing).</summary>
    public required IReadOnlyList<string> Tags { get; init; }

    /// <summary>Where it sits: a router's switch and block, or a plain switch with the Service's ranges.</summary>
    public required LoadBalancerNetwork Network { get; init; }

    /// <summary>Real servers, ascending by address; the same set for every port.</summary>
    public required IReadOnlyList<RealServerTarget> RealServers { get; init; }

    public int OwnAddressCount => Spec.HighAvailability ? 2 : 1;

    /// <summary>The settings (one entry per port, sorted) this load balancer should have with VIP <paramref name="vip"/>.</summary>
    public IReadOnlyList<VipSetting> SettingsFor(Ipv4Address vip) => SettingsFor(vip, []);

    /// <summary>
    /// The settings with VIP <paramref name="vip"/> while <paramref name="draining"/> drain: those are written disabled
    /// (no new connections, open ones continue) next to the enabled real servers, all ascending by address.
    /// </summary>
    public IReadOnlyList<VipSetting> SettingsFor(Ipv4Address vip, IReadOnlyCollection<Ipv4Address> draining)
    {
        ArgumentNullException.ThrowIfNull(draining);
        var servers = RealServers.Select(s => (s.Address, Enabled: true))
            .Concat(draining.Select(a => (Address: a, Enabled: false)))
            .OrderBy(s => s.Address)
            .ToList();
        return [.. Spec.Ports.Order().Select(port => new VipSetting(
            vip,
            port,
            Spec.HealthCheckIntervalSeconds,
            Spec.SorryServer,
            [.. servers.Select(s => new RealServerSetting(s.Address, port, s.Enabled, Spec.HealthCheck))]))];
    }
}

/// <summary>One VIP entry as it should be written (Settings.LoadBalancer[]).</summary>
public sealed record VipSetting(
    Ipv4Address VirtualIPAddress,
    int Port,
    int DelayLoopSeconds,
    Ipv4Address? SorryServer,
    IReadOnlyList<RealServerSetting> Servers);

/// <summary>One real server of a VIP entry. Port = the VIP's port (DSR).</summary>
public sealed record RealServerSetting(Ipv4Address IPAddress, int Port, bool Enabled, HealthCheckSpec HealthCheck);

/// <summary>The desired load balancer, or every problem that prevents one; warnings either way.</summary>
public sealed record BuildResult(
    DesiredLoadBalancer? Desired,
    IReadOnlyList<ValidationProblem> Errors,
    IReadOnlyList<ValidationProblem> Warnings)
{
    public bool IsValid => Desired is not null;
}

/// <summary>Cloud state the builder needs besides the Service.</summary>
public sealed record BuildContext
{
    /// <summary>Candidate routers (e.g. every router+switch carrying @k8s); an internet Service's tags pick one.</summary>
    public IReadOnlyList<RouterNetwork> Routers { get; init; } = [];

    /// <summary>Candidate plain switches (e.g. every one carrying @k8s); a switch-type Service's tags pick one.</summary>
    public IReadOnlyList<PlainSwitch> Switches { get; init; } = [];

    /// <summary>The cluster's whole node set.</summary>
    public IReadOnlyList<Model.NodeSnapshot> Nodes { get; init; } = [];

    /// <summary>
    /// Sakura servers, matched to nodes by exact name. The function app passes the servers connected to the
    /// load balancer's switch (one list request), so a node whose server is elsewhere counts as not on it.
    /// </summary>
    public IReadOnlyList<CloudServer> Servers { get; init; } = [];
}
