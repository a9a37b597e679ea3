using System.Text.Json.Serialization;
using SakuraLb.Sakura.Wire.Converters;

namespace SakuraLb.Sakura.Wire;

/// <summary>Flags common to every envelope.</summary>
internal abstract record ResultFlags
{
    [JsonPropertyName("is_ok")]
    public bool? IsOk { get; init; }

    [JsonConverter(typeof(SuccessFlagConverter))]
    public SuccessFlag? Success { get; init; }
}

/// <summary>A page of a search: <c>{"Total","From","Count","&lt;Plural&gt;":[...]}</c>; the subclass names the list.</summary>
internal abstract record ListEnvelope<T> : ResultFlags
{
    /// <summary>Number of matches before paging (0 when the API left it out).</summary>
    public int Total { get; init; }

    /// <summary>Offset of this page as the API reports it, if it does.</summary>
    public int? From { get; init; }

    public int? Count { get; init; }

    /// <summary>The items of this page, under whatever key the API gives them.</summary>
    public abstract IReadOnlyList<T> Items();
}

/// <summary><c>{"Appliance": {...}}</c>.</summary>
internal sealed record ApplianceEnvelope : ResultFlags
{
    public SakuraAppliance? Appliance { get; init; }
}

/// <summary>A page of <c>Appliances</c>.</summary>
internal sealed record ApplianceListEnvelope : ListEnvelope<SakuraAppliance>
{
    public IReadOnlyList<SakuraAppliance> Appliances { get; init => field = value ?? []; } = [];

    public override IReadOnlyList<SakuraAppliance> Items() => Appliances;
}

/// <summary><c>{"Internet": {...}}</c>.</summary>
internal sealed record InternetEnvelope : ResultFlags
{
    public SakuraInternet? Internet { get; init; }
}

/// <summary>A page of routers. The plural key really is the singular <c>Internet</c>.</summary>
internal sealed record InternetListEnvelope : ListEnvelope<SakuraInternet>
{
    public IReadOnlyList<SakuraInternet> Internet { get; init => field = value ?? []; } = [];

    public override IReadOnlyList<SakuraInternet> Items() => Internet;
}

/// <summary>A page of <c>Switches</c>.</summary>
internal sealed record SwitchListEnvelope : ListEnvelope<SakuraSwitch>
{
    public IReadOnlyList<SakuraSwitch> Switches { get; init => field = value ?? []; } = [];

    public override IReadOnlyList<SakuraSwitch> Items() => Switches;
}

/// <summary><c>{"Switch": {...}}</c>.</summary>
internal sealed record SwitchEnvelope : ResultFlags
{
    public SakuraSwitch? Switch { get; init; }
}

/// <summary>A page of <c>Servers</c>.</summary>
internal sealed record ServerListEnvelope : ListEnvelope<SakuraServer>
{
    public IReadOnlyList<SakuraServer> Servers { get; init => field = value ?? []; } = [];

    public override IReadOnlyList<SakuraServer> Items() => Servers;
}

/// <summary><c>{"LoadBalancer": [...]}</c> from <c>GET /appliance/{id}/status</c>.</summary>
internal sealed record LoadBalancerStatusEnvelope : ResultFlags
{
    public IReadOnlyList<LoadBalancerVipStatus> LoadBalancer { get; init => field = value ?? []; } = [];
}

/// <summary>The error body: <c>{"is_fatal","serial","status","error_code","error_msg"}</c>.</summary>
internal sealed record SakuraErrorBody
{
    [JsonPropertyName("is_fatal")]
    public bool? IsFatal { get; init; }

    [JsonPropertyName("serial")]
    public string? Serial { get; init; }

    /// <summary>"&lt;code&gt; &lt;reason phrase&gt;", e.g. "404 Not Found".</summary>
    [JsonPropertyName("status")]
    public string? Status { get; init; }

    [JsonPropertyName("error_code")]
    public string? ErrorCode { get; init; }

    [JsonPropertyName("error_msg")]
    public string? ErrorMessage { get; init; }
}
