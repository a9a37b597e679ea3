using Microsoft.DurableTask;
using NSubstitute;
using SakuraLb.Functions.Activities;
using SakuraLb.Functions.Options;
using SakuraLb.Reconcile.Addressing;
using SakuraLb.Reconcile.Nodes;
using SakuraLb.Reconcile.Observed;
using SakuraLb.Reconcile.Planning;
using SakuraLb.Reconcile.Scope;

namespace SakuraLb.Functions.Tests.Orchestrations;

/// <summary>The orchestrator's control flow against a substitute context (no engine, no cloud).</summary>
public sealed class ReconcileOrchestratorTests
{
    private static readonly DateTime Now = new(2026, 11, 26, 12, 0, 0, DateTimeKind.Utc);
    private static readonly ReconcileInput Input = new("c1", "u1");
    private static readonly ReconcileOptions Timings = new() { PollInterval = TimeSpan.FromMilliseconds(1), NodeDebounce = TimeSpan.FromSeconds(2) };

    private static TaskOrchestrationContext Context()
    {
        var context = Substitute.For<TaskOrchestrationContext>();
        context.CurrentUtcDateTime.Returns(Now);
        context.CreateTimer(Arg.Any<DateTime>(), Arg.Any<CancellationToken>()).Returns(Task.CompletedTask);
        context.CreateTimer(Arg.Any<TimeSpan>(), Arg.Any<CancellationToken>()).Returns(Task.CompletedTask);
        context.CallActivityAsync<bool>(Arg.Is<TaskName>(n => n.Name == PublishStatusActivity.Name), Arg.Any<object?>(), Arg.Any<TaskOptions?>()).Returns(true);
        return context;
    }

    private static void Returns<T>(TaskOrchestrationContext context, string activity, T first, params T[] then) =>
        context.CallActivityAsync<T>(Arg.Is<TaskName>(n => n.Name == activity), Arg.Any<object?>(), Arg.Any<TaskOptions?>()).Returns(first, then);

    private static DesiredState Desired(long seq) => new(true, seq, 1, "nf", DateTimeOffset.UnixEpoch);

    private static PlanResult PlanOf(long seq, params PlanStep[] steps) => new()
    {
        Exists = true,
        Intent = ServiceIntent.Ensure,
        DesiredSeq = seq,
        NodeFingerprint = "nf",
        RealServerHash = "rs",
        Plan = new Plan(steps, new PlanOutcome(ServicePhase.Ready, ReasonCodes.Ready, "ok", ["203.0.113.104"], false, []), false),
    };

    private static List<T> Inputs<T>(TaskOrchestrationContext context, string activity) =>
        [.. context.ReceivedCalls()
            .Where(c => c.GetMethodInfo().Name == nameof(TaskOrchestrationContext.CallActivityAsync) && c.GetArguments()[0] is TaskName n && n.Name == activity)
            .Select(c => (T)c.GetArguments()[1]!)];

    [Fact]
    public async Task RunAsync_ServiceGone_EndsAfterTheFirstPlanActivity_WithoutPublishingOrFencing()
    {
        var context = Context();
        Returns(context, ObserveAndPlanActivity.Name, new PlanResult { Exists = false });

        var result = await new ReconcileServiceOrchestrator(Timings).RunAsync(context, Input with { Pass = 2 });

        Assert.Equal((ReconcileOutcome.Gone, 1), (result.Outcome, result.Passes));
        Assert.Single(Inputs<PlanRequest>(context, ObserveAndPlanActivity.Name));
        Assert.Empty(Inputs<PublishInput>(context, PublishStatusActivity.Name));
        Assert.Empty(Inputs<FenceInput>(context, CompletionFenceActivity.Name));
    }

    [Fact]
    public async Task RunAsync_FirstActivity_IsThePlan_WhichWaitsOutANodeBurstItself()
    {
        var context = OnePass(FenceOutcome.Idle);

        await new ReconcileServiceOrchestrator(Timings).RunAsync(context, Input);

        var calls = context.ReceivedCalls().Where(c => c.GetMethodInfo().Name == nameof(TaskOrchestrationContext.CallActivityAsync))
            .Select(c => ((TaskName)c.GetArguments()[0]!).Name).ToList();
        Assert.Equal(ObserveAndPlanActivity.Name, calls[0]);
        Assert.DoesNotContain(LoadDesiredActivity.Name, calls);
        var first = Inputs<PlanRequest>(context, ObserveAndPlanActivity.Name)[0];
        Assert.Equal(new NodeQuiet(Timings.NodeDebounce, new DateTimeOffset(Now + Timings.NodeDebounceMax, TimeSpan.Zero)), first.Quiet);
    }

