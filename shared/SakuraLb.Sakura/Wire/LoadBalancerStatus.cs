using System.Text.Json.Serialization;
using SakuraLb.Sakura.Wire.Converters;

namespace SakuraLb.Sakura.Wire;

/// <summary>Live health of one VIP entry (<c>GET /appliance/{id}/status</c>).</summary>
internal sealed record LoadBalancerVipStatus
{
    public string? VirtualIPAddress { get; init; }

    [JsonConverter(typeof(StringNumberConverter))]
    public int? Port { get; init; }

    [JsonPropertyName("CPS")]
    [JsonConverter(typeof(StringNumberConverter))]
    public int? Cps { get; init; }

    public IReadOnlyList<LoadBalancerServerStatus> Servers { get; init => field = value ?? []; } = [];
}

/// <summary>Live health of one real server.</summary>
internal sealed record LoadBalancerServerStatus
{
    public string? IPAddress { get; init; }

    [JsonConverter(typeof(StringNumberConverter))]
    public int? Port { get; init; }

    /// <summary><c>UP</c> or <c>DOWN</c> on the wire; compare with <see cref="IsUp"/>.</summary>
    public string? Status { get; init; }

    [JsonConverter(typeof(StringNumberConverter))]
    public int? ActiveConn { get; init; }

    [JsonPropertyName("CPS")]
    [JsonConverter(typeof(StringNumberConverter))]
    public int? Cps { get; init; }

    /// <summary>True when <see cref="Status"/> is "up" in any case.</summary>
    [JsonIgnore]
    public bool IsUp => string.Equals(Status?.Trim(), "up", StringComparison.OrdinalIgnoreCase);
}
