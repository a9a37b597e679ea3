using Microsoft.DurableTask;
using SakuraLb.Functions.Activities;
using SakuraLb.Functions.Options;
using SakuraLb.Reconcile.Planning;
using SakuraLb.Reconcile.Scope;

namespace SakuraLb.Functions.Orchestrations;

public sealed record ReconcileInput(string ClusterId, string Uid);

/// <summary>How a reconcile ended (also its orchestration output).</summary>
public sealed record ReconcileResult(string Outcome, int Passes, ServicePhase? Phase = null, string? ReasonCode = null);

/// <summary>The closed set of <see cref="ReconcileResult.Outcome"/> values.</summary>
public static class ReconcileOutcomes
{
    /// <summary>The plan became empty and the status was published.</summary>
    public const string Converged = "converged";

    /// <summary>The desired row is gone (purged): nothing to do.</summary>
    public const string Gone = "gone";

    /// <summary>Not this controller's Service.</summary>
    public const string Ignored = "ignored";

    /// <summary>Stopped early (cloud error, timeout, too many plans); the status says why and the resync retries.</summary>
    public const string Incomplete = "incomplete";

    /// <summary>New state kept arriving for <see cref="ReconcileOptions.MaxPasses"/> passes; the resync continues.</summary>
    public const string MaxPasses = "max-passes";
}

/// <summary>
/// One reconcile of one Service (instance <c>svc-&lt;uid&gt;</c>): load desired state → observe and plan →
/// execute the steps (one activity each, waits as durable timers) → plan again until nothing differs →
/// publish; then loop while newer desired state or a new node set arrived. Only <c>context</c> calls: every
/// decision is in the planner, every effect in an activity.
/// </summary>
public sealed class ReconcileServiceOrchestrator(ReconcileOptions timings)
{
    public const string Name = "ReconcileService";

    /// <summary>Instance id of a Service's reconcile: one per UID, so two starts cannot race.</summary>
    public static string InstanceId(string serviceUid) => "svc-" + serviceUid;

    public async Task<ReconcileResult> RunAsync(TaskOrchestrationContext context, ReconcileInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var logger = context.CreateReplaySafeLogger<ReconcileServiceOrchestrator>();
        var key = new ServiceKey(input.ClusterId, input.Uid);
        var startedAt = context.CurrentUtcDateTime;
        var steps = new StepRunner(context, timings);
        var desired = await LoadAsync(context, key);
        for (var pass = 1; pass <= timings.MaxPasses; pass++)
        {
            desired = await DebounceAsync(context, key, desired, startedAt, logger);
            if (!desired.Exists)
            {
                return Finish(logger, input.Uid, new ReconcileResult(ReconcileOutcomes.Gone, pass - 1));
            }

            var run = new ReconcilePass(context, timings, steps, key);
            var result = await run.RunAsync(pass);
            if (result.Outcome != ReconcileOutcomes.Converged)
            {
                return Finish(logger, input.Uid, result with { Passes = pass });
            }

            desired = await LoadAsync(context, key);
            var nodesMatter = run.RealServerHash.Length > 0;
            if (!desired.Exists
                || (desired.DesiredSeq == run.DesiredSeq && (!nodesMatter || desired.NodeFingerprint == run.NodeFingerprint)))
            {
                return Finish(logger, input.Uid, result with { Passes = pass });
            }
        }

        return Finish(logger, input.Uid, new ReconcileResult(ReconcileOutcomes.MaxPasses, timings.MaxPasses));
    }

    private static ReconcileResult Finish(ILogger logger, string uid, ReconcileResult result)
    {
        logger.ReconcileFinished(uid, result.Outcome, result.Passes);
        return result;
    }

    private Task<DesiredState> LoadAsync(TaskOrchestrationContext context, ServiceKey key) =>
        context.CallActivityAsync<DesiredState>(LoadDesiredActivity.Name, key, timings.ActivityTaskOptions());

    /// <summary>
    /// While the node set changed less than <see cref="ReconcileOptions.NodeDebounce"/> ago, wait (a durable
    /// timer) and read again: a burst of node changes then costs one settings write per load balancer. Bounded
    /// by <see cref="ReconcileOptions.NodeDebounceMax"/> from the start, so endless churn cannot starve it.
    /// </summary>
    private async Task<DesiredState> DebounceAsync(TaskOrchestrationContext context, ServiceKey key, DesiredState desired, DateTime startedAt, ILogger logger)
    {
        var latest = startedAt + timings.NodeDebounceMax;
        var maxWaits = timings.NodeDebounce > TimeSpan.Zero ? (int)Math.Min(1000, (timings.NodeDebounceMax / timings.NodeDebounce) + 2) : 0;
        for (var wait = 0; wait < maxWaits && desired.Exists; wait++)
        {
            var quietAt = desired.NodesChangedAt.UtcDateTime + timings.NodeDebounce;
            var now = context.CurrentUtcDateTime;
            if (quietAt <= now || now >= latest)
            {
                break;
            }

            var until = quietAt < latest ? quietAt : latest;
            logger.NodeDebounce(key.Uid, until);
            await context.CreateTimer(until, CancellationToken.None);
            desired = await LoadAsync(context, key);
        }

        return desired;
    }
}

