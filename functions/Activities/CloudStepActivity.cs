namespace SakuraLb.Functions.Activities;

/// <summary>The input of a step on one existing load balancer.</summary>
public interface ILoadBalancerStepInput
{
    long LoadBalancerId { get; }
}

/// <summary>
/// An activity that is one Sakura call on one load balancer. The subclass names the step, makes the call and says
/// which API errors mean something other than a failure; the rest is common: still creating is a wait, not an
/// error; permanent errors are reported; transient ones propagate to the retry policy.
/// </summary>
/// <param name="step">The step as logs and status messages name it ("boot", "update tags").</param>
/// <param name="call">The one cloud call.</param>
/// <param name="interpret">What an API error means for this step (given the load balancer's id); null where it is a failure like any other.</param>
public abstract class CloudStepActivity<TInput>(
    string step,
    Func<TInput, CancellationToken, Task> call,
    Func<SakuraApiException, long, StepResult?> interpret,
    ILogger logger)
    where TInput : ILoadBalancerStepInput
{
    public Task<StepResult> RunAsync(TInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return RunAsync(input, input.LoadBalancerId, cancellationToken);
    }

    private async Task<StepResult> RunAsync(TInput input, long loadBalancerId, CancellationToken cancellationToken)
    {
        try
        {
            await call(input, cancellationToken);
            logger.StepDone(step, loadBalancerId, "done");
            return StepResult.Done(loadBalancerId);
        }
        catch (SakuraApiException ex)
        {
            if (interpret(ex, loadBalancerId) is { } mapped)
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

            var (code, message) = CloudStep.Permanent(ex, step, $"{step} of load balancer {loadBalancerId}", logger);
            return StepResult.Failed(code, message) with { LoadBalancerId = loadBalancerId };
        }
    }
}
