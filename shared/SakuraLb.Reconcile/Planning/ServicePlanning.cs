using SakuraLb.Reconcile.Desired;
using SakuraLb.Reconcile.Nodes;
using SakuraLb.Reconcile.Scope;

namespace SakuraLb.Reconcile.Planning;

/// <summary>A plan for one Service plus what the status row needs to remember about it.</summary>
/// <param name="Invalid">The Service's spec or annotations are unusable: no cloud call was, or will be, made.</param>
/// <param name="RealServerHash">Hash of the real servers the plan writes (empty when none).</param>
public sealed record ServicePlan(ServiceIntent Intent, Plan? Plan, bool Invalid, string RealServerHash)
{
    public static ServicePlan Ignored { get; } = new(ServiceIntent.Ignore, null, false, "");
}

/// <summary>
/// One Service from its snapshot and the cloud view to a plan: scope, spec, network choice (a router, or a
/// plain switch with the Service's ranges), the desired load balancer, then <see cref="Planner"/>. The function app's ObserveAndPlan activity and its resync pass both
/// use it, so the timer decides "nothing to do" with exactly the orchestration's rules.
/// </summary>
public static class ServicePlanning
{
    /// <summary>
    /// The checks that need no cloud: scope, then the spec and annotations. A non-null result is final (an
    /// ignored Service, or an invalid one reported without a single cloud request).
    /// </summary>
    /// <param name="previouslyManaged">A status row exists for the Service: it was reconciled before (see <see cref="ServiceScope.Classify"/>).</param>
    public static ServicePlan? Precheck(ServiceSnapshot service, ControllerSettings settings, bool previouslyManaged, out LoadBalancerSpec? spec)
    {
        ArgumentNullException.ThrowIfNull(service);
        spec = null;
        var intent = ServiceScope.Classify(service, settings, previouslyManaged);
        if (intent == ServiceIntent.Ignore)
        {
            return ServicePlan.Ignored;
        }

        if (intent == ServiceIntent.Cleanup)
        {
            return null;
        }

        var parsed = LoadBalancerSpecParser.Parse(service, settings);
        if (!parsed.IsValid)
        {
            return new ServicePlan(ServiceIntent.Ensure, Planner.Invalid(parsed.Errors, parsed.Warnings, service.CurrentIngress), true, "");
        }

        spec = parsed.Spec;
        return null;
    }

    /// <summary>
    /// The network the Service's spec selects among <paramref name="candidates"/> (the router, or the plain switch with
    /// the Service's ranges), or an invalid plan saying why there is none.
    /// </summary>
    public static LoadBalancerNetwork? SelectNetwork(ServiceSnapshot service, LoadBalancerSpec spec, NetworkCandidates candidates, out ServicePlan? failure)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(candidates);
        var network = DesiredLoadBalancerBuilder.SelectNetwork(
            spec.Network, new BuildContext { Routers = candidates.Routers, Switches = candidates.Switches }, out var problem);
        failure = problem is null ? null : new ServicePlan(ServiceIntent.Ensure, Planner.Invalid([problem], [], service.CurrentIngress), true, "");
        return network;
    }

    /// <summary>Plans a Service that wants a load balancer on the network whose switch <paramref name="onSwitch"/> describes.</summary>
    /// <param name="draining">The drain state of the previous plan (<see cref="Plan.Drain"/>); empty when unknown.</param>
    /// <param name="now">The clock the drain period is measured on.</param>
    public static ServicePlan PlanEnsure(
        ServiceSnapshot service,
        ControllerSettings settings,
        IReadOnlyList<NodeSnapshot> nodes,
        NetworkCandidates candidates,
        SwitchView onSwitch,
        IReadOnlyList<ObservedLoadBalancer> found,
        IReadOnlyList<AddressReservation> reservations,
        IReadOnlyList<DrainingServer> draining,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(onSwitch);
        ArgumentNullException.ThrowIfNull(reservations);
        var build = DesiredLoadBalancerBuilder.Build(service, settings, new BuildContext
        {
            Routers = candidates.Routers,
            Switches = candidates.Switches,
            Nodes = nodes,
            Servers = onSwitch.Servers,
        });
        if (!build.IsValid)
        {
            return new ServicePlan(ServiceIntent.Ensure, Planner.Invalid(build.Errors, build.Warnings, service.CurrentIngress), true, "");
        }

        var desired = build.Desired!;
        var plan = Planner.Plan(new PlanInput
        {
            Intent = ServiceIntent.Ensure,
            ServiceUid = service.Uid,
            Settings = settings,
            Desired = desired,
            BuildWarnings = build.Warnings,
            Found = found,
            OnSwitch = onSwitch.LoadBalancers,
            AddressesInUse = onSwitch.InUse,
            HostAddresses = HostAddresses.Of(nodes, onSwitch.Servers),
            Reservations = [.. reservations
                .Where(r => string.Equals(r.OwnerUid, service.Uid, StringComparison.Ordinal) || r.SwitchId == desired.Network.SwitchId)
                .DistinctBy(r => (r.SwitchId, r.Address))],
            Draining = draining,
            Now = now,
        });
        return new ServicePlan(ServiceIntent.Ensure, plan, false, NodeFingerprint.RealServers(desired.RealServers.Select(s => s.Address.ToString())));
    }

    /// <summary>Plans a Service whose load balancer must go (deleted, or no longer type LoadBalancer).</summary>
    public static ServicePlan PlanCleanup(
        ServiceSnapshot service,
        ControllerSettings settings,
        IReadOnlyList<ObservedLoadBalancer> found,
        IReadOnlyList<AddressReservation> reservations)
    {
        ArgumentNullException.ThrowIfNull(service);
        var plan = Planner.Plan(new PlanInput
        {
            Intent = ServiceIntent.Cleanup,
            ServiceUid = service.Uid,
            Settings = settings,
            Found = found,
            Reservations = [.. reservations.Where(r => string.Equals(r.OwnerUid, service.Uid, StringComparison.Ordinal))],
        });
        return new ServicePlan(ServiceIntent.Cleanup, plan, false, "");
    }

    /// <summary>Load balancers that may be this Service's: its name, or its UID tag.</summary>
    public static IReadOnlyList<ObservedLoadBalancer> CandidatesOf(string serviceUid, IEnumerable<ObservedLoadBalancer> loadBalancers)
    {
        var name = LoadBalancerNaming.Name(serviceUid);
        return [.. loadBalancers
            .Where(lb => lb is not null
                && (string.Equals(lb.Name, name, StringComparison.Ordinal)
                    || LoadBalancerNaming.ServiceUidsOf(lb.Tags).Contains(serviceUid, StringComparer.Ordinal)))
            .DistinctBy(lb => lb.Id)];
    }
}
