using Microsoft.Extensions.Logging;
using SakuraLb.Sakura;

namespace SakuraLb.Functions.Activities;

public sealed record TagsInput(string ClusterId, string Uid, long LoadBalancerId, IReadOnlyList<string> Tags, string Description);

/// <summary>
/// Writes tags and description, leaving the VIP list as it is; a concurrent settings change is a re-plan.
/// </summary>
public sealed class UpdateTagsActivity(ISakuraCloud cloud, ILogger<UpdateTagsActivity> logger)
{
    public const string Name = "UpdateTags";

    public Task<StepResult> RunAsync(TagsInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return CloudStep.WriteAsync(
            "update tags",
            input.LoadBalancerId,
            () => cloud.UpdateTagsAsync(input.LoadBalancerId, input.Tags, input.Description, cancellationToken),
            $"load balancer {input.LoadBalancerId} changed while its tags were written",
            logger);
    }
}
