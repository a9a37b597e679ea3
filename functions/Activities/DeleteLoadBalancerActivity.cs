using Microsoft.Extensions.Logging;
using SakuraLb.Sakura;

namespace SakuraLb.Functions.Activities;

/// <summary>Deletes a stopped load balancer; already gone is done, still running is a wait.</summary>
public sealed class DeleteLoadBalancerActivity(ISakuraCloud cloud, ILogger<DeleteLoadBalancerActivity> logger)
{
    public const string Name = "DeleteLoadBalancer";

    public Task<StepResult> RunAsync(LoadBalancerTarget input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return CloudStep.RunAsync(
            "delete",
            input.LoadBalancerId,
            () => cloud.DeleteLoadBalancerAsync(input.LoadBalancerId, cancellationToken),
            ex => ex.Kind switch
            {
                SakuraErrorKind.PowerMustBeDown or SakuraErrorKind.Conflict => StepResult.NotReady($"load balancer {input.LoadBalancerId} is not down yet"),
                _ => null,
            },
            logger);
    }
}
