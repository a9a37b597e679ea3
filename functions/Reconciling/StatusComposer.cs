using SakuraLb.Model;
using SakuraLb.Reconcile;
using SakuraLb.Reconcile.Planning;

namespace SakuraLb.Functions.Reconciling;

/// <summary>Plan outcomes → the status the relay writes to the Service. Pure.</summary>
public static class StatusComposer
{
    public const string ProvisionedCondition = "LoadBalancerProvisioned";

    public static ServiceStatus Compose(
        string uid,
        string serviceNamespace,
        string name,
        string resourceVersion,
        ServicePhase phase,
        string reasonCode,
        string message,
        IReadOnlyList<string> ingressIps,
        bool finalizerReleasable,
        IReadOnlyList<ValidationProblem> warnings,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(warnings);
        var conditionStatus = phase switch
        {
            ServicePhase.Ready => "True",
            ServicePhase.Failed or ServicePhase.Deleted => "False",
            _ => "Unknown",
        };
        var shown = warnings
            .Where(w => ReasonCodes.Find(w.Code)?.Severity != ReasonSeverity.Info)
            .DistinctBy(w => (w.Code, w.Message))
            .Select(w => new StatusWarning(w.Code, w.Message))
            .ToList();
        return new ServiceStatus
        {
            Uid = uid,
            Namespace = serviceNamespace,
            Name = name,
            Phase = phase,
            IngressIps = ingressIps,
            ReasonCode = reasonCode,
            Message = message,
            ObservedResourceVersion = resourceVersion,
            FinalizerReleasable = finalizerReleasable,
            UpdatedAt = now,
            Conditions = [new StatusCondition(ProvisionedCondition, conditionStatus, reasonCode, message)],
            Warnings = shown.Count == 0 ? null : shown,
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
            && (a.Warnings ?? []).SequenceEqual(b.Warnings ?? []);
    }

    /// <summary>Outcome of a plan as the final word of a pass.</summary>
    public static ServiceStatus FromOutcome(ServiceSnapshot service, PlanOutcome outcome, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(outcome);
        return Compose(service.Uid, service.Namespace, service.Name, service.ResourceVersion, outcome.Phase, outcome.ReasonCode,
            outcome.Message, outcome.IngressIps, outcome.FinalizerReleasable, outcome.Warnings, now);
    }
}
