using SakuraLb.Reconcile.Desired;

namespace SakuraLb.Functions.Resync;

/// <summary>What orphan collection makes of one load balancer carrying exactly this cluster's tag.</summary>
public enum OrphanKind
{
    /// <summary>A known Service claims it (by its UID tag, or without one by its name): not an orphan, whoever's owner tag it carries.</summary>
    Claimed,

    /// <summary>No Service claims it and it is this installation's (its owner tag, or none with adoption on): collected after the grace period.</summary>
    Orphan,

    /// <summary>No Service claims it and it carries no owner tag (seed controller, earlier versions): reported, never deleted.</summary>
    Unowned,

    /// <summary>No Service claims it and it carries another installation's owner id: another installation shares the cluster id. Left alone.</summary>
    OtherOwner,
}

/// <summary>One load balancer's classification.</summary>
/// <param name="ServiceUid">The Service-UID tag's value (the first), or null for a load balancer named after its Service only.</param>
public sealed record OrphanDecision(ObservedLoadBalancer LoadBalancer, OrphanKind Kind, string? ServiceUid);

/// <summary>Whose a load balancer is, by its owner tag.</summary>
public enum OwnerMatch
{
    /// <summary>Exactly this installation's owner id.</summary>
    Ours,

    /// <summary>No owner tag.</summary>
    None,

    /// <summary>Another owner id, or several.</summary>
    Other,
}

/// <summary>Which load balancers of the cluster are orphans, and how many one pass may delete. Pure.</summary>
public static class OrphanRules
{
    /// <summary>Whose the load balancer is by its owner tag.</summary>
    public static OwnerMatch OwnerOf(IEnumerable<string> tags, string ownerId)
    {
        var owners = LoadBalancerNaming.OwnerIdsOf(tags);
        return owners.Count switch
        {
            0 => OwnerMatch.None,
            1 when string.Equals(owners[0], ownerId, StringComparison.Ordinal) => OwnerMatch.Ours,
            _ => OwnerMatch.Other,
        };
    }

    /// <summary>True when this installation may delete the load balancer: its owner tag, or none and adoption is on.</summary>
    public static bool IsOurs(IEnumerable<string> tags, string ownerId, bool adoptUnowned) =>
        OwnerOf(tags, ownerId) switch
        {
            OwnerMatch.Ours => true,
            OwnerMatch.None => adoptUnowned,
            _ => false,
        };

    /// <summary>True when the load balancer carries exactly this cluster's tag (another cluster's, several, or none: never ours).</summary>
    public static bool IsThisClusters(IEnumerable<string> tags, string clusterId)
    {
        var clusters = LoadBalancerNaming.ClusterIdsOf(tags);
        return clusters.Count == 1 && string.Equals(clusters[0], clusterId, StringComparison.Ordinal);
    }

    /// <summary>
    /// For each load balancer carrying exactly this cluster's tag: claimed when one of its Service-UID tags is a
    /// known Service (or, without a UID tag, as the original CCM made them, when its name is a known Service's);
    /// otherwise an orphan only when it is this installation's (<see cref="IsOurs"/>), else unowned or another
    /// owner's. A load balancer with another cluster's tag, several cluster tags, or none is not considered at all.
    /// </summary>
    public static IReadOnlyList<OrphanDecision> Classify(
        string clusterId, string ownerId, bool adoptUnowned, IReadOnlySet<string> knownUids, IEnumerable<ObservedLoadBalancer> loadBalancers)
    {
        ArgumentNullException.ThrowIfNull(knownUids);
        var knownNames = knownUids.Select(LoadBalancerNaming.Name).ToHashSet(StringComparer.Ordinal);
        var result = new List<OrphanDecision>();
        foreach (var lb in loadBalancers.Where(l => l is not null).DistinctBy(l => l.Id))
        {
            if (!IsThisClusters(lb.Tags, clusterId))
            {
                continue;
            }

            var uids = LoadBalancerNaming.ServiceUidsOf(lb.Tags);
            var claimed = uids.Count > 0 ? uids.Any(knownUids.Contains) : knownNames.Contains(lb.Name);
            var kind = claimed
                ? OrphanKind.Claimed
                : OwnerOf(lb.Tags, ownerId) switch
                {
                    OwnerMatch.Ours => OrphanKind.Orphan,
                    OwnerMatch.None => adoptUnowned ? OrphanKind.Orphan : OrphanKind.Unowned,
                    _ => OrphanKind.OtherOwner,
                };
            result.Add(new OrphanDecision(lb, kind, uids.Count > 0 ? uids[0] : null));
        }

        return result;
    }

    /// <summary>
    /// True when a pass may delete <paramref name="due"/> orphans: at most <paramref name="maxCount"/>, and at most
    /// <paramref name="maxShare"/> of the <paramref name="total"/> load balancers the installation has in the cluster
    /// (claimed ones and orphans), rounded down but never below one. All or nothing: over the cap, none is deleted.
    /// </summary>
    public static bool WithinDeletionCap(int due, int total, int maxCount, double maxShare) =>
        due <= maxCount && due <= Math.Max(1, (int)Math.Floor(maxShare * total));
}
