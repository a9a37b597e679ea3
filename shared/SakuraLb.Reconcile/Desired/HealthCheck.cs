namespace SakuraLb.Reconcile.Desired;

/// <summary>Sakura plan ids: 1 standard, 2 high-spec ("premium" in the original's annotation).</summary>
public enum LoadBalancerPlan
{
    Standard = 1,
    Premium = 2,
}

/// <summary>Real-server health-check protocols the appliance supports.</summary>
public enum HealthCheckProtocol
{
    Ping,
    Tcp,
    Http,
    Https,
}

/// <summary>
/// The health check written on every real server. Path and Status apply to http/https only; Retry and
/// ConnectTimeout are sent only when set (null = the appliance's own default, and not compared).
/// </summary>
public sealed record HealthCheckSpec(
    HealthCheckProtocol Protocol,
    string? Path = null,
    int? Status = null,
    int? Retry = null,
    int? ConnectTimeoutSeconds = null)
{
    public const int MinimumIntervalSeconds = 10;

    public static HealthCheckSpec Ping { get; } = new(HealthCheckProtocol.Ping);

    public bool IsHttp => Protocol is HealthCheckProtocol.Http or HealthCheckProtocol.Https;

    /// <summary>The protocol as the API spells it.</summary>
    public string WireProtocol => Protocol switch
    {
        HealthCheckProtocol.Tcp => "tcp",
        HealthCheckProtocol.Http => "http",
        HealthCheckProtocol.Https => "https",
        _ => "ping",
    };
}
