using SakuraLb.Reconcile.Desired;
using SakuraLb.Reconcile.Planning;

namespace SakuraLb.Functions.Activities;

public sealed record CreateInput(string ClusterId, string Uid, LoadBalancerCreation Spec);

/// <summary>
/// Creates the Service's load balancer, or returns the one that already exists: the API's create is not
/// idempotent, and a create whose response was lost has made the appliance anyway, so the name is looked up
/// first (failed appliances do not count: the plan tears them down).
/// </summary>
public sealed class CreateLoadBalancerActivity(ISakuraCloud cloud, ControllerSettings settings, ILogger<CreateLoadBalancerActivity> logger)
{
    public const string Name = "CreateLoadBalancer";

    public async Task<StepResult> RunAsync(CreateInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        // The look-up reads the appliance list shared in the process (at most Sakura:ApplianceListDuration old): a
        // create of ours that answered is in it, and one that failed or never answered dropped it, so an earlier
        // attempt of this create is always seen. An attempt made by another process is older than the list's
        // duration by the time the activity is retried elsewhere.
        var existing = (await cloud.ListLoadBalancersAsync(null, cancellationToken))
            .Where(lb => string.Equals(lb.Name, input.Spec.Name, StringComparison.Ordinal)
                && LoadBalancerOwnership.Classify(lb, settings.ClusterId, input.Uid) == Ownership.Ours
                && lb.Availability is not (ApplianceAvailability.Failed or ApplianceAvailability.Discontinued))
            .OrderBy(lb => lb.Id)
            .FirstOrDefault();
        if (existing is not null)
        {
            logger.LoadBalancerAlreadyExists(input.Spec.Name, existing.Id);
            return StepResult.Done(existing.Id);
        }

        try
        {
            var created = await cloud.CreateLoadBalancerAsync(input.Spec, cancellationToken);
            logger.LoadBalancerCreated(created.Id, input.Spec.Name);
            return StepResult.Done(created.Id);
        }
        catch (SakuraApiException ex) when (!CloudErrors.IsTransient(ex))
        {
            var (code, message) = CloudStep.Permanent(ex, "create", $"creating load balancer {input.Spec.Name}", logger);
            return StepResult.Failed(code, message);
        }
    }
}
