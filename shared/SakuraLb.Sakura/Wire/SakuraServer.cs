using System.Text.Json.Serialization;
using SakuraLb.Reconcile.Observed;
using SakuraLb.Sakura.Wire.Converters;

namespace SakuraLb.Sakura.Wire;

/// <summary>A server (virtual machine), as far as the load-balancer and node controllers need it.</summary>
internal sealed record SakuraServer : SakuraResource
{
    public string? HostName { get; init; }

    [JsonConverter(typeof(AvailabilityConverter))]
    public ApplianceAvailability Availability { get; init; }

    [JsonConverter(typeof(TolerantObjectConverter<NamedRef>))]
    public NamedRef? Zone { get; init; }

    [JsonConverter(typeof(TolerantObjectConverter<SakuraInstance>))]
    public SakuraInstance? Instance { get; init; }

    [JsonConverter(typeof(TolerantObjectConverter<ServerPlan>))]
    public ServerPlan? ServerPlan { get; init; }

    /// <summary>NICs in order; <c>[0]</c> is the one the original CCM looked at.</summary>
    [JsonConverter(typeof(TolerantListConverter<SakuraInterface>))]
    public IReadOnlyList<SakuraInterface> Interfaces { get; init => field = value ?? []; } = [];

    /// <summary>Convenience: the power state, or <see cref="InstanceStatus.Unknown"/> when absent.</summary>
    [JsonIgnore]
    public InstanceStatus InstanceStatus => Instance?.Status ?? InstanceStatus.Unknown;
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
