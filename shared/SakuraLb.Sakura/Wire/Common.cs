using System.Text.Json.Serialization;
using SakuraLb.Reconcile.Observed;
using SakuraLb.Sakura.Wire.Converters;

namespace SakuraLb.Sakura.Wire;

/// <summary>The <c>Success</c> flag of a response: a bool, or a word such as <c>"Accepted"</c>.</summary>
/// <param name="IsSuccess">True for <c>true</c> and for any non-empty word other than "false".</param>
/// <param name="Text">The word when the API sent a string; null when it sent a bool.</param>
internal readonly record struct SuccessFlag(bool IsSuccess, string? Text);

/// <summary>What every resource the controller reads carries, whatever its kind.</summary>
internal abstract record SakuraResource
{
    [JsonPropertyName("ID")]
    public long Id { get; init; }

    public string? Name { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<string> Tags { get; init => field = value ?? []; } = [];

    public string? ServiceClass { get; init; }

    [JsonConverter(typeof(LenientDateTimeOffsetConverter))]
    public DateTimeOffset? CreatedAt { get; init; }
}

/// <summary>What servers and appliances share: whether they can be used, their power state, their NICs.</summary>
internal abstract record SakuraMachine : SakuraResource
{
    [JsonConverter(typeof(AvailabilityConverter))]
    public ApplianceAvailability Availability { get; init; }

    public SakuraInstance? Instance { get; init; }

    /// <summary>NICs in order; <c>[0]</c> is the one the original CCM looked at on a server.</summary>
    public IReadOnlyList<SakuraInterface> Interfaces { get; init => field = value ?? []; } = [];

    /// <summary>Convenience: the power state, or <see cref="InstanceStatus.Unknown"/> when absent.</summary>
    [JsonIgnore]
    public InstanceStatus InstanceStatus => Instance?.Status ?? InstanceStatus.Unknown;
}

/// <summary>A reference that carries only an ID (<c>Plan</c>, <c>Remark.Zone</c>, <c>Remark.Switch</c>).</summary>
internal sealed record IdRef
{
    [JsonPropertyName("ID")]
    public long? Id { get; init; }
}

/// <summary>A resource embedded by ID and name: a zone, and the base of embedded switches and routers.</summary>
internal record NamedRef
{
    [JsonPropertyName("ID")]
    public long? Id { get; init; }

    public string? Name { get; init; }
}

/// <summary>The user-declared network of a switch or NIC (<c>UserSubnet</c>), informational only.</summary>
internal sealed record UserSubnet
{
    public string? DefaultRoute { get; init; }

    public int? NetworkMaskLen { get; init; }
}

/// <summary>
/// An address block: the subnet of a NIC's switch (<c>Interfaces[].Switch.Subnet</c>) or of the shared segment,
/// and the base of a router's <see cref="SwitchSubnet"/>.
/// </summary>
internal record Subnet
{
    [JsonPropertyName("ID")]
    public long? Id { get; init; }

    public string? NetworkAddress { get; init; }

    public int? NetworkMaskLen { get; init; }

    public string? DefaultRoute { get; init; }
}

/// <summary>A switch as embedded in an appliance (top-level <c>Switch</c>) or in a NIC.</summary>
internal sealed record SwitchRef : NamedRef
{
    /// <summary><c>shared</c> (the shared segment) or <c>user</c>.</summary>
    public string? Scope { get; init; }

    public Subnet? Subnet { get; init; }

    public UserSubnet? UserSubnet { get; init; }

    public NamedRef? Zone { get; init; }
}

/// <summary>A network interface of a server or appliance.</summary>
internal sealed record SakuraInterface
{
    [JsonPropertyName("ID")]
    public long? Id { get; init; }

    [JsonPropertyName("MACAddress")]
    public string? MacAddress { get; init; }

    /// <summary>The address the API assigned (shared segment only).</summary>
    public string? IPAddress { get; init; }

    /// <summary>The address the user registered (router+switch or plain switch).</summary>
    public string? UserIPAddress { get; init; }

    public string? HostName { get; init; }

    /// <summary>Null when the NIC is not connected.</summary>
    public SwitchRef? Switch { get; init; }
}

/// <summary>Power state details (<c>Instance</c>).</summary>
internal sealed record SakuraInstance
{
    public InstanceStatus Status { get; init; }

    public InstanceStatus BeforeStatus { get; init; }

    [JsonConverter(typeof(LenientDateTimeOffsetConverter))]
    public DateTimeOffset? StatusChangedAt { get; init; }
}
