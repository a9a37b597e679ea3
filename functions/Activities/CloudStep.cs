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

            var (code, message) = Permanent(ex, step, $"{step} of load balancer {loadBalancerId}", logger);
            return StepResult.Failed(code, message) with { LoadBalancerId = loadBalancerId };
        }
    }

    /// <summary>
    /// A write sent with the settings hash that was read: a 409 means someone changed the load balancer since
    /// (<paramref name="changed"/> says what), a 404 that it is gone; either way the plan no longer holds.
    /// </summary>
    public static Task<StepResult> WriteAsync(string step, long loadBalancerId, Func<Task> call, string changed, ILogger logger) =>
        RunAsync(
            step,
            loadBalancerId,
            call,
            ex => ex.Kind switch
            {
                SakuraErrorKind.Conflict => StepResult.Conflict(changed),
                SakuraErrorKind.NotFound => Gone(loadBalancerId),
                _ => null,
            },
            logger);

    /// <summary>The load balancer the step was for no longer exists: plan again.</summary>
    public static StepResult Gone(long loadBalancerId) => StepResult.Conflict($"load balancer {loadBalancerId} is gone");

    /// <summary>A failure retrying cannot fix: logged, and described for the Service's status.</summary>
    public static (string ReasonCode, string Message) Permanent(SakuraApiException exception, string step, string action, ILogger logger)
    {
        logger.CloudCallFailed(step, exception.Message);
        return CloudErrors.Describe(exception, action);
    }
}
