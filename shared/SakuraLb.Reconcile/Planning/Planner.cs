using SakuraLb.Reconcile.Desired;
using SakuraLb.Reconcile.Nodes;
using SakuraLb.Reconcile.Scope;

namespace SakuraLb.Reconcile.Planning;

/// <summary>Desired and actual state of one Service's load balancer, as read just before planning.</summary>
public sealed record PlanInput
{
    /// <summary>Ensure or Cleanup (<see cref="ServiceScope.Classify"/>); Ignore is never planned.</summary>
    public required ServiceIntent Intent { get; init; }

    public required string ServiceUid { get; init; }

    public required ControllerSettings Settings { get; init; }

    /// <summary>Required for Ensure: the builder's output.</summary>
    public DesiredLoadBalancer? Desired { get; init; }

    /// <summary>Warnings from the builder, carried into the outcome.</summary>
    public IReadOnlyList<ValidationProblem> BuildWarnings { get; init; } = [];

    /// <summary>Appliances found by this Service's name or UID tag (foreign ones included: they are reported).</summary>
    public IReadOnlyList<ObservedLoadBalancer> Found { get; init; } = [];

    /// <summary>Every load balancer on the desired network's switch (VRIDs).</summary>
    public IReadOnlyList<ObservedLoadBalancer> OnSwitch { get; init; } = [];

    /// <summary>Every address in use on the desired network's switch, this Service's appliances included.</summary>
    public IReadOnlyCollection<Ipv4Address> AddressesInUse { get; init; } = [];

    /// <summary>Every address of every node and of every server on the switch, with who holds it (<see cref="Nodes.HostAddresses"/>): in use too.</summary>
    public IReadOnlyDictionary<Ipv4Address, string> HostAddresses { get; init; } = new Dictionary<Ipv4Address, string>();

    /// <summary>This Service's reservations (any switch) and other Services' reservations on the desired switch.</summary>
    public IReadOnlyList<AddressReservation> Reservations { get; init; } = [];

    /// <summary>The real servers draining since the previous plan (<see cref="Plan.Drain"/>); empty when unknown.</summary>
    public IReadOnlyList<DrainingServer> Draining { get; init; } = [];

    /// <summary>When the plan is made: the clock the drain period is measured on.</summary>
    public DateTimeOffset Now { get; init; }
}

/// <summary>
/// Desired + actual → ordered steps and an outcome. Pure: the orchestration executes the steps with
/// activities and plans again; when nothing differs there are no steps.
/// </summary>
/// <remarks>
/// Rules: a failed appliance is deleted and created again (keeping its VIP); a migrating one is waited
/// for; a stopped one is booted; plan, HA, router or switch changes (and a switch-type Service's ranges) need the opt-in annotation
/// (otherwise reported as RecreateRequired while the running appliance keeps being updated in place);
/// an appliance with another cluster's tag is never touched; one with exactly our name and no cluster tag
/// is adopted; extra appliances of the same Service are deleted; a VIP changed behind our back is put
/// back while the Service's address is still free; reservations end up equal to the addresses of the
/// Service's appliance.
/// </remarks>
public static class Planner
{
    public static Plan Plan(PlanInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Intent switch
        {
            ServiceIntent.Ensure => new EnsurePlanner(input).Run(),
            ServiceIntent.Cleanup => PlanCleanup(input),
            _ => new Plan([], new PlanOutcome(ServicePhase.Deleted, ReasonCodes.Deleted, "the Service is not handled by this controller", [], true, []), false),
        };
    }

