namespace SakuraSim.Model;

internal sealed record ZoneInfo(string Name, long Id, string Description, long RegionId, string RegionName);

/// <summary>The zones of the real API. Each zone is a separate API with its own resources.</summary>
internal static class Zones
{
    private static readonly Dictionary<string, ZoneInfo> ByName = new(StringComparer.Ordinal)
    {
        ["is1a"] = new("is1a", 31001, "石狩第1ゾーン", 310, "石狩"),
        ["is1b"] = new("is1b", 31002, "石狩第2ゾーン", 310, "石狩"),
        ["is1c"] = new("is1c", 31003, "石狩第3ゾーン", 310, "石狩"),
        ["tk1a"] = new("tk1a", 21001, "東京第1ゾーン", 210, "東京"),
        ["tk1b"] = new("tk1b", 21002, "東京第2ゾーン", 210, "東京"),
        ["tk1v"] = new("tk1v", 29001, "Sandbox", 290, "Sandbox"),
    };

    private static readonly string[] Ordered = ["is1a", "is1b", "is1c", "tk1a", "tk1b", "tk1v"];

    public static IReadOnlyList<string> Names => Ordered;

    /// <summary>1 for is1a … 6 for tk1v: a stable small number per zone.</summary>
    public static int Ordinal(string zone) => Array.IndexOf(Ordered, zone) + 1;

    public static ZoneInfo? Find(string? name) =>
        name is not null && ByName.TryGetValue(name, out var zone) ? zone : null;
}