    [Fact]
    public async Task RunAsync_CreatePlan_WaitsAndAppliesOnTheCreatedLoadBalancer_ThenVerifiesAndPublishes()
    {
        var context = Context();
        Returns(context, LoadDesiredActivity.Name, Desired(1));
        var creation = new LoadBalancerCreation
        {
            Name = "au1", Description = "d", Tags = [], OwnAddresses = [Ipv4Address.Parse("203.0.113.103")],
            Vip = Ipv4Address.Parse("203.0.113.104"), Settings = [],
        };
        Returns(context, ObserveAndPlanActivity.Name, PlanOf(1, new CreateLoadBalancer(creation), new WaitUntilUp(null, "au1"), new ApplyConfig(null)), PlanOf(1));
        Returns(context, CreateLoadBalancerActivity.Name, StepResult.Done(42));
        Returns(context, ApplyConfigActivity.Name, StepResult.NotReady("not yet"), StepResult.Done(42));
        Returns(context, ReadLoadBalancerActivity.Name,
            new LoadBalancerState(false, 42, ApplianceAvailability.Unknown, InstanceStatus.Unknown),
            new LoadBalancerState(true, 42, ApplianceAvailability.Migrating, InstanceStatus.Down),
            new LoadBalancerState(true, 42, ApplianceAvailability.Available, InstanceStatus.Up));

        var result = await new ReconcileServiceOrchestrator(Timings).RunAsync(context, Input);

        Assert.Equal((ReconcileOutcome.Converged, 1, ServicePhase.Ready), (result.Outcome, result.Passes, result.Phase));
        Assert.Equal(3, Inputs<LoadBalancerTarget>(context, ReadLoadBalancerActivity.Name).Count);
        Assert.Equal([42L, 42L], Inputs<LoadBalancerTarget>(context, ApplyConfigActivity.Name).Select(t => t.LoadBalancerId));
        var published = Assert.Single(Inputs<PublishInput>(context, PublishStatusActivity.Name));
        Assert.Equal((ServicePhase.Ready, true, false, 1L), (published.Outcome.Phase, published.Context.Settled, published.Context.Interim, published.Context.DesiredSeq));
        Assert.Equal(2, Inputs<PlanRequest>(context, ObserveAndPlanActivity.Name).Count);
    }

    [Fact]
    public async Task RunAsync_PlanAfterEveryStepRan_IsVerifying_TheFirstIsNot()
    {
        var context = Context();
        Returns(context, ObserveAndPlanActivity.Name, PlanOf(1, new ApplyConfig(42)), PlanOf(1));
        Returns(context, ApplyConfigActivity.Name, StepResult.Done(42));

        await new ReconcileServiceOrchestrator(Timings).RunAsync(context, Input);

        Assert.Equal([false, true], Inputs<PlanRequest>(context, ObserveAndPlanActivity.Name).Select(r => r.Verifying));
    }

    [Fact]
    public async Task RunAsync_PlanAfterAConflict_IsNotVerifying_ThePlanAfterTheRetriedWriteIs()
    {
        var context = Context();
        var write = new UpdateSettings(42, [], "hash");
        Returns(context, ObserveAndPlanActivity.Name, PlanOf(1, write), PlanOf(1, write), PlanOf(1));
        Returns(context, UpdateSettingsActivity.Name, StepResult.Conflict("changed since read"), StepResult.Done(42));

        var result = await new ReconcileServiceOrchestrator(Timings).RunAsync(context, Input);

        Assert.Equal(ReconcileOutcome.Converged, result.Outcome);
        Assert.Equal([false, false, true], Inputs<PlanRequest>(context, ObserveAndPlanActivity.Name).Select(r => r.Verifying));
    }

    private static readonly AddressReservation[] Vip = [new(7, Ipv4Address.Parse("203.0.113.104"), "u1", AddressRole.Vip)];

