using System.Globalization;
using SakuraLb.Reconcile.Desired;

namespace SakuraLb.Reconcile.Planning;

/// <summary>
/// Semantic comparison of desired and observed VIP settings: order of entries and servers does not
/// matter, "80" equals 80, "True" equals true, a missing or zero DelayLoop is the API's default 10,
/// Path/Status count only for http/https, Retry/ConnectTimeout only when we set them.
/// </summary>
public static class SettingsComparer
{
    public static bool Equivalent(IReadOnlyList<VipSetting> desired, IReadOnlyList<ObservedVip> observed)
    {
        if (desired.Count != observed.Count)
        {
            return false;
        }

        var observedByKey = new Dictionary<(Ipv4Address, int), ObservedVip>();
        foreach (var vip in observed)
        {
            if (vip is null || !Ipv4Address.TryParse(vip.VirtualIPAddress?.Trim(), out var address) || ParseInt(vip.Port) is not { } port
                || !observedByKey.TryAdd((address, port), vip))
            {
                return false;
            }
        }

        foreach (var want in desired)
        {
            if (!observedByKey.TryGetValue((want.VirtualIPAddress, want.Port), out var have) || !VipEquals(want, have))
            {
                return false;
            }
        }

        return true;
    }

    private static bool VipEquals(VipSetting want, ObservedVip have)
    {
        var delayLoop = string.IsNullOrWhiteSpace(have.DelayLoop) ? 0 : ParseInt(have.DelayLoop) ?? -1;
        if (delayLoop == 0)
        {
            delayLoop = HealthCheckSpec.MinimumIntervalSeconds;
        }

        if (delayLoop != want.DelayLoopSeconds)
        {
            return false;
        }

        Ipv4Address? sorry = null;
        if (!string.IsNullOrWhiteSpace(have.SorryServer))
        {
            if (!Ipv4Address.TryParse(have.SorryServer.Trim(), out var parsed))
            {
                return false;
            }

            sorry = parsed;
        }

        if (sorry != want.SorryServer || want.Servers.Count != have.Servers.Count)
        {
            return false;
        }

        var haveByAddress = new Dictionary<Ipv4Address, ObservedRealServer>();
        foreach (var server in have.Servers)
        {
            if (server is null || !Ipv4Address.TryParse(server.IPAddress?.Trim(), out var address) || !haveByAddress.TryAdd(address, server))
            {
                return false;
            }
        }

        return want.Servers.All(s => haveByAddress.TryGetValue(s.IPAddress, out var h) && ServerEquals(s, h));
    }

    private static bool ServerEquals(RealServerSetting want, ObservedRealServer have)
    {
        if (ParseInt(have.Port) != want.Port || ParseFlag(have.Enabled) != want.Enabled)
        {
            return false;
        }

        var check = have.HealthCheck;
        if (check is null || !string.Equals(check.Protocol?.Trim(), want.HealthCheck.WireProtocol, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (want.HealthCheck.IsHttp
            && (!string.Equals(check.Path?.Trim(), want.HealthCheck.Path, StringComparison.Ordinal)
                || ParseInt(check.Status) != want.HealthCheck.Status))
        {
            return false;
        }

        return (want.HealthCheck.Retry is null || ParseInt(check.Retry) == want.HealthCheck.Retry)
            && (want.HealthCheck.ConnectTimeoutSeconds is null || ParseInt(check.ConnectTimeout) == want.HealthCheck.ConnectTimeoutSeconds);
    }

    /// <summary>A number the API may send as a string ("80"), tolerating spaces; null when absent or not a number.</summary>
    public static int? ParseInt(string? value) =>
        int.TryParse(value?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>The API's string flags: true/on/1 (any case) are true; missing means enabled; anything else is null.</summary>
    public static bool? ParseFlag(string? value)
    {
        var v = value?.Trim();
        if (string.IsNullOrEmpty(v))
        {
            return true;
        }

        return v.ToUpperInvariant() switch
        {
            "TRUE" or "ON" or "1" => true,
            "FALSE" or "OFF" or "0" => false,
            _ => null,
        };
    }
}
