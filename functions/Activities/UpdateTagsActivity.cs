namespace SakuraLb.Functions.Activities;

public sealed record TagsInput(string ClusterId, string Uid, long LoadBalancerId, IReadOnlyList<string> Tags, string Description)
    : ILoadBalancerStepInput;

/// <summary>
/// Writes tags and description, leaving the VIP list as it is; a concurrent settings change (409) or a load
/// balancer that is gone is a re-plan.
/// </summary>
public sealed class UpdateTagsActivity(ISakuraCloud cloud, ILogger<UpdateTagsActivity> logger)
    : CloudStepActivity<TagsInput>(
        "update tags",
        (input, cancellationToken) => cloud.UpdateTagsAsync(input.LoadBalancerId, input.Tags, input.Description, cancellationToken),
        CloudStep.WriteErrors(id => $"load balancer {id} changed while its tags were written"),
        logger)
{
    public const string Name = "UpdateTags";
}
