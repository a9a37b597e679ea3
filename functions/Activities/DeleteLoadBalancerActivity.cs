namespace SakuraLb.Functions.Activities;

/// <summary>Deletes a stopped load balancer; already gone is done, still running is a wait.</summary>
public sealed class DeleteLoadBalancerActivity(ISakuraCloud cloud, ILogger<DeleteLoadBalancerActivity> logger)
    : CloudStepActivity<LoadBalancerTarget>(
        "delete",
        (input, cancellationToken) => cloud.DeleteLoadBalancerAsync(input.LoadBalancerId, cancellationToken),
        (ex, id) => ex.Kind switch
        {
            SakuraErrorKind.PowerMustBeDown or SakuraErrorKind.Conflict => StepResult.NotReady($"load balancer {id} is not down yet"),
            _ => null,
        },
        logger)
{
    public const string Name = "DeleteLoadBalancer";
}