/// <summary>
/// One pass: plan, execute, plan again until the plan is empty (or a step fails, times out, or the plan budget
/// is spent), then publish. Holds what the last plan was computed from, for the caller's "anything newer?" check.
/// </summary>
internal sealed class ReconcilePass(TaskOrchestrationContext context, ReconcileOptions timings, StepRunner steps, ServiceKey key)
{
    private PlanResult? last;

    public long DesiredSeq => last?.DesiredSeq ?? 0;

    public string NodeFingerprint => last?.NodeFingerprint ?? "";

    public string RealServerHash => last?.RealServerHash ?? "";

    public async Task<ReconcileResult> RunAsync(int pass)
    {
        var logger = context.CreateReplaySafeLogger<ReconcileServiceOrchestrator>();
        try
        {
            for (var round = 1; round <= timings.MaxPlansPerPass + 1; round++)
            {
                var result = await context.CallActivityAsync<PlanResult>(ObserveAndPlanActivity.Name, key, timings.ActivityTaskOptions());
                if (!result.Exists)
                {
                    return new ReconcileResult(ReconcileOutcomes.Gone, pass);
                }

                last = result;
                if (result.Intent == ServiceIntent.Ignore)
                {
                    return new ReconcileResult(ReconcileOutcomes.Ignored, pass);
                }

                if (result.Failure is { } failure)
                {
                    return await StopAsync(result, ServicePhase.Failed, failure.ReasonCode, failure.Message);
                }

                var plan = result.Plan!;
                logger.Planned(pass, key.Uid, plan.Steps.Count, plan.Outcome.Phase, plan.Outcome.ReasonCode);
                if (plan.IsNoOp)
                {
                    await PublishAsync(result, plan.Outcome.Phase, plan.Outcome.ReasonCode, plan.Outcome.Message, plan.Outcome.IngressIps,
                        plan.Outcome.FinalizerReleasable, plan.Outcome.Warnings, settled: true, interim: false);
                    return new ReconcileResult(ReconcileOutcomes.Converged, pass, plan.Outcome.Phase, plan.Outcome.ReasonCode);
                }

                if (round > timings.MaxPlansPerPass)
                {
                    var phase = result.Intent == ServiceIntent.Cleanup ? ServicePhase.Deleting : ServicePhase.Provisioning;
                    return await StopAsync(result, phase, ReasonCodes.Updating,
                        $"the load balancer did not converge after {timings.MaxPlansPerPass} plans; the periodic resync continues");
                }

                var stop = await ExecuteAsync(result, plan);
                if (stop is not null)
                {
                    return await StopAsync(result, stop.Phase, stop.ReasonCode, stop.Message);
                }
            }

            throw new InvalidOperationException("The plan loop ends by returning.");
        }
        catch (TaskFailedException ex)
        {
            // An activity failed transiently on every attempt: say so, and leave the rest to the resync.
            var message = ex.FailureDetails.ErrorMessage;
            var reason = message.Contains("busy", StringComparison.OrdinalIgnoreCase) || message.Contains("locked", StringComparison.OrdinalIgnoreCase)
                ? ReasonCodes.CloudBusy
                : ReasonCodes.CloudError;
            if (last is null)
            {
                logger.ReconcileStoppedEarly(key.Uid, message);
                return new ReconcileResult(ReconcileOutcomes.Incomplete, pass, null, reason);
            }

            var phase = last.Intent == ServiceIntent.Cleanup ? ServicePhase.Deleting : ServicePhase.Provisioning;
            return await StopAsync(last, phase, reason, $"{ex.TaskName} failed after {timings.ActivityRetry.MaxAttempts} attempts: {message}; the periodic resync retries");
        }
    }

    private async Task<ReconcileResult> StopAsync(PlanResult result, ServicePhase phase, string reasonCode, string message)
    {
        context.CreateReplaySafeLogger<ReconcileServiceOrchestrator>().ReconcileStoppedEarly(key.Uid, message);
        await PublishAsync(result, phase, reasonCode, message, [], false, [], settled: false, interim: false);
        return new ReconcileResult(ReconcileOutcomes.Incomplete, 0, phase, reasonCode);
    }

