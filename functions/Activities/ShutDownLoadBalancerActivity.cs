using Microsoft.Extensions.Logging;
using SakuraLb.Sakura;

namespace SakuraLb.Functions.Activities;

/// <summary>Forced power-off; an appliance that is not up (already stopping, down) or gone counts as done.</summary>
public sealed class ShutDownLoadBalancerActivity(ISakuraCloud cloud, ILogger<ShutDownLoadBalancerActivity> logger)
{
    public const string Name = "ShutDownLoadBalancer";

    public Task<StepResult> RunAsync(LoadBalancerTarget input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return CloudStep.RunAsync(
            "shutdown",
            input.LoadBalancerId,
            () => cloud.ShutdownAsync(input.LoadBalancerId, force: true, cancellationToken),
            ex => ex.Kind switch
            {
                SakuraErrorKind.Conflict or SakuraErrorKind.NotFound => StepResult.Done(),
                _ => null,
            },
            logger);
    }
}