    /// <summary>The outcome for a Service whose spec is invalid: nothing is changed, every problem is reported.</summary>
    public static Plan Invalid(IReadOnlyList<ValidationProblem> errors, IReadOnlyList<ValidationProblem> warnings, IReadOnlyList<string> currentIngress)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var first = errors.Count > 0 ? errors[0].Code : ReasonCodes.InvalidAnnotation;
        return new Plan(
            [],
            new PlanOutcome(ServicePhase.Failed, first, string.Join("; ", errors.Select(e => e.Message)), currentIngress, false, warnings),
            false);
    }

    private static Plan PlanCleanup(PlanInput input)
    {
        var steps = new List<PlanStep>();
        var warnings = new List<ValidationProblem>();
        var (mine, foreign) = Classify(input);
        ReportForeign(foreign, warnings);

        var waiting = false;
        var teardown = new List<PlanStep>();
        foreach (var lb in mine)
        {
            if (IsTransitional(lb))
            {
                teardown.Add(new WaitUntilUp(lb.Id, lb.Name));
                waiting = true;
                continue;
            }

            teardown.AddRange(Teardown(lb));
        }

        if (teardown.Count > 0)
        {
            steps.Add(new Report(ServicePhase.Deleting, ReasonCodes.Deleting, $"deleting load balancer {string.Join(", ", mine.Select(l => $"{l.Name} ({l.Id})"))}"));
            steps.AddRange(teardown);
        }

        var held = Mine(input);
        if (waiting)
        {
            return new Plan(steps, new PlanOutcome(ServicePhase.Deleting, ReasonCodes.WaitingForCloud, "waiting for the appliance to finish its transition before deleting it", [], false, warnings), true);
        }

        if (held.Count > 0)
        {
            steps.Add(new ReleaseAddresses(held));
        }

        return new Plan(steps, new PlanOutcome(ServicePhase.Deleted, ReasonCodes.Deleted, "the load balancer and its addresses are gone", [], true, warnings), false);
    }

    internal static (List<ObservedLoadBalancer> Mine, List<ObservedLoadBalancer> Foreign) Classify(PlanInput input)
    {
        var mine = new List<ObservedLoadBalancer>();
        var foreign = new List<ObservedLoadBalancer>();
        foreach (var lb in input.Found.Where(l => l is not null).DistinctBy(l => l.Id).OrderBy(l => l.Id))
        {
            switch (LoadBalancerOwnership.Classify(lb, input.Settings.ClusterId, input.ServiceUid))
            {
                case Ownership.Ours:
                case Ownership.Adoptable:
                    mine.Add(lb);
                    break;
                case Ownership.Foreign:
                    foreign.Add(lb);
                    break;
                default:
                    break;
            }
        }

        return (mine, foreign);
    }

    internal static void ReportForeign(List<ObservedLoadBalancer> foreign, List<ValidationProblem> warnings)
    {
        if (foreign.Count == 0)
        {
            return;
        }

        var which = string.Join(", ", foreign.Select(l =>
            $"{l.Name} ({l.Id}, cluster tag {string.Join("/", LoadBalancerNaming.ClusterIdsOf(l.Tags).DefaultIfEmpty("none"))})"));
        warnings.Add(new ValidationProblem(
            ReasonCodes.ForeignOwner,
            $"load balancer {which} has this Service's name but belongs to another cluster; it is left in place"));
    }

    internal static List<AddressReservation> Mine(PlanInput input) =>
        [.. input.Reservations
            .Where(r => r is not null && string.Equals(r.OwnerUid, input.ServiceUid, StringComparison.Ordinal))
            .DistinctBy(r => (r.SwitchId, r.Address))
            .OrderBy(r => r.SwitchId).ThenBy(r => r.Address)];

    internal static bool IsFailed(ObservedLoadBalancer lb) =>
        lb.Availability is ApplianceAvailability.Failed or ApplianceAvailability.Discontinued;

    internal static bool IsTransitional(ObservedLoadBalancer lb) =>
        !IsFailed(lb) && lb.Availability != ApplianceAvailability.Available;

    /// <summary>Stop (if it may be running), wait for down, delete.</summary>
    internal static IEnumerable<PlanStep> Teardown(ObservedLoadBalancer lb)
    {
        var failed = IsFailed(lb);
        switch (lb.InstanceStatus)
        {
            case InstanceStatus.Up:
            case InstanceStatus.Unknown when !failed:
                yield return new ShutDown(lb.Id);
                yield return new WaitUntilDown(lb.Id);
                break;
            case InstanceStatus.Cleaning:
                yield return new WaitUntilDown(lb.Id);
                break;
            default:
                break;
        }

        yield return new DeleteLoadBalancer(lb.Id);
    }
}
