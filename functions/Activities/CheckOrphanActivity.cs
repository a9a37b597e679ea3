using Microsoft.Extensions.Options;
using SakuraLb.Functions.Installation;
using SakuraLb.Functions.Options;
using SakuraLb.Functions.Resync;
using SakuraLb.Reconcile.Desired;

namespace SakuraLb.Functions.Activities;

public sealed record OrphanInput(string ClusterId, long LoadBalancerId, string? ServiceUid);

/// <param name="StillOrphan">The appliance is gone, or still carries this cluster's tag, this installation's owner id and no known Service.</param>
public sealed record OrphanCheck(bool StillOrphan, LoadBalancerState State, string Reason);

/// <summary>
/// Checks again, just before deleting, that the load balancer is still an orphan: it exists with exactly this
/// cluster's tag and this installation's owner id (or none, with <see cref="ControllerOptions.AdoptUnownedLoadBalancers"/>),
/// and no desired Service has its UID (or, without a UID tag, its name). Anything else is never touched.
/// </summary>
public sealed class CheckOrphanActivity(ISakuraCloud cloud, IDesiredStore desired, ControllerSettings settings, OwnerIdentity owner, IOptions<ControllerOptions> options)
{
    public const string Name = "CheckOrphan";

    public async Task<OrphanCheck> RunAsync(OrphanInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var lb = await cloud.GetLoadBalancerAsync(input.LoadBalancerId, cancellationToken);
        if (lb is null)
        {
            return new OrphanCheck(true, new LoadBalancerState(false, input.LoadBalancerId, ApplianceAvailability.Unknown, InstanceStatus.Unknown), "already gone");
        }

        var state = new LoadBalancerState(true, lb.Id, lb.Availability, lb.InstanceStatus);
        if (!OrphanRules.IsThisClusters(lb.Tags, settings.ClusterId))
        {
            return new OrphanCheck(false, state, "it no longer carries exactly this cluster's tag");
        }

        if (!OrphanRules.IsOurs(lb.Tags, await owner.GetAsync(cancellationToken), options.Value.AdoptUnownedLoadBalancers))
        {
            return new OrphanCheck(false, state, "it does not carry this installation's owner id");
        }

        var uids = LoadBalancerNaming.ServiceUidsOf(lb.Tags);
        foreach (var uid in uids)
        {
            if (await desired.GetAsync(input.ClusterId, uid, cancellationToken) is not null)
            {
                return new OrphanCheck(false, state, $"Service {uid} is known again");
            }
        }

        if (uids.Count == 0)
        {
            var services = await desired.ListAsync(input.ClusterId, cancellationToken);
            if (services.Any(s => string.Equals(LoadBalancerNaming.Name(s.Uid), lb.Name, StringComparison.Ordinal)))
            {
                return new OrphanCheck(false, state, "a known Service has its name");
            }
        }

        return new OrphanCheck(true, state, "no Service");
    }
}
