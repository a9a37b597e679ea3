namespace SakuraLb.Functions.Activities;

/// <summary>Forced power-off; an appliance that is not up (already stopping, down) or gone counts as done.</summary>
public sealed class ShutDownLoadBalancerActivity(ISakuraCloud cloud, ILogger<ShutDownLoadBalancerActivity> logger)
    : CloudStepActivity<LoadBalancerTarget>(
        "shutdown",
        (input, cancellationToken) => cloud.ShutdownAsync(input.LoadBalancerId, force: true, cancellationToken),
        (ex, _) => ex.Kind switch
        {
            SakuraErrorKind.Conflict or SakuraErrorKind.NotFound => StepResult.Done(),
            _ => null,
        },
        logger)
{
    public const string Name = "ShutDownLoadBalancer";
}