    /// <summary>Runs the steps in order; null when all ran or a step asks for a re-plan (both mean: plan again), else why the pass stops.</summary>
    private async Task<Stop?> ExecuteAsync(PlanResult result, Plan plan)
    {
        long? created = null;
        foreach (var step in plan.Steps)
        {
            Stop? stop = null;
            switch (step)
            {
                case Report report:
                    await PublishAsync(result, report.Phase, report.ReasonCode, report.Message, [], false, [], settled: false, interim: true);
                    break;
                case ReserveAddresses reserve:
                    stop = Interpret(await context.CallActivityAsync<StepResult>(ReserveAddressesActivity.Name, new ReservationInput(key.ClusterId, key.Uid, reserve.Addresses), timings.ActivityTaskOptions()));
                    break;
                case ReleaseAddresses release:
                    stop = Interpret(await context.CallActivityAsync<StepResult>(ReleaseAddressesActivity.Name, new ReservationInput(key.ClusterId, key.Uid, release.Addresses), timings.ActivityTaskOptions()));
                    break;
                case CreateLoadBalancer create:
                    var made = await context.CallActivityAsync<StepResult>(CreateLoadBalancerActivity.Name, new CreateInput(key.ClusterId, key.Uid, create.Spec), timings.ActivityTaskOptions());
                    stop = Interpret(made);
                    created = made.LoadBalancerId;
                    break;
                case WaitUntilUp wait:
                    stop = await WaitUntilUpAsync(wait.LoadBalancerId ?? created, justCreated: wait.LoadBalancerId is null);
                    break;
                case Boot boot:
                    stop = await RunUntilDoneAsync(BootLoadBalancerActivity.Name, Target(boot.LoadBalancerId), timings.BootTimeout);
                    break;
                case UpdateTags tags:
                    stop = await RunUntilDoneAsync(UpdateTagsActivity.Name, new TagsInput(key.ClusterId, key.Uid, tags.LoadBalancerId, tags.Tags, tags.Description), timings.BootTimeout);
                    break;
                case UpdateSettings settings:
                    stop = await RunUntilDoneAsync(UpdateSettingsActivity.Name, new SettingsInput(key.ClusterId, key.Uid, settings.LoadBalancerId, settings.Settings, settings.SettingsHash), timings.BootTimeout);
                    break;
                case ApplyConfig apply:
                    stop = (apply.LoadBalancerId ?? created) is { } applyId
                        ? await RunUntilDoneAsync(ApplyConfigActivity.Name, Target(applyId), timings.BootTimeout)
                        : Stop.Replan;
                    break;
                case ShutDown shutDown:
                    stop = await RunUntilDoneAsync(ShutDownLoadBalancerActivity.Name, Target(shutDown.LoadBalancerId), timings.ShutdownTimeout);
                    break;
                case WaitUntilDown down:
                    stop = await WaitUntilDownAsync(down.LoadBalancerId);
                    break;
                case DeleteLoadBalancer delete:
                    stop = await RunUntilDoneAsync(DeleteLoadBalancerActivity.Name, Target(delete.LoadBalancerId), timings.ShutdownTimeout);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown plan step {step.GetType().Name}.");
            }

            if (stop is not null)
            {
                return stop.IsReplan ? null : stop;
            }
        }

        return null;
    }

    private LoadBalancerTarget Target(long loadBalancerId) => new(key.ClusterId, key.Uid, loadBalancerId);

    private static Stop? Interpret(StepResult result) => result.Status switch
    {
        StepStatus.Done => null,
        StepStatus.Conflict => Stop.Replan,
        StepStatus.Failed => new Stop(ServicePhase.Failed, result.ReasonCode ?? ReasonCodes.CloudError, result.Message ?? "a cloud call failed"),
        _ => Stop.Replan,
    };

    private async Task<Stop?> RunUntilDoneAsync(string name, object input, TimeSpan timeout)
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

            var poweredOff = state.Found && state.Availability == Reconcile.Observed.ApplianceAvailability.Available
                && state.InstanceStatus == Reconcile.Observed.InstanceStatus.Down;
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
        bool interim) =>
        context.CallActivityAsync<bool>(
            PublishStatusActivity.Name,
            new PublishInput(
                key.ClusterId, key.Uid, result.Namespace, result.Name, result.ResourceVersion, phase, reasonCode, message, ingress,
                finalizerReleasable, warnings, result.DesiredSeq, result.NodeSeq, result.NodeFingerprint, result.RealServerHash,
                settled, interim, result.FirstSeenAt),
            timings.ActivityTaskOptions());

    /// <summary>Why execution stopped: a re-plan, or a status to publish.</summary>
    private sealed record Stop(ServicePhase Phase, string ReasonCode, string Message)
    {
        public static Stop Replan { get; } = new(ServicePhase.Provisioning, "", "");

        public bool IsReplan => ReferenceEquals(this, Replan);
    }
}
