using System.Globalization;
using System.Text.Json.Nodes;

namespace Sandbox.Simulators;

/// <summary>One VIP entry of a simulated load balancer: address, port and the real servers' addresses.</summary>
public sealed record SimVip(string Address, int Port, IReadOnlyList<string> Servers)
{
    /// <summary>The real servers written with Enabled "False" (draining: no new connections).</summary>
    public IReadOnlyList<string> Disabled { get; init; } = [];
}

/// <summary>A load balancer as the simulator's <c>/_sim/state</c> shows it.</summary>
/// <param name="Vips">The stored settings (what the controller wrote).</param>
/// <param name="SettingsApplied">Whether the stored settings are also the applied ones (config was applied).</param>
public sealed record SimLoadBalancer(long Id, string Name, string Phase, bool SettingsApplied, IReadOnlyList<string> Tags, IReadOnlyList<SimVip> Vips)
{
    /// <summary>The switch it joined (a router's, or a plain one).</summary>
    public long SwitchId { get; init; }

    /// <summary>Its own addresses: one, or two for an HA pair.</summary>
    public IReadOnlyList<string> OwnAddresses { get; init; } = [];

    public static SimLoadBalancer From(JsonObject appliance)
    {
        ArgumentNullException.ThrowIfNull(appliance);
        var vips = (appliance["storedSettings"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(v => new SimVip(
                v["VirtualIPAddress"]?.GetValue<string>() ?? "",
                int.Parse(v["Port"]?.ToString() ?? "0", CultureInfo.InvariantCulture),
                [.. (v["Servers"] as JsonArray ?? []).OfType<JsonObject>().Select(s => s["IPAddress"]?.GetValue<string>() ?? "").Order(StringComparer.Ordinal)])
            {
                Disabled = [.. (v["Servers"] as JsonArray ?? []).OfType<JsonObject>()
                    .Where(s => string.Equals(s["Enabled"]?.ToString(), "False", StringComparison.OrdinalIgnoreCase))
                    .Select(s => s["IPAddress"]?.GetValue<string>() ?? "")
                    .Order(StringComparer.Ordinal)],
            })
            .OrderBy(v => v.Port)
            .ToArray();
        return new SimLoadBalancer(
            appliance["id"]!.GetValue<long>(),
            appliance["name"]?.GetValue<string>() ?? "",
            appliance["phase"]?.GetValue<string>() ?? "",
            appliance["settingsApplied"]?.GetValue<bool>() ?? false,
            [.. (appliance["tags"] as JsonArray ?? []).Select(t => t!.GetValue<string>())],
            vips)
        {
            SwitchId = appliance["switchId"]?.GetValue<long>() ?? 0,
            OwnAddresses = [.. (appliance["ipAddresses"] as JsonArray ?? []).Select(a => a!.GetValue<string>())],
        };
    }

    /// <summary>e.g. "load balancer 113200000009 (up): 203.0.113.103 ports 80, 443 → 203.0.113.100, 203.0.113.101".</summary>
    public string Describe()
    {
        var addresses = string.Join(", ", Vips.Select(v => v.Address).Distinct(StringComparer.Ordinal));
        var ports = string.Join(", ", Vips.Select(v => v.Port.ToString(CultureInfo.InvariantCulture)));
        var servers = string.Join(", ", Vips.SelectMany(v => v.Servers).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        return string.Create(CultureInfo.InvariantCulture, $"load balancer {Id} ({Phase}): {addresses} ports {ports} → real servers {(servers.Length == 0 ? "(none)" : servers)}");
    }
}
