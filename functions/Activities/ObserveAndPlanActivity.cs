using SakuraLb.Functions.Cloud;
using SakuraLb.Functions.Installation;
using SakuraLb.Functions.Options;
using SakuraLb.Reconcile.Desired;
using SakuraLb.Reconcile.Nodes;
using SakuraLb.Reconcile.Planning;
using SakuraLb.Reconcile.Scope;

namespace SakuraLb.Functions.Activities;

/// <summary>A permanent cloud failure met while observing.</summary>
public sealed record CloudFailure(string ReasonCode, string Message);

/// <summary>
/// What a plan is asked for: the Service, the drain its reconcile carries from the previous plan, and the
/// orchestration's clock (the one its durable timers run on), which the drain period is measured on.
/// </summary>
public sealed record PlanRequest(string ClusterId, string Uid, IReadOnlyList<DrainingServer> Draining, DateTimeOffset Now)
{
    /// <summary>
    /// For the first plan of a pass: wait for the node set's quiet period (a burst of node changes then costs one
    /// settings write per load balancer). Null: plan at once.
    /// </summary>
    public NodeQuiet? Quiet { get; init; }

    /// <summary>
    /// Every step of the previous plan of this pass ran: this plan verifies them, and the shared reads serve it while
    /// younger than <c>Reconcile:VerifyingPlanReadAge</c>.
    /// </summary>
    public bool Verifying { get; init; }
}

/// <summary>
/// While the node set changed less than <paramref name="Period"/> before the request's clock, the plan waits (the
/// orchestration's durable timer) until the set has been quiet that long, but not past <paramref name="Latest"/>
/// (the pass's start plus <c>Reconcile:NodeDebounceMax</c>), so endless churn cannot starve the pass.
/// </summary>
public sealed record NodeQuiet(TimeSpan Period, DateTimeOffset Latest);

/// <summary>
/// A plan and what it was computed from. Recorded in the orchestration's history, so a replay executes the
/// same steps.
/// </summary>
public sealed record PlanResult
{
    public bool Exists { get; init; }

    public ServiceIntent Intent { get; init; }

    /// <summary>The Service's spec is unusable; the plan is a Failed outcome with no steps, made without any cloud request.</summary>
    public bool Invalid { get; init; }

    public Plan? Plan { get; init; }

    public CloudFailure? Failure { get; init; }

    public long DesiredSeq { get; init; }

    public long NodeSeq { get; init; }

    public string NodeFingerprint { get; init; } = "";

    public string RealServerHash { get; init; } = "";

    public string Namespace { get; init; } = "";

    public string Name { get; init; } = "";

    public string ResourceVersion { get; init; } = "";

    public DateTimeOffset FirstSeenAt { get; init; }

    /// <summary>The resync request the planned snapshot carries (<see cref="ServiceSnapshot.ResyncRequest"/>), if any.</summary>
    public string? ResyncRequest { get; init; }

    /// <summary>When the planned snapshot was stored (a resync answer counts its time from there).</summary>
    public DateTimeOffset StoredAt { get; init; }

    /// <summary>
    /// The addresses this activity already took for the plan's <see cref="ReserveAddresses"/> step (held by this
    /// Service when the plan came back), so the orchestration does not run that step again. Null when it took none,
    /// and in results recorded before the field existed: the step then runs as an activity, as it always did.
    /// </summary>
    public IReadOnlyList<AddressReservation>? Reserved { get; init; }

    /// <summary>
    /// The node set is within its quiet period (<see cref="PlanRequest.Quiet"/>): nothing was read from the cloud or
    /// planned; plan again at this time. Null when this result is a plan.
    /// </summary>
    public DateTimeOffset? QuietUntil { get; init; }
}

