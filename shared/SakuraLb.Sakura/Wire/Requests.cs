using System.Text.Json.Nodes;

namespace SakuraLb.Sakura.Wire;

/// <summary>
/// The JSON of a search (sent after <c>?</c> with no key, see <c>RawJsonQueryHandler</c>).
/// A string filter value is a partial match, an array of scalars an exact match OR'ed, and
/// <c>"Tags.Name": [[a, b]]</c> means "has every tag" (see <see cref="SearchFilter"/>).
/// </summary>
internal sealed record SearchRequest
{
    public int? From { get; init; }

    public int? Count { get; init; }

    public IReadOnlyList<string>? Sort { get; init; }

    public JsonObject? Filter { get; init; }

    public IReadOnlyList<string>? Include { get; init; }

    public IReadOnlyList<string>? Exclude { get; init; }
}

/// <summary><c>POST /appliance</c> body.</summary>
internal sealed record ApplianceCreateEnvelope
{
    public required ApplianceCreateBody Appliance { get; init; }
}

/// <summary>A new appliance (only the load-balancer form is used).</summary>
internal sealed record ApplianceCreateBody
{
    public string Class { get; init; } = "loadbalancer";

    public required string Name { get; init; }

    public string Description { get; init; } = "";

    public IReadOnlyList<string> Tags { get; init => field = value ?? []; } = [];

    public required IdRef Plan { get; init; }

    public required ApplianceRemark Remark { get; init; }

    public ApplianceSettings Settings { get; init; } = new();
}

/// <summary><c>PUT /appliance/{id}</c> body.</summary>
internal sealed record ApplianceUpdateEnvelope
{
    public required ApplianceUpdateBody Appliance { get; init; }

    /// <summary>
    /// The settings hash read before this update, next to <c>Appliance</c>: the form Sakura's own SDK sends for its
    /// optimistic lock (answered by 409 <c>original_hash_mismatch</c>). <see cref="ApplianceUpdateBody.SettingsHash"/>
    /// carries the same value, as the Go client sends it; nothing relies on either being enforced.
    /// </summary>
    public string? OriginalSettingsHash { get; init; }
}

/// <summary>
/// The fields an update may change. Read-only and immutable fields are never sent; a null member is
/// left out and so left unchanged.
/// </summary>
internal sealed record ApplianceUpdateBody
{
    public ApplianceSettings? Settings { get; init; }

    public string? SettingsHash { get; init; }

    public IReadOnlyList<string>? Tags { get; init; }

    public string? Description { get; init; }
}

/// <summary><c>DELETE /appliance/{id}/power</c> body: <c>{}</c> for a graceful shutdown, as the official clients send it.</summary>
internal sealed record ShutdownRequest
{
    /// <summary>A plain JSON bool, unlike the settings flags; only <c>true</c> is ever sent (null is left out).</summary>
    public bool? Force { get; init; }
}
