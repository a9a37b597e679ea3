using Microsoft.Extensions.Logging;
using SakuraLb.Sakura;

namespace SakuraLb.Functions.Activities;

public sealed record TagsInput(string ClusterId, string Uid, long LoadBalancerId, IReadOnlyList<string> Tags, string Description);

/// <summary>
/// Writes tags and description. The API's update carries the VIP list too, so the current list is read and
/// sent back unchanged with its settings hash (a concurrent settings change is a 409 and a re-plan).
/// </summary>
public sealed class UpdateTagsActivity(ISakuraCloud cloud, ILogger<UpdateTagsActivity> logger)
{
    public const string Name = "UpdateTags";

    public async Task<StepResult> RunAsync(TagsInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var current = await cloud.GetApplianceAsync(input.LoadBalancerId, cancellationToken);
        if (current is null)
        {
            return StepResult.Conflict($"load balancer {input.LoadBalancerId} is gone");
        }

        return await CloudStep.RunAsync(
            "update tags",
            input.LoadBalancerId,
            () => cloud.UpdateLoadBalancerSettingsAsync(
                input.LoadBalancerId,
                new LoadBalancerSettingsUpdate
                {
                    VirtualIPAddresses = current.VirtualIPAddresses,
                    SettingsHash = current.SettingsHash,
                    Tags = input.Tags,
                    Description = input.Description,
                },
                cancellationToken),
            ex => ex.Kind switch
            {
                SakuraErrorKind.Conflict => StepResult.Conflict($"load balancer {input.LoadBalancerId} changed while its tags were written"),
                SakuraErrorKind.NotFound => StepResult.Conflict($"load balancer {input.LoadBalancerId} is gone"),
                _ => null,
            },
            logger);
    }
}
