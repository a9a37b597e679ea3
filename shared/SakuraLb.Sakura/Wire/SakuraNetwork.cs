namespace SakuraLb.Sakura.Wire;

/// <summary>A router+switch (the <c>Internet</c> resource).</summary>
internal sealed record SakuraInternet : SakuraResource
{
    public string? Scope { get; init; }

    public int? BandWidthMbps { get; init; }

    public int? NetworkMaskLen { get; init; }

    public NamedRef? Zone { get; init; }

    /// <summary>
    /// A reduced view of the router's switch: its subnets lack <see cref="SwitchSubnet.IPAddresses"/>.
    /// Read the switch itself for the assignable range.
    /// </summary>
    public SakuraSwitch? Switch { get; init; }
}

/// <summary>A switch (plain, the switch of a router+switch, or the shared segment).</summary>
internal sealed record SakuraSwitch : SakuraResource
{
    public string? Scope { get; init; }

    public int? ServerCount { get; init; }

    public int? ApplianceCount { get; init; }

    public NamedRef? Zone { get; init; }

    /// <summary>The router's address blocks; <c>[0]</c> is the primary one. Empty for a plain switch.</summary>
    public IReadOnlyList<SwitchSubnet> Subnets { get; init => field = value ?? []; } = [];

    /// <summary>Only on the shared segment.</summary>
    public Subnet? Subnet { get; init; }

    public UserSubnet? UserSubnet { get; init; }

    /// <summary>The router this switch belongs to; null for a plain switch.</summary>
    public InternetRef? Internet { get; init; }
}

/// <summary>An address block of a router's switch.</summary>
internal sealed record SwitchSubnet : Subnet
{
    /// <summary>Set on additional (static-routed) blocks: the address they are routed to.</summary>
    public string? NextHop { get; init; }

    public string? StaticRoute { get; init; }

    public string? ServiceClass { get; init; }

    /// <summary>
    /// The user-assignable range (inclusive). Present when the switch itself is read; absent in the
    /// reduced view embedded in an <c>Internet</c>.
    /// </summary>
    public IPAddressRange? IPAddresses { get; init; }

    public InternetRef? Internet { get; init; }
}

/// <summary>An inclusive address range <c>{Min, Max}</c>.</summary>
internal sealed record IPAddressRange
{
    public string? Min { get; init; }

    public string? Max { get; init; }
}

/// <summary>A router+switch as embedded in a switch or subnet.</summary>
internal sealed record InternetRef : NamedRef
{
    public int? BandWidthMbps { get; init; }

    public string? Scope { get; init; }

    public string? ServiceClass { get; init; }
}
