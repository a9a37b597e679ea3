using System.Text.Json.Serialization;
using SakuraLb.Sakura.Wire.Converters;

namespace SakuraLb.Sakura.Wire;

/// <summary>A server (virtual machine), as far as the load-balancer controller needs it.</summary>
internal sealed record SakuraServer : SakuraMachine
{
    public string? HostName { get; init; }

    [JsonConverter(typeof(TolerantObjectConverter<NamedRef>))]
    public NamedRef? Zone { get; init; }

    [JsonConverter(typeof(TolerantObjectConverter<ServerPlan>))]
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

    public string? ServiceClass { get; init; }
}
