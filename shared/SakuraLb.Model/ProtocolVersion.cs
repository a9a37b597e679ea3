namespace SakuraLb.Model;

/// <summary>Version of the relay ↔ function-app messages. Bump on any incompatible change.</summary>
public static class ProtocolVersion
{
    public const int Current = 1;

    /// <summary>
    /// Named in <see cref="NodeSetSnapshot.Features"/> by a relay that forwards what node initialisation reads
    /// (its taints, labels, addresses and provided node IP) and applies <see cref="StatusFeed.Nodes"/>. A function app
    /// makes no node decisions for a relay that does not say so (an older relay would ignore them).
    /// </summary>
    public const string NodeLifecycleFeature = "node-lifecycle";
}
