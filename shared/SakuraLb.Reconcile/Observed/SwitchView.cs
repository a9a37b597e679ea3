namespace SakuraLb.Reconcile.Observed;

/// <summary>What the cloud looks like on one router's switch, read in one go before planning.</summary>
/// <param name="Servers">Every server with a NIC on the switch (node matching).</param>
/// <param name="LoadBalancers">Every load balancer on the switch (VRIDs, addresses).</param>
/// <param name="InUse">
/// Every address in use inside the router's primary block: server NICs, every appliance's own addresses,
/// VIPs and interface addresses (load balancers, VPC routers, databases), and the router's next hops.
/// </param>
public sealed record SwitchView(
    long SwitchId,
    IReadOnlyList<CloudServer> Servers,
    IReadOnlyList<ObservedLoadBalancer> LoadBalancers,
    IReadOnlySet<Ipv4Address> InUse);
