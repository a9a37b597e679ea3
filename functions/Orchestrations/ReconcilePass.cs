using System.Collections.Frozen;
using Microsoft.DurableTask;
using SakuraLb.Functions.Activities;
using SakuraLb.Functions.Options;
using SakuraLb.Reconcile.Nodes;
using SakuraLb.Reconcile.Planning;
using SakuraLb.Reconcile.Scope;
using SakuraLb.Reconcile.Status;

namespace SakuraLb.Functions.Orchestrations;

/// <summary>
/// One pass: plan, execute, plan again until the plan is empty (or a step fails, times out, or the plan budget
/// is spent), then publish. Holds what the last plan was computed from, for the completion fence.
/// </summary>
/// <param name="draining">The drain the previous generation left (carried through continue-as-new).</param>
internal sealed class ReconcilePass(
    TaskOrchestrationContext context, ReconcileOptions timings, StepRunner steps, ServiceKey key, IReadOnlyList<DrainingServer> draining)
{
    /// <summary>How each kind of plan step runs: the activity it calls, with which input, and how it waits.</summary>
    private static readonly FrozenDictionary<Type, Func<ReconcilePass, PlanStep, Task<Stop?>>> StepTable = new[]
    {
        On<ReserveAddresses>((p, s) => p.ReserveAsync(s)),
        On<ReleaseAddresses>((p, s) => p.ReleaseAsync(s)),
        On<CreateLoadBalancer>((p, s) => p.CreateAsync(s)),
        On<WaitUntilUp>((p, s) => p.WaitUntilUpAsync(s.LoadBalancerId ?? p.created, justCreated: s.LoadBalancerId is null)),
        On<Boot>((p, s) => p.UntilDoneAsync(BootLoadBalancerActivity.Name, p.Target(s.LoadBalancerId), p.Timings.BootTimeout)),
        On<UpdateTags>((p, s) => p.UntilDoneAsync(
            UpdateTagsActivity.Name, new TagsInput(p.Key.ClusterId, p.Key.Uid, s.LoadBalancerId, s.Tags, s.Description), p.Timings.BootTimeout)),
        On<UpdateSettings>((p, s) => p.UntilDoneAsync(
            UpdateSettingsActivity.Name, new SettingsInput(p.Key.ClusterId, p.Key.Uid, s.LoadBalancerId, s.Settings, s.SettingsHash), p.Timings.BootTimeout)),
        On<ApplyConfig>((p, s) => (s.LoadBalancerId ?? p.created) is { } id
            ? p.UntilDoneAsync(ApplyConfigActivity.Name, p.Target(id), p.Timings.BootTimeout)
            : Task.FromResult<Stop?>(Stop.Replan)),
        On<ShutDown>((p, s) => p.UntilDoneAsync(ShutDownLoadBalancerActivity.Name, p.Target(s.LoadBalancerId), p.Timings.ShutdownTimeout)),
        On<WaitUntilDown>((p, s) => p.WaitUntilDownAsync(s.LoadBalancerId)),
        On<DeleteLoadBalancer>((p, s) => p.UntilDoneAsync(DeleteLoadBalancerActivity.Name, p.Target(s.LoadBalancerId), p.Timings.ShutdownTimeout)),
    }.ToFrozenDictionary();

    private PlanResult? last;

    // The steps of this pass that ran to completion, for the answer to a resync request.
    private readonly List<PlanStep> completed = [];

    // The addresses the plan activity took for the plan being executed (its ReserveAddresses step need not run);
    // null once a step of the plan gave addresses back, so a later step that takes them again runs.
    private IReadOnlyList<AddressReservation>? takenByPlan;

    // The progress report published beside the steps that follow it, until it is awaited.
    private Task? report;

    // The load balancer the plan being executed created (its later steps name it as null).
    private long? created;

    // Every step of the plan executed last ran to completion: the next plan verifies them.
    private bool allRan;

    // The real servers draining as the latest plan that decided a drain wrote them.
    private IReadOnlyList<DrainingServer> drainState = draining;

    public long DesiredSeq => last?.DesiredSeq ?? 0;

    /// <summary>The real servers draining after this pass: the next plan starts from them.</summary>
    public IReadOnlyList<DrainingServer> Draining => drainState;

    /// <summary>When the last plan's drained servers are due for removal; null when none drains.</summary>
    public DateTimeOffset? DrainWakeAt => last?.Plan?.Drain?.WakeAt;

    public string NodeFingerprint => last?.NodeFingerprint ?? "";

    public string RealServerHash => last?.RealServerHash ?? "";

    // The completion fence, once scheduled beside the pass's last publish (a pass that ends without a drain to wait
    // for). Scheduled in the publish's turn, it costs the Service no turn and no activity's wait of its own at the end
    // of the pass. The instance completes only after both, so a writer that finds the mark and starts the Service
    // again is accepted after this pass's publish, whose issue time is earlier than any of the next pass's.
    private Task<FenceOutcome>? fence;

    /// <summary>
    /// The completion fence on what this pass reconciled: the one scheduled beside the last publish, else one on the
    /// last plan's inputs (after a drain wait). A pass whose first plan failed (after every retry) read nothing it
    /// could report: the fence then takes the stored state as it is now, and the resync, which retries what no status
    /// reflects, picks up a change stored while the plan failed.
    /// </summary>
    public Task<FenceOutcome> FenceAsync() =>
        fence ?? (last is { DesiredSeq: > 0 } result ? CallFence(FenceOf(result)) : LoadedFenceAsync());

    /// <summary>The Service's stored state as it is now.</summary>
    public Task<DesiredState> LoadDesiredAsync() =>
        context.CallActivityAsync<DesiredState>(LoadDesiredActivity.Name, key, timings.ActivityTaskOptions());

    public async Task<ReconcileResult> RunAsync(int pass)
    {
        var logger = context.CreateReplaySafeLogger<ReconcileServiceOrchestrator>();
        try
        {
            var startedAt = context.CurrentUtcDateTime;
            for (var round = 1; round <= timings.MaxPlansPerPass + 1; round++)
            {
                var result = round == 1 ? await FirstPlanAsync(startedAt, logger) : await PlanAsync(quiet: null);
                if (!result.Exists)
                {
                    // Gone before the first plan: this generation reconciled nothing (as when the row was gone at its start).
                    return new ReconcileResult(ReconcileOutcome.Gone, last is null ? pass - 1 : pass);
                }

                last = result;
                takenByPlan = result.Reserved;
                drainState = result.Plan?.Drain?.Draining ?? drainState;
                if (result.Intent == ServiceIntent.Ignore)
                {
                    return new ReconcileResult(ReconcileOutcome.Ignored, pass);
                }

                if (result.Failure is { } failure)
                {
                    return await StopAsync(result, ServicePhase.Failed, failure.ReasonCode, failure.Message);
                }

                var plan = result.Plan!;
                logger.Planned(pass, key.Uid, plan.Steps.Count, plan.Outcome.Phase, plan.Outcome.ReasonCode);
                if (plan.IsNoOp)
                {
                    var published = PublishAsync(result, plan.Outcome.Phase, plan.Outcome.ReasonCode, plan.Outcome.Message, plan.Outcome.IngressIps,
                        plan.Outcome.FinalizerReleasable, plan.Outcome.Warnings, settled: true, interim: false, plan.Outcome.LoadBalancer);
                    if (plan.Drain?.WakeAt is null)
                    {
                        FenceBeside(result);
                    }

                    await published;
                    return new ReconcileResult(ReconcileOutcome.Converged, pass, plan.Outcome.Phase, plan.Outcome.ReasonCode);
                }

                if (round > timings.MaxPlansPerPass)
                {
                    var phase = result.Intent == ServiceIntent.Cleanup ? ServicePhase.Deleting : ServicePhase.Provisioning;
                    return await StopAsync(result, phase, ReasonCodes.Updating,
                        $"the load balancer did not converge after {timings.MaxPlansPerPass} plans; the periodic resync continues");
                }

                var stop = await ExecuteAsync(plan);
                if (stop is not null)
                {
                    return await StopAsync(result, stop.Phase, stop.ReasonCode, stop.Message);
                }
            }

            throw new InvalidOperationException("The plan loop ends by returning.");
        }
        catch (TaskFailedException ex)
        {
            // An activity failed: transiently on every attempt, or for a reason retrying cannot fix (not retried).
            // Say so, and leave the rest to the resync.
            var message = ex.FailureDetails.ErrorMessage;
            var reason = TransientFailures.IsCloudBusy(ex.FailureDetails) ? ReasonCodes.CloudBusy : ReasonCodes.CloudError;
            if (last is null)
            {
                logger.ReconcileStoppedEarly(key.Uid, message);
                return new ReconcileResult(ReconcileOutcome.Incomplete, pass, null, reason);
            }

            var attempts = TransientFailures.IsTransient(ex.FailureDetails) ? $" after {timings.ActivityRetry.MaxAttempts} attempts" : "";
            var phase = last.Intent == ServiceIntent.Cleanup ? ServicePhase.Deleting : ServicePhase.Provisioning;
            return await StopAsync(last, phase, reason, $"{ex.TaskName} failed{attempts}: {message}; the periodic resync retries");
        }
    }

    private ReconcileOptions Timings => timings;

    private Task<PlanResult> PlanAsync(NodeQuiet? quiet) =>
        context.CallActivityAsync<PlanResult>(
            ObserveAndPlanActivity.Name,
            new PlanRequest(key.ClusterId, key.Uid, drainState, new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero)) { Quiet = quiet, Verifying = allRan },
            timings.ActivityTaskOptions());

    /// <summary>
    /// The pass's first plan, which is also its first read of the stored state (no activity of its own before it):
    /// while the node set changed less than <see cref="ReconcileOptions.NodeDebounce"/> ago, the plan activity says
    /// until when to wait instead of planning, and the pass waits on a durable timer and asks again, bounded by
    /// <see cref="ReconcileOptions.NodeDebounceMax"/> from the start of the pass.
    /// </summary>
    private async Task<PlanResult> FirstPlanAsync(DateTime startedAt, ILogger logger)
    {
        var quiet = new NodeQuiet(timings.NodeDebounce, new DateTimeOffset(startedAt + timings.NodeDebounceMax, TimeSpan.Zero));
        var maxWaits = timings.NodeDebounce > TimeSpan.Zero ? (int)Math.Min(1000, (timings.NodeDebounceMax / timings.NodeDebounce) + 2) : 0;
        for (var wait = 0; ; wait++)
        {
            var result = await PlanAsync(wait < maxWaits ? quiet : null);
            if (result.QuietUntil is not { } until)
            {
                return result;
            }

            logger.NodeDebounce(key.Uid, until.UtcDateTime);
            await context.CreateTimer(until.UtcDateTime, CancellationToken.None);
        }
    }

    private ServiceKey Key => key;

    private static KeyValuePair<Type, Func<ReconcilePass, PlanStep, Task<Stop?>>> On<TStep>(Func<ReconcilePass, TStep, Task<Stop?>> run)
        where TStep : PlanStep =>
        new(typeof(TStep), (pass, step) => run(pass, (TStep)step));

    private async Task<ReconcileResult> StopAsync(PlanResult result, ServicePhase phase, string reasonCode, string message)
    {
        context.CreateReplaySafeLogger<ReconcileServiceOrchestrator>().ReconcileStoppedEarly(key.Uid, message);
        if (report is { } pending)
        {
            // A step failed while its report was in flight: the report is issued first, whatever became of it.
            report = null;
            try
            {
                await pending;
            }
            catch (TaskFailedException)
            {
                // The stop's own publish below says what happened.
            }
        }

        var published = PublishAsync(result, phase, reasonCode, message, [], false, [], settled: false, interim: false);
        FenceBeside(result);
        await published;
        return new ReconcileResult(ReconcileOutcome.Incomplete, 0, phase, reasonCode);
    }

    /// <summary>Schedules the completion fence on what <paramref name="result"/> was planned from, once per pass.</summary>
    private void FenceBeside(PlanResult result)
    {
        if (result.DesiredSeq > 0)
        {
            fence ??= CallFence(FenceOf(result));
        }
    }

    private FenceInput FenceOf(PlanResult result) =>
        new(key.ClusterId, key.Uid, result.DesiredSeq, result.NodeFingerprint, result.RealServerHash.Length > 0);

    private Task<FenceOutcome> CallFence(FenceInput input) =>
        context.CallActivityAsync<FenceOutcome>(CompletionFenceActivity.Name, input, timings.ActivityTaskOptions());

    /// <summary>The fence on the stored state as it is now (its read fails like the fence itself: skipped).</summary>
    private async Task<FenceOutcome> LoadedFenceAsync()
    {
        var desired = await LoadDesiredAsync();
        return await CallFence(new FenceInput(key.ClusterId, key.Uid, desired.DesiredSeq, desired.NodeFingerprint, NodesMatter: false));
    }

    /// <summary>
    /// Runs the steps in order; null when all ran or a step asks for a re-plan (both mean: plan again), else why the
    /// pass stops. A progress report is published beside the steps after it (the create, a boot): it is scheduled
    /// in the same turn as the next activity, so it costs the Service no turn and no activity's wait of its own. It
    /// is awaited before the plan's outcome is acted on (and before any other publish), so every later publish is
    /// issued after it and a failed report still stops the pass as before.
    /// </summary>
    private async Task<Stop?> ExecuteAsync(Plan plan)
    {
        created = null;
        allRan = false;
        foreach (var step in plan.Steps)
        {
            if (step is Report progress)
            {
                await AwaitReportAsync();
                report = ReportAsync(progress);
                completed.Add(step);
                continue;
            }

            var run = StepTable.GetValueOrDefault(step.GetType())
                ?? throw new InvalidOperationException($"Unknown plan step {step.GetType().Name}.");
            if (await run(this, step) is { } stop)
            {
                await AwaitReportAsync();
                return stop.IsReplan ? null : stop;
            }

            completed.Add(step);
        }

        await AwaitReportAsync();
        allRan = true;
        return null;
    }

    private async Task AwaitReportAsync()
    {
        var pending = report;
        report = null;
        if (pending is not null)
        {
            await pending;
        }
    }

    private Task ReportAsync(Report report) =>
        PublishAsync(last!, report.Phase, report.ReasonCode, report.Message, [], false, [], settled: false, interim: true);

    /// <summary>
    /// Takes the addresses, unless the plan activity already took exactly these for this plan: its result, recorded
    /// in the history, says so, so a replay skips the same step. The rows are this Service's until its own
    /// ReleaseAddresses step, and a plan runs only in the generation that made it, so the create that follows still
    /// holds them.
    /// </summary>
    private Task<Stop?> ReserveAsync(ReserveAddresses reserve) =>
        takenByPlan is { } taken && reserve.Addresses.All(taken.Contains)
            ? Task.FromResult<Stop?>(null)
            : OnceAsync(ReserveAddressesActivity.Name, Reservation(reserve.Addresses));

    private async Task<Stop?> CreateAsync(CreateLoadBalancer create)
    {
        var made = await context.CallActivityAsync<StepResult>(
            CreateLoadBalancerActivity.Name, new CreateInput(key.ClusterId, key.Uid, create.Spec), timings.ActivityTaskOptions());
        created = made.LoadBalancerId;
        return Interpret(made);
    }

    /// <summary>
    /// Gives the addresses back, then starts the Services waiting for an address (AddressesExhausted, VridExhausted)
    /// so they take the freed ones now rather than at the next timer pass. The wake-up is best effort: when it
    /// fails, the timer still starts them.
    /// </summary>
    private async Task<Stop?> ReleaseAsync(ReleaseAddresses release)
    {
        takenByPlan = null;
        if (await OnceAsync(ReleaseAddressesActivity.Name, Reservation(release.Addresses)) is { } stop)
        {
            return stop;
        }

        try
        {
            await context.CallActivityAsync<int>(WakeAddressWaitersActivity.Name, key, timings.ActivityTaskOptions());
        }
        catch (TaskFailedException ex)
        {
            context.CreateReplaySafeLogger<ReconcileServiceOrchestrator>().WakeFailed(key.Uid, ex.FailureDetails.ErrorMessage);
        }

        return null;
    }

    private async Task<Stop?> OnceAsync(string activity, object input) =>
        Interpret(await context.CallActivityAsync<StepResult>(activity, input, timings.ActivityTaskOptions()));

    private ReservationInput Reservation(IReadOnlyList<AddressReservation> addresses) => new(key.ClusterId, key.Uid, addresses);

    private LoadBalancerTarget Target(long loadBalancerId) => new(key.ClusterId, key.Uid, loadBalancerId);

    private static Stop? Interpret(StepResult result) => result.Status switch
    {
        StepStatus.Done => null,
        StepStatus.Conflict => Stop.Replan,
        StepStatus.Failed => new Stop(ServicePhase.Failed, result.ReasonCode ?? ReasonCodes.CloudError, result.Message ?? "a cloud call failed"),
        _ => Stop.Replan,
    };

    private async Task<Stop?> UntilDoneAsync(string name, object input, TimeSpan timeout)
    {
        var result = await steps.RunUntilDoneAsync(name, input, timeout);
        return result.Status == StepStatus.NotReady
            ? new Stop(ServicePhase.Provisioning, ReasonCodes.WaitingForCloud, $"{result.Message} after {timeout}; the periodic resync retries")
            : Interpret(result);
    }

    /// <summary>
    /// Polls until the appliance is up. A new appliance may read 404 for a while and stays down while it boots by
    /// itself; a failed one, one gone for good, or one down for longer than the grace means: plan again.
    /// </summary>
    private async Task<Stop?> WaitUntilUpAsync(long? loadBalancerId, bool justCreated)
    {
        if (loadBalancerId is not { } id)
        {
            return Stop.Replan;
        }

        var deadline = context.CurrentUtcDateTime + timings.BootTimeout;
        DateTime? missingSince = null;
        DateTime? downSince = null;
        for (var poll = 0; poll <= timings.MaxPolls(timings.BootTimeout); poll++)
        {
            var state = await context.CallActivityAsync<LoadBalancerState>(ReadLoadBalancerActivity.Name, Target(id), timings.ActivityTaskOptions());
            var now = context.CurrentUtcDateTime;
            if (state.IsUp)
            {
                return null;
            }

            if (state.IsFailed)
            {
                return Stop.Replan;
            }

            missingSince = state.Found ? null : missingSince ?? now;
            if (missingSince is { } missing && (!justCreated || now - missing > timings.NotFoundGrace))
            {
                return Stop.Replan;
            }

            var poweredOff = state.Found && state.Availability == ApplianceAvailability.Available
                && state.InstanceStatus == InstanceStatus.Down;
            downSince = poweredOff ? downSince ?? now : null;
            if (downSince is { } down && now - down > timings.PoweredOffGrace)
            {
                return Stop.Replan;
            }

            if (now >= deadline)
            {
                break;
            }

            await context.CreateTimer(timings.PollInterval, CancellationToken.None);
        }

        return new Stop(ServicePhase.Provisioning, ReasonCodes.WaitingForCloud,
            $"load balancer {id} did not come up within {timings.BootTimeout}; the periodic resync retries");
    }

    private async Task<Stop?> WaitUntilDownAsync(long loadBalancerId) =>
        await steps.WaitUntilDownAsync(Target(loadBalancerId)) is null
            ? new Stop(ServicePhase.Deleting, ReasonCodes.WaitingForCloud,
                $"load balancer {loadBalancerId} did not shut down within {timings.ShutdownTimeout}; the periodic resync retries")
            : null;

    private Task<bool> PublishAsync(
        PlanResult result,
        ServicePhase phase,
        string reasonCode,
        string message,
        IReadOnlyList<string> ingress,
        bool finalizerReleasable,
        IReadOnlyList<ValidationProblem> warnings,
        bool settled,
        bool interim,
        LoadBalancerSummary? loadBalancer = null) =>
        context.CallActivityAsync<bool>(
            PublishStatusActivity.Name,
            new PublishInput(
                new PublishContext(
                    key.ClusterId, key.Uid, result.Namespace, result.Name, result.ResourceVersion, result.DesiredSeq, result.NodeSeq,
                    result.NodeFingerprint, result.RealServerHash, settled, interim, result.FirstSeenAt, new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero))
                {
                    ResyncRequest = result.ResyncRequest,
                    RequestStoredAt = result.StoredAt,
                    Changes = ResyncChanges.Describe(completed),
                },
                new PlanOutcome(phase, reasonCode, message, ingress, finalizerReleasable, warnings, loadBalancer)),
            timings.ActivityTaskOptions());

    /// <summary>Why execution stopped: a re-plan, or a status to publish.</summary>
    private sealed record Stop(ServicePhase Phase, string ReasonCode, string Message)
    {
        public static Stop Replan { get; } = new(ServicePhase.Provisioning, "", "");

        public bool IsReplan => ReferenceEquals(this, Replan);
    }
}