    /// <summary>A create whose plan reserves <see cref="Vip"/> first (with <paramref name="before"/> ahead of it), then verifies empty.</summary>
    private static TaskOrchestrationContext ReservingCreate(IReadOnlyList<AddressReservation>? reservedByPlan, params PlanStep[] before)
    {
        var context = Context();
        Returns(context, LoadDesiredActivity.Name, Desired(1));
        var creation = new LoadBalancerCreation { Name = "au1", Description = "d", Tags = [], OwnAddresses = [], Vip = Vip[0].Address, Settings = [] };
        Returns(context, ObserveAndPlanActivity.Name,
            PlanOf(1, [.. before, new ReserveAddresses(Vip), new CreateLoadBalancer(creation)]) with { Reserved = reservedByPlan }, PlanOf(1));
        Returns(context, ReserveAddressesActivity.Name, StepResult.Done());
        Returns(context, ReleaseAddressesActivity.Name, StepResult.Done());
        Returns(context, CreateLoadBalancerActivity.Name, StepResult.Done(42));
        return context;
    }

    [Fact]
    public async Task RunAsync_PlanActivityTookTheAddresses_CreatesWithoutTakingThemAgain()
    {
        var context = ReservingCreate(Vip);

        var result = await new ReconcileServiceOrchestrator(Timings).RunAsync(context, Input);

        Assert.Equal(ReconcileOutcome.Converged, result.Outcome);
        Assert.Empty(Inputs<ReservationInput>(context, ReserveAddressesActivity.Name));
        Assert.Single(Inputs<CreateInput>(context, CreateLoadBalancerActivity.Name));
    }

    public static TheoryData<string> StillReserving => ["recorded before the plan took addresses", "took other addresses", "released first"];

    [Theory]
    [MemberData(nameof(StillReserving))]
    public async Task RunAsync_AddressesNotHeldFromThePlan_TakesThemBeforeTheCreate(string why)
    {
        var context = why switch
        {
            "recorded before the plan took addresses" => ReservingCreate(null),
            "took other addresses" => ReservingCreate([Vip[0] with { Address = Ipv4Address.Parse("203.0.113.105") }]),
            _ => ReservingCreate(Vip, new ReleaseAddresses(Vip)),
        };

        await new ReconcileServiceOrchestrator(Timings).RunAsync(context, Input);

        Assert.Equal(Vip, Assert.Single(Inputs<ReservationInput>(context, ReserveAddressesActivity.Name)).Addresses);
        Assert.Single(Inputs<CreateInput>(context, CreateLoadBalancerActivity.Name));
    }

    private static List<object?> ContinuedWith(TaskOrchestrationContext context) =>
        [.. context.ReceivedCalls().Where(c => c.GetMethodInfo().Name == nameof(TaskOrchestrationContext.ContinueAsNew)).Select(c => c.GetArguments()[0])];

    /// <summary>A pass that converges at once on desired Seq <paramref name="planned"/>, and what its fence finds.</summary>
    private static TaskOrchestrationContext OnePass(FenceOutcome fence, long planned = 1)
    {
        var context = Context();
        Returns(context, LoadDesiredActivity.Name, Desired(1));
        Returns(context, ObserveAndPlanActivity.Name, PlanOf(planned));
        Returns(context, CompletionFenceActivity.Name, fence);
        return context;
    }

    [Fact]
    public async Task RunAsync_Converged_PassesTheFenceWithWhatTheLastPlanReconciled_AndCompletes()
    {
        var context = OnePass(FenceOutcome.Idle, planned: 3);

        var result = await new ReconcileServiceOrchestrator(Timings).RunAsync(context, Input);

        Assert.Equal((ReconcileOutcome.Converged, 1), (result.Outcome, result.Passes));
        Assert.Equal([new FenceInput("c1", "u1", 3, "nf", NodesMatter: true)], Inputs<FenceInput>(context, CompletionFenceActivity.Name));
        Assert.Empty(ContinuedWith(context));
    }

