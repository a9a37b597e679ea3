using SakuraLb.Reconcile.Planning;

namespace SakuraLb.Reconcile.Status;

/// <summary>The Service a status is about, as the snapshot the outcome was planned from names it.</summary>
public sealed record StatusSubject(string Uid, string Namespace, string Name, string ResourceVersion)
{
    public static StatusSubject Of(ServiceSnapshot service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return new(service.Uid, service.Namespace, service.Name, service.ResourceVersion);
    }
}

/// <summary>
/// A plan outcome → the status the relay writes to the Service. One condition, <see cref="ProvisionedCondition"/>:
/// True when Ready, False when Failed or Deleted, Unknown while the controller is still working on it.
/// Informational reason codes are not warnings a user must act on, so they are left out.
/// </summary>
public static class ServiceStatusBuilder
{
    public const string ProvisionedCondition = "LoadBalancerProvisioned";

    public static ServiceStatus Build(StatusSubject subject, PlanOutcome outcome, DateTimeOffset updatedAt)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(outcome);
        var conditionStatus = outcome.Phase switch
        {
            ServicePhase.Ready => "True",
            ServicePhase.Failed or ServicePhase.Deleted => "False",
            _ => "Unknown",
        };
        var shown = outcome.Warnings
            .Where(w => ReasonCodes.Find(w.Code)?.Severity != ReasonSeverity.Info)
            .DistinctBy(w => (w.Code, w.Message))
            .Select(w => new StatusWarning(w.Code, w.Message))
            .ToList();
        return new ServiceStatus
        {
            Uid = subject.Uid,
            Namespace = subject.Namespace,
            Name = subject.Name,
            Phase = outcome.Phase,
            IngressIps = outcome.IngressIps,
            ReasonCode = outcome.ReasonCode,
            Message = outcome.Message,
            ObservedResourceVersion = subject.ResourceVersion,
            FinalizerReleasable = outcome.FinalizerReleasable,
            UpdatedAt = updatedAt,
            Conditions = [new StatusCondition(ProvisionedCondition, conditionStatus, outcome.ReasonCode, outcome.Message)],
            Warnings = shown.Count == 0 ? null : shown,
            LoadBalancer = outcome.LoadBalancer,
        };
    }

    /// <summary>True when nothing a user or the relay sees differs (so an unchanged status is not rewritten).</summary>
    public static bool SameContent(ServiceStatus? a, ServiceStatus b)
    {
        ArgumentNullException.ThrowIfNull(b);
        if (a is null)
        {
            return false;
        }

        return a.Phase == b.Phase
            && string.Equals(a.ReasonCode, b.ReasonCode, StringComparison.Ordinal)
            && string.Equals(a.Message, b.Message, StringComparison.Ordinal)
            && string.Equals(a.ObservedResourceVersion, b.ObservedResourceVersion, StringComparison.Ordinal)
            && string.Equals(a.Namespace, b.Namespace, StringComparison.Ordinal)
            && string.Equals(a.Name, b.Name, StringComparison.Ordinal)
            && a.FinalizerReleasable == b.FinalizerReleasable
            && a.IngressIps.SequenceEqual(b.IngressIps, StringComparer.Ordinal)
            && (a.Warnings ?? []).SequenceEqual(b.Warnings ?? [])
            && Equals(a.Resync, b.Resync)
            && LoadBalancerSummary.Same(a.LoadBalancer, b.LoadBalancer);
    }
}
