namespace SakuraLb.Reconcile.Desired;

/// <summary>How an appliance relates to one Service of this cluster.</summary>
public enum Ownership
{
    /// <summary>Not this Service's appliance.</summary>
    Unrelated,

    /// <summary>Carries this cluster's tag and this Service's name or UID tag.</summary>
    Ours,

    /// <summary>Has exactly this Service's name and no cluster tag (e.g. made by the original CCM without a cluster id): adopt it by adding tags.</summary>
    Adoptable,

    /// <summary>Has this Service's name or UID but another cluster's tag (or no cluster tag and only the UID): never touch it.</summary>
    Foreign,
}

public static class LoadBalancerOwnership
{
    public static Ownership Classify(ObservedLoadBalancer lb, string clusterId, string serviceUid)
    {
        var nameMatches = string.Equals(lb.Name, LoadBalancerNaming.Name(serviceUid), StringComparison.Ordinal);
        var uids = LoadBalancerNaming.ServiceUidsOf(lb.Tags);
        var uidMatches = uids.Contains(serviceUid, StringComparer.Ordinal);
        if (!nameMatches && !uidMatches)
        {
            return Ownership.Unrelated;
        }

        // The name keeps 31 of 32 hex digits: a UID tag naming another Service settles a name clash.
        if (!uidMatches && uids.Count > 0)
        {
            return Ownership.Unrelated;
        }

        var clusters = LoadBalancerNaming.ClusterIdsOf(lb.Tags);
        if (clusters.Count == 0)
        {
            return nameMatches ? Ownership.Adoptable : Ownership.Foreign;
        }

        return clusters.Count == 1 && string.Equals(clusters[0], clusterId, StringComparison.Ordinal)
            ? Ownership.Ours
            : Ownership.Foreign;
    }
}
