using SakuraLb.Sakura.Wire;

namespace SakuraLb.Sakura.Mapping;

/// <summary>
/// Which switch an item of the account-wide appliance list is on, read the way the original controller did: the
/// top-level <c>Switch.ID</c>, and each interface's switch (a VPC router's private NICs; its top-level switch is null
/// when it sits on the shared segment). <c>Remark.Switch.ID</c>, the switch given at create, counts too. Pure.
/// </summary>
internal static class ApplianceSwitches
{
    /// <summary>True when the appliance has a NIC or its main connection on switch <paramref name="switchId"/>.</summary>
    public static bool IsOn(SakuraAppliance appliance, long switchId)
    {
        ArgumentNullException.ThrowIfNull(appliance);
        return Of(appliance).Contains(switchId);
    }

    /// <summary>
    /// True when the item carries none of the fields that tell its switch: its addresses cannot be attributed to any
    /// switch, which a caller must say rather than take as "not on this switch".
    /// </summary>
    public static bool IsUnknown(SakuraAppliance appliance)
    {
        ArgumentNullException.ThrowIfNull(appliance);
        return appliance.Switch is null && appliance.Remark?.Switch is null && appliance.Interfaces.All(n => n?.Switch is null);
    }

    /// <summary>
    /// The fields an appliance on the switch lacks that would name its addresses (a load balancer's <c>Remark</c> and
    /// <c>Settings</c>, a VPC router's <c>Settings</c>, a database's <c>Remark</c>), or null when none is missing. Such an
    /// item's addresses are unknown, not absent.
    /// </summary>
    public static string? MissingAddressFields(SakuraAppliance appliance)
    {
        ArgumentNullException.ThrowIfNull(appliance);
        var missing = (appliance.Class?.ToUpperInvariant()) switch
        {
            "LOADBALANCER" => new[] { appliance.Remark is null ? "Remark" : null, appliance.Settings is null ? "Settings" : null },
            "VPCROUTER" => [appliance.Settings is null ? "Settings" : null],
            "DATABASE" => [appliance.Remark is null ? "Remark" : null],
            _ => [],
        };
        var names = missing.OfType<string>().ToList();
        return names.Count == 0 ? null : string.Join(", ", names);
    }

    private static HashSet<long> Of(SakuraAppliance appliance)
    {
        var ids = new HashSet<long>();
        if (appliance.Switch is { Id: long main and > 0 })
        {
            ids.Add(main);
        }

        if (appliance.Remark?.Switch is { Id: long remark and > 0 })
        {
            ids.Add(remark);
        }

        foreach (var nic in appliance.Interfaces)
        {
            if (nic?.Switch is { Id: long onNic and > 0 })
            {
                ids.Add(onNic);
            }
        }

        return ids;
    }
}
