using System.Globalization;
using System.Text;

namespace SakuraLb.Reconcile.Nodes;

/// <summary>
/// The zone, region and instance-type labels of a Node, from its server. Values are label-safe by construction:
/// nothing comes from the API's localised names (the original controller's instance type once held the Japanese
/// plan name, which Kubernetes refused as a label value).
/// </summary>
public static class NodeLabels
{
    private const int MaxValueLength = 63;

    /// <summary>The labels for <paramref name="server"/>; <paramref name="zone"/> (the zone that was read) stands in when the server names none.</summary>
    public static IReadOnlyDictionary<string, string> Of(CloudServer server, string zone)
    {
        ArgumentNullException.ThrowIfNull(server);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var zoneName = string.IsNullOrWhiteSpace(server.Zone) ? zone : server.Zone.Trim();
        if (IsValidValue(zoneName))
        {
            labels[WellKnown.ZoneLabel] = zoneName;
            if (RegionOf(zoneName) is { } region)
            {
                labels[WellKnown.RegionLabel] = region;
            }
        }

        if (InstanceTypeOf(server.Plan) is { } type)
        {
            labels[WellKnown.InstanceTypeLabel] = type;
        }

        return labels;
    }

    /// <summary>
    /// The region of a zone: Sakura's zone ids are the region's id plus a letter (<c>is1a</c>, <c>is1b</c> → <c>is1</c>,
    /// <c>tk1v</c> → <c>tk1</c>). The API's own region name is localised (<c>石狩</c>) and not used. Null for a zone
    /// that does not have that shape.
    /// </summary>
    public static string? RegionOf(string? zone)
    {
        if (string.IsNullOrEmpty(zone))
        {
            return null;
        }

        var letters = 0;
        while (letters < zone.Length && char.IsAsciiLetterLower(zone[letters]))
        {
            letters++;
        }

        var digits = letters;
        while (digits < zone.Length && char.IsAsciiDigit(zone[digits]))
        {
            digits++;
        }

        var suffix = digits;
        while (suffix < zone.Length && char.IsAsciiLetterLower(zone[suffix]))
        {
            suffix++;
        }

        return letters > 0 && digits > letters && suffix > digits && suffix == zone.Length ? zone[..digits] : null;
    }

    /// <summary>
    /// A label-safe instance type from what the plan offers: <c>&lt;cores&gt;core-&lt;memory&gt;gb</c> (<c>2core-4gb</c>,
    /// memory in MB when it is not whole GB), <c>-&lt;n&gt;gpu</c> for GPU plans and a <c>dedicatedcpu-</c> prefix for
    /// dedicated-CPU plans. The generation is left out: plans of two generations with the same resources are the same
    /// type for scheduling (the API's service class does the same). Null without a plan.
    /// </summary>
    public static string? InstanceTypeOf(CloudServerPlan? plan)
    {
        if (plan is null || plan.Cpu <= 0 || plan.MemoryMB <= 0)
        {
            return null;
        }

        var text = new StringBuilder();
        var commitment = Sanitize(plan.Commitment);
        if (commitment.Length > 0 && commitment != "standard")
        {
            text.Append(commitment).Append('-');
        }

        text.Append(CultureInfo.InvariantCulture, $"{plan.Cpu}core-");
        text.Append(plan.MemoryMB % 1024 == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{plan.MemoryMB / 1024}gb")
            : string.Create(CultureInfo.InvariantCulture, $"{plan.MemoryMB}mb"));
        if (plan.Gpu > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"-{plan.Gpu}gpu");
        }

        var value = text.ToString();
        return IsValidValue(value) ? value : null;
    }

    /// <summary>A Kubernetes label value: at most 63 characters of [A-Za-z0-9_.-], starting and ending alphanumeric.</summary>
    public static bool IsValidValue(string? value) =>
        !string.IsNullOrEmpty(value)
        && value.Length <= MaxValueLength
        && char.IsAsciiLetterOrDigit(value[0])
        && char.IsAsciiLetterOrDigit(value[^1])
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static string Sanitize(string? value) =>
        new([.. (value ?? "").ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c))]);
}
