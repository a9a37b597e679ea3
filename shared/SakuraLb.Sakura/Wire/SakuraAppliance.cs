using System.Text.Json.Serialization;
using SakuraLb.Sakura.Wire.Converters;

namespace SakuraLb.Sakura.Wire;

/// <summary>
/// An appliance as the API returns it (the value under <c>Appliance</c>, or an item of <c>Appliances</c>).
/// Load balancers, VPC routers and databases share this shape; only the fields this controller needs
/// are modelled, everything else is ignored on read.
/// </summary>
internal sealed record SakuraAppliance : SakuraMachine
{
    /// <summary><c>loadbalancer</c>, <c>vpcrouter</c>, <c>database</c>, ...</summary>
    public string? Class { get; init; }

    public IdRef? Plan { get; init; }

    /// <summary>The switch the appliance is connected to. Its <c>ID</c> is what to compare with a switch ID.</summary>
    public SwitchRef? Switch { get; init; }

    public ApplianceRemark? Remark { get; init; }

    public ApplianceSettings? Settings { get; init; }

    /// <summary>Hash of the current <see cref="Settings"/>; send it back on update for optimistic locking.</summary>
    public string? SettingsHash { get; init; }

    /// <summary>Convenience: the VIP entries of a load balancer (empty for other classes).</summary>
    [JsonIgnore]
    public IReadOnlyList<LoadBalancerVip> VirtualIPAddresses => Settings?.LoadBalancer ?? [];
}

/// <summary>The creation parameters of an appliance, returned as <c>Remark</c>.</summary>
internal sealed record ApplianceRemark
{
    public IdRef? Zone { get; init; }

    /// <summary>The switch the appliance joins. The API returns its ID as a string; both forms are read.</summary>
    public IdRef? Switch { get; init; }

    [JsonPropertyName("VRRP")]
    public VrrpRemark? Vrrp { get; init; }

    public NetworkRemark? Network { get; init; }

    /// <summary>The appliance's own addresses: one entry for a single LB, two for an HA pair.</summary>
    public IReadOnlyList<RemarkServer> Servers { get; init => field = value ?? []; } = [];

    public IdRef? Plan { get; init; }
}

/// <summary><c>Remark.VRRP</c>.</summary>
internal sealed record VrrpRemark
{
    [JsonPropertyName("VRID")]
    public int? Vrid { get; init; }
}

/// <summary><c>Remark.Network</c>: the appliance's network mask and default route.</summary>
internal sealed record NetworkRemark
{
    public int? NetworkMaskLen { get; init; }

    public string? DefaultRoute { get; init; }
}

/// <summary>An item of <c>Remark.Servers</c>.</summary>
internal sealed record RemarkServer
{
    public string? IPAddress { get; init; }
}

/// <summary>
/// <c>Settings</c> of an appliance. A load balancer fills <see cref="LoadBalancer"/>, a VPC router
/// <see cref="Router"/>. On write, <see cref="LoadBalancer"/> is always sent as an array (never null):
/// the API needs <c>[]</c> to remove the last VIP.
/// </summary>
internal sealed record ApplianceSettings
{
    public IReadOnlyList<LoadBalancerVip> LoadBalancer { get; init => field = value ?? []; } = [];

    public VpcRouterSettings? Router { get; init; }
}

/// <summary>One VIP entry (<c>Settings.LoadBalancer[]</c>).</summary>
internal sealed record LoadBalancerVip
{
    public string? VirtualIPAddress { get; init; }

    [JsonConverter(typeof(StringNumberConverter))]
    public int? Port { get; init; }

    /// <summary>Seconds between health checks (minimum 10).</summary>
    [JsonConverter(typeof(StringNumberConverter))]
    public int? DelayLoop { get; init; }

    public string? SorryServer { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<LoadBalancerRealServer> Servers { get; init => field = value ?? []; } = [];
}

/// <summary>A real server behind a VIP.</summary>
internal sealed record LoadBalancerRealServer
{
    public string? IPAddress { get; init; }

    [JsonConverter(typeof(StringNumberConverter))]
    public int? Port { get; init; }

    /// <summary>Travels as <c>"True"</c>/<c>"False"</c>.</summary>
    [JsonConverter(typeof(StringFlagConverter))]
    public bool Enabled { get; init; }

    public LoadBalancerHealthCheck? HealthCheck { get; init; }
}

/// <summary>Health check of a real server. <c>http</c>/<c>https</c> need <see cref="Path"/> and <see cref="Status"/>.</summary>
internal sealed record LoadBalancerHealthCheck
{
    /// <summary><c>http</c>, <c>https</c>, <c>tcp</c> or <c>ping</c>.</summary>
    public string? Protocol { get; init; }

    public string? Path { get; init; }

    /// <summary>Expected HTTP status code.</summary>
    [JsonConverter(typeof(StringNumberConverter))]
    public int? Status { get; init; }

    public string? Host { get; init; }

    [JsonConverter(typeof(StringNumberConverter))]
    public int? Port { get; init; }

    [JsonConverter(typeof(StringNumberConverter))]
    public int? Retry { get; init; }

    [JsonConverter(typeof(StringNumberConverter))]
    public int? ConnectTimeout { get; init; }
}

/// <summary><c>Settings.Router</c> of a VPC router (read only to collect the addresses it uses).</summary>
internal sealed record VpcRouterSettings
{
    /// <summary>Interface <c>i</c> belongs to NIC <c>i</c>; unused positions are null.</summary>
    [JsonConverter(typeof(PositionalListConverter<VpcRouterInterfaceSetting>))]
    public IReadOnlyList<VpcRouterInterfaceSetting?> Interfaces { get; init => field = value ?? []; } = [];
}

/// <summary>One VPC router interface's addresses.</summary>
internal sealed record VpcRouterInterfaceSetting
{
    public IReadOnlyList<string> IPAddress { get; init => field = value ?? []; } = [];

    public string? VirtualIPAddress { get; init; }

    public IReadOnlyList<string> IPAliases { get; init => field = value ?? []; } = [];

    public int? NetworkMaskLen { get; init; }
}
