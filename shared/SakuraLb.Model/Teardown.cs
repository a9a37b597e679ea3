using System.Text.Json.Serialization;

namespace SakuraLb.Model;

/// <summary>
/// operator → function (<c>POST /api/teardown</c>): delete every load balancer this installation owns in the cluster.
/// Without <see cref="Confirm"/> it is a dry run that only lists them; with <see cref="Confirm"/> equal to the cluster
/// id it deletes them; any other value is refused.
/// </summary>
public sealed record TeardownRequest : IRelayMessage
{
    public int Version { get; init; } = ProtocolVersion.Current;

    public string ClusterId { get; init => field = value ?? ""; } = "";

    /// <summary>The cluster id again, to delete; absent (null) for a dry run.</summary>
    public string? Confirm { get; init; }

    [JsonIgnore]
    public bool IsConfirmed => Confirm is not null;
}

/// <summary>What a teardown did, does, or would do to each of the cluster's load balancers.</summary>
public enum TeardownAction
{
    /// <summary>Dry run: it would be deleted.</summary>
    WouldDelete,

    /// <summary>Confirmed: its deletion has not finished yet.</summary>
    Deleting,

    Deleted,

    Failed,

    /// <summary>Not this installation's to delete, or claimed again while the teardown ran; <see cref="TeardownItem.Reason"/> says which.</summary>
    Skipped,
}

/// <summary>One load balancer of a teardown.</summary>
public sealed record TeardownItem
{
    public string Kind { get; init; } = "LoadBalancer";

    /// <summary>The Sakura resource id.</summary>
    public string Id { get; init; } = "";

    public string Name { get; init; } = "";

    /// <summary>"namespace/name" of the Service it was for, when known.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Service { get; init; }

    /// <summary>Its virtual IP addresses.</summary>
    public IReadOnlyList<string> Addresses { get; init => field = value ?? []; } = [];

    public TeardownAction Action { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Reason { get; init; }
}

/// <summary>How many items of a teardown are in each action.</summary>
public sealed record TeardownSummary
{
    public int WouldDelete { get; init; }

    public int Deleting { get; init; }

    public int Deleted { get; init; }

    public int Failed { get; init; }

    public int Skipped { get; init; }

    public static TeardownSummary Of(IEnumerable<TeardownItem> items)
    {
        var counts = (items ?? []).GroupBy(i => i.Action).ToDictionary(g => g.Key, g => g.Count());
        return new TeardownSummary
        {
            WouldDelete = counts.GetValueOrDefault(TeardownAction.WouldDelete),
            Deleting = counts.GetValueOrDefault(TeardownAction.Deleting),
            Deleted = counts.GetValueOrDefault(TeardownAction.Deleted),
            Failed = counts.GetValueOrDefault(TeardownAction.Failed),
            Skipped = counts.GetValueOrDefault(TeardownAction.Skipped),
        };
    }
}

/// <summary>
/// function → operator: the answer to <c>POST /api/teardown</c> (200 dry run, 202 confirmed and started) and to
/// <c>GET /api/teardown/{operationId}</c> (the same document, its actions advancing to Deleted or Failed).
/// </summary>
public sealed record TeardownReport
{
    public int Version { get; init; } = ProtocolVersion.Current;

    public string ClusterId { get; init; } = "";

    /// <summary>The installation whose load balancers are deleted (their @k8s.Owner tag).</summary>
    public string OwnerId { get; init; } = "";

    public bool DryRun { get; init; }

    /// <summary>The id to follow a confirmed teardown with; null for a dry run.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? OperationId { get; init; }

    public IReadOnlyList<TeardownItem> Items { get; init => field = value ?? []; } = [];

    public TeardownSummary Summary { get; init; } = new();

    /// <summary>True once no item is still <see cref="TeardownAction.Deleting"/>.</summary>
    [JsonIgnore]
    public bool Finished => Items.All(i => i.Action != TeardownAction.Deleting);

    /// <summary>The report of these items, with the summary counted from them.</summary>
    public static TeardownReport Of(string clusterId, string ownerId, bool dryRun, string? operationId, IReadOnlyList<TeardownItem> items) => new()
    {
        ClusterId = clusterId,
        OwnerId = ownerId,
        DryRun = dryRun,
        OperationId = operationId,
        Items = items,
        Summary = TeardownSummary.Of(items),
    };
}
