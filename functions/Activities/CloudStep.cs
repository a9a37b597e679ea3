using Microsoft.Extensions.Logging;
using SakuraLb.Functions.Telemetry;
using SakuraLb.Sakura;

namespace SakuraLb.Functions.Activities;

/// <summary>
/// The common shape of a one-call step: run it, and map the API's answers to a <see cref="StepResult"/>. Still
/// creating is a wait, not an error; permanent errors are reported; transient ones propagate to the retry policy.
/// </summary>
internal static class CloudStep
{
    public static async Task<StepResult> RunAsync(
        string step,
        long loadBalancerId,
        Func<Task> call,
        Func<SakuraApiException, StepResult?> interpret,
        ILogger logger)
    {
        try
        {
            await call();
            logger.StepDone(step, loadBalancerId, "done");
            return StepResult.Done(loadBalancerId);
        }
        catch (SakuraApiException ex)
        {
            if (interpret(ex) is { } mapped)
            {
                logger.StepDone(step, loadBalancerId, mapped.Status.ToString());
                return mapped with { LoadBalancerId = loadBalancerId };
            }

            if (ex.Kind == SakuraErrorKind.StillCreating)
            {
                return StepResult.NotReady($"load balancer {loadBalancerId} is still being created") with { LoadBalancerId = loadBalancerId };
            }

            if (CloudErrors.IsTransient(ex))
            {
                throw;
            }

            var (code, message) = CloudErrors.Describe(ex, $"{step} of load balancer {loadBalancerId}");
            logger.CloudCallFailed(step, ex.Message);
            return StepResult.Failed(code, message) with { LoadBalancerId = loadBalancerId };
        }
    }
}
