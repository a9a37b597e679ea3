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
        var existing = (await cloud.FindLoadBalancersByNameAsync(input.Spec.Name, cancellationToken))
            .Where(lb => LoadBalancerOwnership.Classify(lb, settings.ClusterId, input.Uid) == Ownership.Ours
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
