using System.Globalization;

namespace SakuraLb.Reconcile.Nodes;

/// <summary>What a Node's <c>spec.providerID</c> says about whose it is.</summary>
public enum ProviderIdKind
{
    /// <summary>No providerID yet (a Node to initialise, matched by name).</summary>
    None,

    /// <summary><c>sakuracloud://&lt;server id&gt;</c>: ours (or the original controller's, which used the same format).</summary>
    Sakura,

    /// <summary>Anything else: another provider's, or not a server id.</summary>
    Foreign,
}

/// <summary>The provider id format <c>sakuracloud://&lt;server id&gt;</c>, kept from the original controller so its Nodes stay ours.</summary>
public static class ProviderIds
{
    public static string Format(long serverId) => WellKnown.ProviderIdPrefix + serverId.ToString(CultureInfo.InvariantCulture);

    /// <summary>Classifies a providerID; <paramref name="serverId"/> is the server id when it is <see cref="ProviderIdKind.Sakura"/>.</summary>
    public static ProviderIdKind Classify(string? providerId, out long serverId)
    {
        serverId = 0;
        if (string.IsNullOrEmpty(providerId))
        {
            return ProviderIdKind.None;
        }

        if (!providerId.StartsWith(WellKnown.ProviderIdPrefix, StringComparison.Ordinal))
        {
            return ProviderIdKind.Foreign;
        }

        var id = providerId.AsSpan(WellKnown.ProviderIdPrefix.Length);
        return id.Length is > 0 and <= 18
            && id.IndexOfAnyExceptInRange('0', '9') < 0
            && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out serverId)
            && serverId > 0
            ? ProviderIdKind.Sakura
            : ProviderIdKind.Foreign;
    }
}
