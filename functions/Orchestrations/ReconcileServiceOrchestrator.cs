using System.Text.Json.Serialization;
using Microsoft.DurableTask;
using SakuraLb.Functions.Activities;
using SakuraLb.Functions.Options;
using SakuraLb.Reconcile.Nodes;

namespace SakuraLb.Functions.Orchestrations;

/// <param name="Pass">Which pass this generation of the instance runs (each pass is a generation of its own).</param>
/// <param name="Draining">The real servers the previous generation left draining: the next plan measures their drain from it.</param>
public sealed record ReconcileInput(string ClusterId, string Uid, int Pass = 1, IReadOnlyList<DrainingServer>? Draining = null);

/// <summary>How a reconcile ended (also its orchestration output).</summary>
public sealed record ReconcileResult(ReconcileOutcome Outcome, int Passes, ServicePhase? Phase = null, string? ReasonCode = null);

/// <summary>
/// How a reconcile ended. In the orchestration output it reads as before the enum existed, lower case with dashes
/// (<c>"max-passes"</c>), so status queries and dashboards that match on it keep working.
/// </summary>
[JsonConverter(typeof(KebabCaseEnumConverter<ReconcileOutcome>))]
public enum ReconcileOutcome
{
    /// <summary>The plan became empty and the status was published.</summary>
    Converged,

    /// <summary>The desired row is gone (purged): nothing to do.</summary>
    Gone,

    /// <summary>Not this controller's Service.</summary>
    Ignored,

    /// <summary>Stopped early (cloud error, timeout, too many plans); the status says why and the resync retries.</summary>
    Incomplete,

    /// <summary>New state kept arriving for <see cref="ReconcileOptions.MaxPasses"/> passes; the resync continues.</summary>
    MaxPasses,

    /// <summary>The completion fence found newer state: the instance continues as new with the next pass.</summary>
    Continued,
}

/// <summary>
/// One reconcile of one Service (instance <c>svc-&lt;uid&gt;</c>), one pass per generation: observe and plan (the
/// first plan reads the stored state too, and waits out a burst of node changes first) → execute the steps (one activity each, waits as durable timers) → plan again until nothing
/// differs → publish → the completion fence. When the fence finds newer desired state or a new node set, the
/// instance continues as new with the next pass, so its history holds one pass at most; otherwise it completes.
/// Only <c>context</c> calls: every decision is in the planner, every effect in an activity. A generation sends
/// no messages, so nothing is lost when it continues as new, on any engine.
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
        var pass = Math.Max(1, input.Pass);
        var run = new ReconcilePass(context, timings, new StepRunner(context, timings), key, input.Draining ?? []);
        var result = await run.RunAsync(pass);
        if (result.Outcome == ReconcileOutcome.Gone)
        {
            return Finish(logger, input.Uid, result);
        }

        result = result with { Passes = pass };

        if (result.Outcome == ReconcileOutcome.Converged && run.DrainWakeAt is { } wakeAt)
        {
            // Real servers drain. The instance stays (no fence: the row stays busy, so a writer keeps trusting this
            // instance with its change) until they are due, or until the Service or the node set moves; then the next
            // generation plans with the drain carried in its input. A durable timer holds the wait, so a restart of
            // the app resumes it; a drain cut short by the pass limit is found again by the resync's drift check.
            var moved = await DrainWaitAsync(context, key, run, wakeAt.UtcDateTime, logger);
            if (!moved || pass < timings.MaxPasses)
            {
                context.ContinueAsNew(input with { Pass = moved ? pass + 1 : pass, Draining = run.Draining });
                return result with { Outcome = ReconcileOutcome.Continued };
            }
        }

        switch (await PassFenceAsync(run.FenceAsync(), input.Uid, logger))
        {
            case FenceOutcome.Moved when pass < timings.MaxPasses:
                context.ContinueAsNew(input with { Pass = pass + 1 });
                return result with { Outcome = ReconcileOutcome.Continued };
            case FenceOutcome.Moved:
                return Finish(logger, input.Uid, new ReconcileResult(ReconcileOutcome.MaxPasses, pass));
            default:
                return Finish(logger, input.Uid, result);
        }
    }

    private static ReconcileResult Finish(ILogger logger, string uid, ReconcileResult result)
    {
        logger.ReconcileFinished(uid, KebabCase.Name(result.Outcome), result.Passes);
        return result;
    }

    /// <summary>
    /// The fence, when it cannot be reached (storage down after every retry), is skipped: the row then does not say
    /// idle, which only makes a writer trust this completing instance with its change; the relay's resend of what
    /// no status reflects, and the resync timer, repair that.
    /// </summary>
    private static async Task<FenceOutcome> PassFenceAsync(Task<FenceOutcome> fence, string uid, ILogger logger)
    {
        try
        {
            return await fence;
        }
        catch (TaskFailedException ex)
        {
            logger.FenceFailed(uid, ex.FailureDetails.ErrorMessage);
            return FenceOutcome.Idle;
        }
    }

    /// <summary>
    /// Waits (durable timers, one <see cref="ReconcileOptions.DrainRecheckInterval"/> at a time) until
    /// <paramref name="wakeAt"/>, reading the desired row between timers; true as soon as the Service or, for a
    /// Service with real servers, the node set moved from what the pass reconciled (a node back from its drain is
    /// then enabled again at once), false when the drain is due.
    /// </summary>
    private async Task<bool> DrainWaitAsync(TaskOrchestrationContext context, ServiceKey key, ReconcilePass run, DateTime wakeAt, ILogger logger)
    {
        logger.DrainWait(key.Uid, run.Draining.Count, wakeAt);
        var maxWaits = (int)Math.Min(10_000, ((wakeAt - context.CurrentUtcDateTime) / timings.DrainRecheckInterval) + 2);
        for (var wait = 0; wait < maxWaits; wait++)
        {
            var next = context.CurrentUtcDateTime + timings.DrainRecheckInterval;
            var until = next < wakeAt ? next : wakeAt;
            await context.CreateTimer(until, CancellationToken.None);
            if (until >= wakeAt)
            {
                return false;
            }

            var desired = await run.LoadDesiredAsync();
            if (!desired.Exists
                || desired.DesiredSeq != run.DesiredSeq
                || (run.RealServerHash.Length > 0 && !string.Equals(desired.NodeFingerprint, run.NodeFingerprint, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }
}
