namespace SakuraLb.Reconcile.Observed;

/// <summary>Live health of one VIP entry of a load balancer (meaningful only while it is up).</summary>
/// <param name="ConnectionsPerSecond">As the appliance reports it, if it does.</param>
public sealed record VipHealth(string VirtualIPAddress, int? Port, int? ConnectionsPerSecond, IReadOnlyList<RealServerHealth> Servers);

/// <summary>Live health of one real server behind a VIP.</summary>
public sealed record RealServerHealth(string IPAddress, int? Port, bool IsUp, int? ActiveConnections, int? ConnectionsPerSecond);
