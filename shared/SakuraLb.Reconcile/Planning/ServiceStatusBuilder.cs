using SakuraLb.Model;

namespace SakuraLb.Reconcile.Planning;

/// <summary>
/// Turns a plan outcome into the status the relay writes, with Service conditions (peers study (d)1):
/// LoadBalancerProvisioned (True once the load balancer serves the Service) and Degraded (True while a
/// warning stands, e.g. a node that cannot be a real server).
/// </summary>
public static class ServiceStatusBuilder
{
    public const string ProvisionedCondition = "LoadBalancerProvisioned";
    public const string DegradedCondition = "Degraded";

    public static ServiceStatus From(ServiceSnapshot service, PlanOutcome outcome, DateTimeOffset updatedAt)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(outcome);
        var warnings = outcome.Warnings
            .DistinctBy(w => (w.Code, w.Message))
            .Select(w => new StatusWarning(w.Code, w.Message))
            .ToList();
        var firstWarning = warnings.FirstOrDefault();
        return new ServiceStatus
        {
            Uid = service.Uid,
            Namespace = service.Namespace,
            Name = service.Name,
            Phase = outcome.Phase,
            IngressIps = outcome.IngressIps,
            ReasonCode = outcome.ReasonCode,
            Message = outcome.Message,
            ObservedResourceVersion = service.ResourceVersion,
            FinalizerReleasable = outcome.FinalizerReleasable,
            UpdatedAt = updatedAt,
            Conditions =
            [
                new StatusCondition(ProvisionedCondition, outcome.Phase == ServicePhase.Ready ? "True" : "False", outcome.ReasonCode, outcome.Message),
                firstWarning is null
                    ? new StatusCondition(DegradedCondition, "False", ReasonCodes.Ready, "no warnings")
                    : new StatusCondition(DegradedCondition, "True", firstWarning.ReasonCode, firstWarning.Message),
            ],
            Warnings = warnings,
        };
    }
}
