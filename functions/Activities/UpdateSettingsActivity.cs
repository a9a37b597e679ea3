using SakuraLb.Reconcile.Desired;

namespace SakuraLb.Functions.Activities;

public sealed record SettingsInput(string ClusterId, string Uid, long LoadBalancerId, IReadOnlyList<VipSetting> Settings, string? SettingsHash)
    : ILoadBalancerStepInput;

/// <summary>
/// Writes the VIP list with the settings hash that was read: a concurrent change by someone else is a 409,
/// which becomes a re-plan against what is there now, instead of overwriting it blindly; so is a load balancer
/// that is gone.
/// </summary>
public sealed class UpdateSettingsActivity(ISakuraCloud cloud, ILogger<UpdateSettingsActivity> logger)
    : CloudStepActivity<SettingsInput>(
        "update settings",
        (input, cancellationToken) => cloud.UpdateSettingsAsync(input.LoadBalancerId, input.Settings, input.SettingsHash, cancellationToken),
        CloudStep.WriteErrors(id => $"the settings of load balancer {id} changed since they were read"),
        logger)
{
    public const string Name = "UpdateSettings";
}
