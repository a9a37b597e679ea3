using System.Globalization;
using SakuraLb.Functions.Resync;
using SakuraLb.Reconcile.Desired;

namespace SakuraLb.Functions.Teardown;

/// <summary>One load balancer of a teardown and the Service UID its tag names (what the cleanup releases addresses for).</summary>
public sealed record TeardownEntry(TeardownItem Item, long LoadBalancerId, string? ServiceUid);

/// <summary>What a teardown deletes. Pure.</summary>
public static class TeardownRules
{
    /// <summary>
    /// Every load balancer carrying exactly this cluster's tag, by id: this installation's (its owner id, or none with
    /// adoption on) is to be deleted (<see cref="TeardownAction.WouldDelete"/> in a dry run, else
    /// <see cref="TeardownAction.Deleting"/>), whatever its Service; the others are listed as
    /// <see cref="TeardownAction.Skipped"/> with the reason, so the operator sees what stays and why.
    /// </summary>
    /// <param name="services">"namespace/name" of the known Services by UID.</param>
    public static IReadOnlyList<TeardownEntry> Entries(
        string clusterId,
        string ownerId,
        bool adoptUnowned,
        bool dryRun,
        IEnumerable<ObservedLoadBalancer> loadBalancers,
        IReadOnlyDictionary<string, string> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var entries = new List<TeardownEntry>();
        foreach (var lb in loadBalancers.Where(l => l is not null).DistinctBy(l => l.Id).OrderBy(l => l.Id))
        {
            if (!OrphanRules.IsThisClusters(lb.Tags, clusterId))
            {
                continue;
            }

            var uid = LoadBalancerNaming.ServiceUidsOf(lb.Tags).FirstOrDefault();
            var (action, reason) = OrphanRules.OwnerOf(lb.Tags, ownerId) switch
            {
                OwnerMatch.Ours => (dryRun ? TeardownAction.WouldDelete : TeardownAction.Deleting, null),
                OwnerMatch.None when adoptUnowned => (dryRun ? TeardownAction.WouldDelete : TeardownAction.Deleting, null),
                OwnerMatch.None => (TeardownAction.Skipped, (string?)"it carries no owner tag (made by the seed controller or a version before owner ids): set Controller:AdoptUnownedLoadBalancers to include it, or delete it by hand"),
                _ => (TeardownAction.Skipped, $"it carries another installation's owner id ({string.Join(", ", LoadBalancerNaming.OwnerIdsOf(lb.Tags))}): that installation's teardown deletes it"),
            };
            var item = new TeardownItem
            {
                Id = lb.Id.ToString(CultureInfo.InvariantCulture),
                Name = lb.Name,
                Service = uid is not null && services.TryGetValue(uid, out var known) ? known : ServiceOf(lb.Description),
                Addresses = [.. lb.VipAddresses().Distinct().Select(a => a.ToString())],
                Action = action,
                Reason = reason,
            };
            entries.Add(new TeardownEntry(item, lb.Id, uid));
        }

        return entries;
    }

    /// <summary>Our description is "namespace/name"; anything else says nothing about the Service.</summary>
    private static string? ServiceOf(string description) =>
        description.Count(c => c == '/') == 1 && description[0] != '/' && description[^1] != '/' && !description.Contains(' ', StringComparison.Ordinal)
            ? description
            : null;
}