    /// <summary>A pass that converges with a server draining until ten seconds from now.</summary>
    private static (TaskOrchestrationContext Context, IReadOnlyList<DrainingServer> Draining) DrainingPass(params DesiredState[] loads)
    {
        var context = Context();
        IReadOnlyList<DrainingServer> draining = [new DrainingServer("203.0.113.102", Now)];
        Returns(context, LoadDesiredActivity.Name, loads[0], loads[1..]);
        Returns(context, ObserveAndPlanActivity.Name, PlanOf(1) with
        {
            Plan = PlanOf(1).Plan! with { Drain = new DrainDecision(["203.0.113.100"], draining, [], Now.AddSeconds(10)) },
        });
        return (context, draining);
    }

    [Fact]
    public async Task RunAsync_ConvergedWithADrainPending_WaitsOnDurableTimersUntilItIsDue_ThenContinuesCarryingIt()
    {
        var (context, draining) = DrainingPass(Desired(1));

        var result = await new ReconcileServiceOrchestrator(Timings).RunAsync(context, Input);

        Assert.Equal(ReconcileOutcome.Continued, result.Outcome);
        Assert.Equal([Input with { Draining = draining }], ContinuedWith(context));
        Assert.Empty(Inputs<FenceInput>(context, CompletionFenceActivity.Name));
        await context.Received().CreateTimer(Now + Timings.DrainRecheckInterval, Arg.Any<CancellationToken>());
        Assert.Equal([("c1", "u1", 0, new DateTimeOffset(Now, TimeSpan.Zero))], Inputs<PlanRequest>(context, ObserveAndPlanActivity.Name).Select(r => (r.ClusterId, r.Uid, r.Draining.Count, r.Now)));
    }

