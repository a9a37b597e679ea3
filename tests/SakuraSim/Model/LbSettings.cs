namespace SakuraSim.Model;

/// <summary>Health check of one real server. Optional numbers are kept only when the client sent them.</summary>
internal sealed record LbHealthCheck(
    string Protocol,
    string? Path,
    string? Status,
    string? Host,
    int? Port,
    int? Retry,
    int? ConnectTimeout);

internal sealed record LbRealServer(Ipv4 IpAddress, int Port, bool Enabled, LbHealthCheck HealthCheck);

internal sealed record LbVip(
    Ipv4 VirtualIpAddress,
    int Port,
    int DelayLoop,
    string SorryServer,
    string Description,
    IReadOnlyList<LbRealServer> Servers);

/// <summary>The <c>Settings.LoadBalancer</c> list of an appliance.</summary>
internal sealed record LbSettings(IReadOnlyList<LbVip> Vips)
{
    public static LbSettings Empty { get; } = new([]);
}
