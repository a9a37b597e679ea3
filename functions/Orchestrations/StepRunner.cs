using Microsoft.DurableTask;
using SakuraLb.Functions.Activities;
using SakuraLb.Functions.Options;

namespace SakuraLb.Functions.Orchestrations;

/// <summary>
/// The polls shared by the orchestrations: a step retried on durable timers until it is ready, a wait until an
/// appliance is down. One per orchestration run.
/// </summary>
internal sealed class StepRunner(TaskOrchestrationContext context, ReconcileOptions timings)
{
    /// <summary>
    /// Runs a step until it is not <see cref="StepStatus.NotReady"/>, waiting a poll interval between tries; the
    /// last NotReady result comes back when <paramref name="timeout"/> has passed.
    /// </summary>
    public async Task<StepResult> RunUntilDoneAsync(string name, object input, TimeSpan timeout)
    {
        var deadline = context.CurrentUtcDateTime + timeout;
        var result = await context.CallActivityAsync<StepResult>(name, input, timings.ActivityTaskOptions());
        for (var poll = 0; poll < timings.MaxPolls(timeout) && result.Status == StepStatus.NotReady && context.CurrentUtcDateTime < deadline; poll++)
        {
            await context.CreateTimer(timings.PollInterval, CancellationToken.None);
            result = await context.CallActivityAsync<StepResult>(name, input, timings.ActivityTaskOptions());
        }

        return result;
    }

    /// <summary>Polls until the appliance is down, failed or gone; null when the shutdown timeout passed first.</summary>
    public async Task<LoadBalancerState?> WaitUntilDownAsync(LoadBalancerTarget target)
    {
        var deadline = context.CurrentUtcDateTime + timings.ShutdownTimeout;
        for (var poll = 0; poll <= timings.MaxPolls(timings.ShutdownTimeout); poll++)
        {
            var state = await context.CallActivityAsync<LoadBalancerState>(ReadLoadBalancerActivity.Name, target, timings.ActivityTaskOptions());
            if (state.IsDown || state.IsFailed)
            {
                return state;
            }

            if (context.CurrentUtcDateTime >= deadline)
            {
                break;
            }

            await context.CreateTimer(timings.PollInterval, CancellationToken.None);
        }

        return null;
    }
}