    [Fact]
    public async Task RunAsync_ServiceMovesDuringADrain_ContinuesAtOnceWithTheNextPass_CarryingTheDrain()
    {
        var (context, draining) = DrainingPass(Desired(2));

        var result = await new ReconcileServiceOrchestrator(Timings).RunAsync(context, Input);

        Assert.Equal(ReconcileOutcome.Continued, result.Outcome);
        Assert.Equal([Input with { Pass = 2, Draining = draining }], ContinuedWith(context));
        await context.Received(1).CreateTimer(Arg.Any<DateTime>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task RunAsync_FenceFindsNewerState_ContinuesAsNewWithTheNextPass()
    {
        var context = OnePass(FenceOutcome.Moved);

        var result = await new ReconcileServiceOrchestrator(Timings).RunAsync(context, Input with { Pass = 3 });

        Assert.Equal(ReconcileOutcome.Continued, result.Outcome);
        Assert.Equal([Input with { Pass = 4 }], ContinuedWith(context));
        Assert.Equal([1L], Inputs<PublishInput>(context, PublishStatusActivity.Name).Select(p => p.Context.DesiredSeq));
    }

    [Fact]
    public async Task RunAsync_FenceFindsNewerStateOnTheLastPass_CompletesAsMaxPasses()
    {
        var context = OnePass(FenceOutcome.Moved);

        var result = await new ReconcileServiceOrchestrator(Timings).RunAsync(context, Input with { Pass = Timings.MaxPasses });

        Assert.Equal((ReconcileOutcome.MaxPasses, Timings.MaxPasses), (result.Outcome, result.Passes));
        Assert.Empty(ContinuedWith(context));
    }

    [Theory]
    [InlineData(typeof(CloudBusyException), ReasonCodes.CloudBusy, true)]
    [InlineData(typeof(TransientFailureException), ReasonCodes.CloudError, true)]
    [InlineData(typeof(InvalidOperationException), ReasonCodes.CloudError, false)]
    public async Task RunAsync_ActivityFailed_StatusSaysWhyByTheFailuresType(Type failure, string reason, bool retried)
    {
        var context = Context();
        Returns(context, LoadDesiredActivity.Name, Desired(1));
        var creation = new LoadBalancerCreation { Name = "au1", Description = "d", Tags = [], OwnAddresses = [], Settings = [] };
        Returns(context, ObserveAndPlanActivity.Name, PlanOf(1, new CreateLoadBalancer(creation)));
        context.CallActivityAsync<StepResult>(Arg.Is<TaskName>(n => n.Name == CreateLoadBalancerActivity.Name), Arg.Any<object?>(), Arg.Any<TaskOptions?>())
            .Returns(Task.FromException<StepResult>(new TaskFailedException(
                CreateLoadBalancerActivity.Name, 1, new TaskFailureDetails(failure.FullName!, "it broke (busy, locked)", null, null, null))));

        var result = await new ReconcileServiceOrchestrator(Timings).RunAsync(context, Input);

        Assert.Equal((ReconcileOutcome.Incomplete, reason), (result.Outcome, result.ReasonCode));
        var published = Assert.Single(Inputs<PublishInput>(context, PublishStatusActivity.Name));
        Assert.Equal((reason, retried), (published.Outcome.ReasonCode, published.Outcome.Message.Contains($"after {Timings.ActivityRetry.MaxAttempts} attempts", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RunAsync_PermanentCloudFailure_PublishesFailedUnsettled()
    {
        var context = Context();
        Returns(context, LoadDesiredActivity.Name, Desired(1));
        var creation = new LoadBalancerCreation { Name = "au1", Description = "d", Tags = [], OwnAddresses = [], Settings = [] };
        Returns(context, ObserveAndPlanActivity.Name, PlanOf(1, new CreateLoadBalancer(creation), new WaitUntilUp(null, "au1")));
        Returns(context, CreateLoadBalancerActivity.Name, StepResult.Failed(ReasonCodes.AuthFailed, "bad token"));

        var result = await new ReconcileServiceOrchestrator(Timings).RunAsync(context, Input);

        Assert.Equal((ReconcileOutcome.Incomplete, ReasonCodes.AuthFailed), (result.Outcome, result.ReasonCode));
        var published = Assert.Single(Inputs<PublishInput>(context, PublishStatusActivity.Name));
        Assert.Equal((ServicePhase.Failed, ReasonCodes.AuthFailed, false), (published.Outcome.Phase, published.Outcome.ReasonCode, published.Context.Settled));
        Assert.Empty(Inputs<LoadBalancerTarget>(context, ReadLoadBalancerActivity.Name));
    }

    [Fact]
    public async Task RunAsync_RecentNodeChange_WaitsUntilThePlanActivitySaysTheSetIsQuiet_ThenPlans()
    {
        var context = Context();
        var quietAt = new DateTimeOffset(Now.AddMilliseconds(1500), TimeSpan.Zero);
        Returns(context, ObserveAndPlanActivity.Name, new PlanResult { Exists = true, DesiredSeq = 1, QuietUntil = quietAt }, PlanOf(1));

        var result = await new ReconcileServiceOrchestrator(Timings).RunAsync(context, Input);

        Assert.Equal(ReconcileOutcome.Converged, result.Outcome);
        await context.Received(1).CreateTimer(quietAt.UtcDateTime, Arg.Any<CancellationToken>());
        Assert.Equal(2, Inputs<PlanRequest>(context, ObserveAndPlanActivity.Name).Count);
        Assert.DoesNotContain(Inputs<PublishInput>(context, PublishStatusActivity.Name), p => p.Context.Interim);
    }

    [Fact]
    public async Task RunAsync_NodesNeverQuiet_PlansAnywayAfterTheBoundedWaits()
    {
        var context = Context();
        var quiet = new PlanResult { Exists = true, DesiredSeq = 1, QuietUntil = new DateTimeOffset(Now.AddSeconds(1), TimeSpan.Zero) };
        context.CallActivityAsync<PlanResult>(Arg.Is<TaskName>(n => n.Name == ObserveAndPlanActivity.Name), Arg.Any<object?>(), Arg.Any<TaskOptions?>())
            .Returns(call => Task.FromResult(((PlanRequest)call.ArgAt<object?>(1)!).Quiet is null ? PlanOf(1) : quiet));

        var result = await new ReconcileServiceOrchestrator(Timings).RunAsync(context, Input);

        Assert.Equal(ReconcileOutcome.Converged, result.Outcome);
        var maxWaits = (int)(Timings.NodeDebounceMax / Timings.NodeDebounce) + 2;
        Assert.Equal(maxWaits + 1, Inputs<PlanRequest>(context, ObserveAndPlanActivity.Name).Count);
    }

    [Fact]
    public async Task RunAsync_FirstPlanFailed_FencesOnTheStoredStateReadThen()
    {
        var context = Context();
        Returns(context, LoadDesiredActivity.Name, Desired(4));
        context.CallActivityAsync<PlanResult>(Arg.Is<TaskName>(n => n.Name == ObserveAndPlanActivity.Name), Arg.Any<object?>(), Arg.Any<TaskOptions?>())
            .Returns(Task.FromException<PlanResult>(new TaskFailedException(
                ObserveAndPlanActivity.Name, 1, new TaskFailureDetails(typeof(TransientFailureException).FullName!, "busy", null, null, null))));

        var result = await new ReconcileServiceOrchestrator(Timings).RunAsync(context, Input);

        Assert.Equal(ReconcileOutcome.Incomplete, result.Outcome);
        Assert.Equal([new FenceInput("c1", "u1", 4, "nf", NodesMatter: false)], Inputs<FenceInput>(context, CompletionFenceActivity.Name));
    }

    /// <summary>Publishes of the kind <paramref name="interim"/> stay pending until the returned source completes them.</summary>
    private static TaskCompletionSource<bool> HoldPublishes(TaskOrchestrationContext context, bool interim)
    {
        var held = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        context.CallActivityAsync<bool>(Arg.Is<TaskName>(n => n.Name == PublishStatusActivity.Name), Arg.Any<object?>(), Arg.Any<TaskOptions?>())
            .Returns(call => ((PublishInput)call.ArgAt<object?>(1)!).Context.Interim == interim ? held.Task : Task.FromResult(true));
        return held;
    }

    [Fact]
    public async Task RunAsync_CreateAfterAProgressReport_IsScheduledBeforeTheReportCompletes_AndWaitsForIt()
    {
        var context = ReservingCreate(Vip, new Report(ServicePhase.Provisioning, ReasonCodes.Provisioning, "creating"));
        var report = HoldPublishes(context, interim: true);

        var running = new ReconcileServiceOrchestrator(Timings).RunAsync(context, Input);

        Assert.Single(Inputs<CreateInput>(context, CreateLoadBalancerActivity.Name));
        Assert.False(running.IsCompleted);
        Assert.Single(Inputs<PlanRequest>(context, ObserveAndPlanActivity.Name));
        report.SetResult(true);
        Assert.Equal(ReconcileOutcome.Converged, (await running).Outcome);
        Assert.Equal([true, false], Inputs<PublishInput>(context, PublishStatusActivity.Name).Select(p => p.Context.Interim));
    }

    [Fact]
    public async Task RunAsync_Converged_SchedulesTheFenceBeforeTheLastPublishCompletes_AndCompletesAfterBoth()
    {
        var context = OnePass(FenceOutcome.Idle, planned: 3);
        var publish = HoldPublishes(context, interim: false);

        var running = new ReconcileServiceOrchestrator(Timings).RunAsync(context, Input);

        Assert.Equal([new FenceInput("c1", "u1", 3, "nf", NodesMatter: true)], Inputs<FenceInput>(context, CompletionFenceActivity.Name));
        Assert.False(running.IsCompleted);
        publish.SetResult(true);
        Assert.Equal(ReconcileOutcome.Converged, (await running).Outcome);
        Assert.Single(Inputs<FenceInput>(context, CompletionFenceActivity.Name));
    }

    [Fact]
    public async Task RunAsync_StoppedEarly_SchedulesTheFenceBesideTheStopsPublish_Once()
    {
        var context = Context();
        Returns(context, LoadDesiredActivity.Name, Desired(1));
        var creation = new LoadBalancerCreation { Name = "au1", Description = "d", Tags = [], OwnAddresses = [], Settings = [] };
        Returns(context, ObserveAndPlanActivity.Name, PlanOf(2, new CreateLoadBalancer(creation)));
        Returns(context, CreateLoadBalancerActivity.Name, StepResult.Failed(ReasonCodes.AuthFailed, "bad token"));
        var publish = HoldPublishes(context, interim: false);

        var running = new ReconcileServiceOrchestrator(Timings).RunAsync(context, Input);

        Assert.Equal([new FenceInput("c1", "u1", 2, "nf", NodesMatter: true)], Inputs<FenceInput>(context, CompletionFenceActivity.Name));
        publish.SetResult(true);
        Assert.Equal(ReconcileOutcome.Incomplete, (await running).Outcome);
        Assert.Single(Inputs<FenceInput>(context, CompletionFenceActivity.Name));
    }
}
