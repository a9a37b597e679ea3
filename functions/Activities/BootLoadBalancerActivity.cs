using Microsoft.Extensions.Logging;
using SakuraLb.Sakura;

namespace SakuraLb.Functions.Activities;

/// <summary>Powers a stopped load balancer on; one that is not down any more (booting, up) counts as done.</summary>
public sealed class BootLoadBalancerActivity(ISakuraCloud cloud, ILogger<BootLoadBalancerActivity> logger)
{
    public const string Name = "BootLoadBalancer";

    public Task<StepResult> RunAsync(LoadBalancerTarget input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return CloudStep.RunAsync(
            "boot",
            input.LoadBalancerId,
            () => cloud.BootAsync(input.LoadBalancerId, cancellationToken),
            ex => ex.Kind switch
            {
                SakuraErrorKind.Conflict => StepResult.Done(),
                SakuraErrorKind.NotFound => CloudStep.Gone(input.LoadBalancerId),
                _ => null,
            },
            logger);
    }
}
