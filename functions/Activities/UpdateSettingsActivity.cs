using Microsoft.Extensions.Logging;
using SakuraLb.Reconcile.Desired;
using SakuraLb.Sakura;

namespace SakuraLb.Functions.Activities;

public sealed record SettingsInput(string ClusterId, string Uid, long LoadBalancerId, IReadOnlyList<VipSetting> Settings, string? SettingsHash);

/// <summary>
/// Writes the VIP list with the settings hash that was read: a concurrent change by someone else is a 409,
/// which becomes a re-plan against what is there now, instead of overwriting it blindly.
/// </summary>
public sealed class UpdateSettingsActivity(ISakuraCloud cloud, ILogger<UpdateSettingsActivity> logger)
{
    public const string Name = "UpdateSettings";

    public Task<StepResult> RunAsync(SettingsInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return CloudStep.WriteAsync(
            "update settings",
            input.LoadBalancerId,
            () => cloud.UpdateSettingsAsync(input.LoadBalancerId, input.Settings, input.SettingsHash, cancellationToken),
            $"the settings of load balancer {input.LoadBalancerId} changed since they were read",
            logger);
    }
}
