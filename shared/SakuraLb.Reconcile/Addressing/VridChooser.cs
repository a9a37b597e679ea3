namespace SakuraLb.Reconcile.Addressing;

/// <summary>VRRP ids: two appliances on one switch must not share one.</summary>
public static class VridChooser
{
    public const int MaxVrid = 255;

    /// <summary>
    /// The lowest VRID (1–255) not used by another load balancer on <paramref name="switchId"/>;
    /// <paramref name="ignoreIds"/> are appliances about to be deleted. Null when all are taken.
    /// </summary>
    public static int? Choose(IEnumerable<ObservedLoadBalancer> loadBalancers, long switchId, IReadOnlyCollection<long>? ignoreIds = null)
    {
        var used = loadBalancers
            .Where(lb => lb is not null && lb.SwitchId == switchId && lb.Vrid is not null && (ignoreIds is null || !ignoreIds.Contains(lb.Id)))
            .Select(lb => lb.Vrid!.Value)
            .ToHashSet();
        for (var vrid = 1; vrid <= MaxVrid; vrid++)
        {
            if (!used.Contains(vrid))
            {
                return vrid;
            }
        }

        return null;
    }
}
