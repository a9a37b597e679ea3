using System.Text.Json.Serialization;

namespace SakuraLb.Sakura.Wire;

/// <summary>A server (virtual machine), as far as the load-balancer and node controllers need it.</summary>
internal sealed record SakuraServer : SakuraMachine
{
    public string? HostName { get; init; }

    public NamedRef? Zone { get; init; }

    public ServerPlan? ServerPlan { get; init; }
}

/// <summary>A server's plan.</summary>
internal sealed record ServerPlan
{
    [JsonPropertyName("ID")]
    public long? Id { get; init; }

    public string? Name { get; init; }

    [JsonPropertyName("CPU")]
    public int? Cpu { get; init; }

    public int? MemoryMB { get; init; }

    [JsonPropertyName("GPU")]
    public int? Gpu { get; init; }

    public int? Generation { get; init; }

    /// <summary><c>standard</c> or <c>dedicatedcpu</c>.</summary>
    public string? Commitment { get; init; }

    public string? ServiceClass { get; init; }
}