/// <summary>
/// Reads the stored Service and node set, reads the cloud (only when the spec is valid), and runs the pure
/// planner. When the plan reserves addresses it also takes them, planning again against fresh reservation
/// rows when another Service won the race: many concurrent creates then settle without re-reading the cloud
/// (docs/architecture.md, "Function app as built": "ObserveAndPlan also takes the addresses its plan chose").
/// </summary>
public sealed class ObserveAndPlanActivity(
    IDesiredStore desired,
    INodeSetStore nodes,
    IStatusStore statuses,
    IReservationStore reservations,
    ISakuraCloud cloud,
    RouterCache routerCache,
    OwnerIdentity owner,
    ReconcileOptions timings,
    ILogger<ObserveAndPlanActivity> logger)
{
    public const string Name = "ObserveAndPlan";

    private const int MaxReservationRaces = 10;

    public async Task<PlanResult> RunAsync(PlanRequest input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var stored = await desired.GetAsync(input.ClusterId, input.Uid, cancellationToken);
        if (stored is null)
        {
            return new PlanResult { Exists = false };
        }

        var service = stored.Snapshot;
        using var scope = logger.BeginServiceScope(service.Namespace, service.Name, service.Uid);
        var nodeSet = await nodes.GetAsync(input.ClusterId, cancellationToken);
        var result = new PlanResult
        {
            Exists = true,
            DesiredSeq = stored.Seq,
            NodeSeq = nodeSet?.Seq ?? 0,
            NodeFingerprint = nodeSet?.EligibleFingerprint ?? NodeFingerprint.Eligible(null),
            Namespace = service.Namespace,
            Name = service.Name,
            ResourceVersion = service.ResourceVersion,
            FirstSeenAt = stored.FirstSeenAt,
            ResyncRequest = service.Deleted ? null : service.ResyncRequest,
            StoredAt = stored.UpdatedAt,
        };

        if (QuietUntil(input, nodeSet) is { } until)
        {
            return result with { QuietUntil = until };
        }

        var status = await statuses.GetAsync(input.ClusterId, input.Uid, cancellationToken);
        var managed = status is not null;

        // A resync the user asked for and not yet answered reads the cloud afresh rather than what other plans share.
        var freshRead = result.ResyncRequest is { } request && status?.Status.Resync?.Request != request;

        // With the owner id, every plan writes the owner tag: a Service's load balancer without it is claimed.
        var settings = await owner.SettingsAsync(cancellationToken);
        var pre = ServicePlanning.Precheck(service, settings, managed, out var spec);
        if (pre is not null)
        {
            return With(result, pre);
        }

        var name = LoadBalancerNaming.Name(service.Uid);
        using var reads = input.Verifying && !freshRead ? SharedReadAges.Accept(timings.VerifyingPlanReadAge) : null;
        try
        {
            if (spec is null)
            {
                // The Service's load balancers (named as its own, or carrying the cluster's and its UID tags) come from
                // the account's appliance list shared in the process, as a create's do, rather than from two searches
                // of their own: a burst of deletions plans (and verifies) without a read per Service, and our own
                // deletes are in the list.
                string[] ownTags = [LoadBalancerNaming.ClusterTag(settings.ClusterId), LoadBalancerNaming.ServiceUidTag(service.Uid)];
                var found = (await cloud.ListLoadBalancersAsync(null, cancellationToken))
                    .Where(lb => string.Equals(lb.Name, name, StringComparison.Ordinal) || ownTags.All(t => lb.Tags.Contains(t, StringComparer.Ordinal)))
                    .ToList();
                var held = await reservations.ListByOwnerAsync(service.Uid, cancellationToken);
                return With(result, ServicePlanning.PlanCleanup(service, settings, found, held));
            }

            var networks = await routerCache.CandidatesAsync(cloud, spec.Network.Type, cancellationToken);
            var network = ServicePlanning.SelectNetwork(service, spec, networks, out var failure);
            if (network is null)
            {
                return With(result, failure!);
            }

            // The load balancers named as this Service's come from the account's appliance list the switch view was
            // just read from (shared in the process, our own writes in it), not from a search of their own.
            // The switch's servers are shared by the plans that know the same node set (a burst reads them once).
            var onSwitch = freshRead
                ? await cloud.ReadSwitchAsync(network, cancellationToken)
                : await cloud.ReadSwitchAsync(network, nodeSet?.Seq ?? 0, cancellationToken);
            var named = (await cloud.ListLoadBalancersAsync(null, cancellationToken)).Where(lb => string.Equals(lb.Name, name, StringComparison.Ordinal));
            var candidates = ServicePlanning.CandidatesOf(service.Uid, named.Concat(onSwitch.LoadBalancers));
            var mine = await reservations.ListByOwnerAsync(service.Uid, cancellationToken);
            var (plan, reserved) = await PlanAndReserveAsync(service, settings, nodeSet, networks, onSwitch, candidates, mine, input, cancellationToken);
            return With(result, plan) with { Reserved = reserved };
        }
        catch (SakuraApiException ex) when (!CloudErrors.IsTransient(ex))
        {
            var (code, message) = CloudStep.Permanent(ex, "observe", "reading the cloud", logger);
            return result with { Failure = new CloudFailure(code, message) };
        }
    }

    /// <summary>The plan, and the addresses of its reservation step when they were taken (null when not).</summary>
    private async Task<(ServicePlan Plan, IReadOnlyList<AddressReservation>? Reserved)> PlanAndReserveAsync(
        ServiceSnapshot service,
        ControllerSettings settings,
        NodeSetRecord? nodeSet,
        NetworkCandidates networks,
        SwitchView onSwitch,
        IReadOnlyList<ObservedLoadBalancer> candidates,
        IReadOnlyList<AddressReservation> mine,
        PlanRequest request,
        CancellationToken cancellationToken)
    {
        var nodeList = nodeSet?.Snapshot.Nodes ?? [];
        var others = await reservations.ListBySwitchAsync(onSwitch.SwitchId, cancellationToken);
        for (var race = 0; ; race++)
        {
            var plan = ServicePlanning.PlanEnsure(
                service, settings, nodeList, networks, onSwitch, candidates, [.. mine, .. others], request.Draining ?? [], request.Now);
            var reserve = plan.Plan?.Steps.OfType<ReserveAddresses>().FirstOrDefault();
            if (reserve is null || race >= MaxReservationRaces)
            {
                // Nothing to take, or every race lost: then the step runs, fails with a conflict, and plans again.
                return (plan, null);
            }

            var outcome = await reservations.TryReserveAsync(reserve.Addresses, cancellationToken);
            if (outcome.Succeeded)
            {
                return (plan, reserve.Addresses);
            }

            logger.ReservationConflict(service.Uid, string.Join(", ", outcome.Conflicts.Select(c => $"{c.Address} held by {c.OwnerUid}")));
            others = await reservations.ListBySwitchAsync(onSwitch.SwitchId, cancellationToken);
        }
    }

    /// <summary>When the plan is to wait for the node set's quiet period, until when; null to plan now.</summary>
    private static DateTimeOffset? QuietUntil(PlanRequest input, NodeSetRecord? nodeSet)
    {
        if (input.Quiet is not { } quiet || nodeSet is null)
        {
            return null;
        }

        var quietAt = nodeSet.ChangedAt + quiet.Period;
        if (quietAt <= input.Now || input.Now >= quiet.Latest)
        {
            return null;
        }

        return quietAt < quiet.Latest ? quietAt : quiet.Latest;
    }

    private static PlanResult With(PlanResult result, ServicePlan plan) => result with
    {
        Intent = plan.Intent,
        Invalid = plan.Invalid,
        Plan = plan.Plan,
        RealServerHash = plan.RealServerHash,
    };
}
