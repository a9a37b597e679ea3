namespace SakuraLb.Model;

/// <summary>
/// Health of a Service's real servers, from the last read of its load balancer's live status (additive to
/// protocol version 1: a relay that predates it ignores it, a function app that predates it sends none).
/// </summary>
public sealed record BackendHealth
{
    /// <summary>When the load balancer's status was read.</summary>
    public DateTimeOffset CheckedAt { get; init; }

    /// <summary>One entry per real server and port, ordered by port, then address.</summary>
    public IReadOnlyList<RealServerState> Servers { get; init => field = value ?? []; } = [];

    /// <summary>Load per VIP port: what the appliance reports for the port's VIP entries together.</summary>
    public IReadOnlyList<PortLoad> Ports { get; init => field = value ?? []; } = [];

    /// <summary>
    /// The transitions of the last minutes (oldest first, bounded): the relay records each once as an Event,
    /// named after the Service and <see cref="HealthEvent.Id"/>, so a repeat is refused as already existing.
    /// </summary>
    public IReadOnlyList<HealthEvent> Events { get; init => field = value ?? []; } = [];

    /// <summary>The BackendsHealthy condition computed from this read.</summary>
    public StatusCondition? Condition { get; init; }
}

/// <summary>One real server on one port: its node (when known), health, since when, and its load.</summary>
/// <param name="Enabled">False for a real server the load balancer's settings disable (a drain): its DOWN is no failure.</param>
/// <param name="Since">When it was first read in its current state.</param>
public sealed record RealServerState(
    string Address,
    int Port,
    string? Node,
    bool Up,
    bool Enabled,
    DateTimeOffset Since,
    int ActiveConnections,
    int ConnectionsPerSecond);

/// <summary>Load of one VIP port: active connections of its real servers, and connections per second.</summary>
public sealed record PortLoad(int Port, int ActiveConnections, int ConnectionsPerSecond);

/// <summary>A health transition to record as an Event on the Service.</summary>
/// <param name="Id">Deterministic: what changed and when it was read.</param>
/// <param name="Type"><c>Normal</c> or <c>Warning</c>.</param>
public sealed record HealthEvent(string Id, string Type, string Reason, string Message, DateTimeOffset At);
