using Microsoft.Extensions.Logging;
using SakuraLb.Sakura;

namespace SakuraLb.Functions.Activities;

/// <summary>
/// Makes stored settings take effect. Right after a boot the API may still answer 404 or 409 for a while (the
/// appliance is up before its configuration service is), so both are a wait, bounded by the orchestration's
/// boot timeout.
/// </summary>
public sealed class ApplyConfigActivity(ISakuraCloud cloud, ILogger<ApplyConfigActivity> logger)
{
    public const string Name = "ApplyConfig";

    public Task<StepResult> RunAsync(LoadBalancerTarget input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return CloudStep.RunAsync(
            "apply config",
            input.LoadBalancerId,
            () => cloud.ApplyConfigAsync(input.LoadBalancerId, cancellationToken),
            ex => ex.Kind switch
            {
                SakuraErrorKind.Conflict or SakuraErrorKind.NotFound => StepResult.NotReady($"load balancer {input.LoadBalancerId} does not accept its configuration yet"),
                _ => null,
            },
            logger);
    }
}
