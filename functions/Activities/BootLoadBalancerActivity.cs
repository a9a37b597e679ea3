namespace SakuraLb.Functions.Activities;

/// <summary>Powers a stopped load balancer on; one that is not down any more (booting, up) counts as done.</summary>
public sealed class BootLoadBalancerActivity(ISakuraCloud cloud, ILogger<BootLoadBalancerActivity> logger)
    : CloudStepActivity<LoadBalancerTarget>(
        "boot",
        (input, cancellationToken) => cloud.BootAsync(input.LoadBalancerId, cancellationToken),
        (ex, id) => ex.Kind switch
        {
            SakuraErrorKind.Conflict => StepResult.Done(),
            SakuraErrorKind.NotFound => CloudStep.Gone(id),
            _ => null,
        },
        logger)
{
    public const string Name = "BootLoadBalancer";
}
