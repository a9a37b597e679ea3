namespace SakuraLb.Functions.Activities;

/// <summary>
/// Makes stored settings take effect. Right after a boot the API may still answer 404 or 409 for a while (the
/// appliance is up before its configuration service is), so both are a wait, bounded by the orchestration's
/// boot timeout.
/// </summary>
public sealed class ApplyConfigActivity(ISakuraCloud cloud, ILogger<ApplyConfigActivity> logger)
    : CloudStepActivity<LoadBalancerTarget>(
        "apply config",
        (input, cancellationToken) => cloud.ApplyConfigAsync(input.LoadBalancerId, cancellationToken),
        (ex, id) => ex.Kind switch
        {
            SakuraErrorKind.Conflict or SakuraErrorKind.NotFound => StepResult.NotReady($"load balancer {id} does not accept its configuration yet"),
            _ => null,
        },
        logger)
{
    public const string Name = "ApplyConfig";
}
