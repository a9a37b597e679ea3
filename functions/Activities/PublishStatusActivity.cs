using SakuraLb.Reconcile.Planning;
using SakuraLb.Reconcile.Status;

namespace SakuraLb.Functions.Activities;

/// <summary>A status to publish and the versions it reflects.</summary>
/// <param name="Interim">A progress report before a long wait: it does not claim the desired version is reconciled.</param>
/// <param name="Settled">The outcome is final for <paramref name="DesiredSeq"/>; false when the pass stopped early and must be retried.</param>
public sealed record PublishInput(
    string ClusterId,
    string Uid,
    string Namespace,
    string Name,
    string ResourceVersion,
    ServicePhase Phase,
    string ReasonCode,
    string Message,
    IReadOnlyList<string> IngressIps,
    bool FinalizerReleasable,
    IReadOnlyList<ValidationProblem> Warnings,
    long DesiredSeq,
    long NodeSeq,
    string NodeFingerprint,
    string RealServerHash,
    bool Settled,
    bool Interim,
    DateTimeOffset FirstSeenAt);

/// <summary>
/// Writes the status row the feed serves. An unchanged status is not rewritten (a no-op pass makes no write);
/// the first Ready records the time from first sight; an unsettled status keeps the published ingress.
/// </summary>
public sealed class PublishStatusActivity(IStatusStore statuses, SakuraLbMetrics metrics, TimeProvider time, ILogger<PublishStatusActivity> logger)
{
    public const string Name = "PublishStatus";

    public async Task<bool> RunAsync(PublishInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var now = time.GetUtcNow();
        var existing = await statuses.GetAsync(input.ClusterId, input.Uid, cancellationToken);
        // A progress report, or a pass that stopped early on the way to a running load balancer, says nothing
        // about the address the load balancer already serves: it stays in the feed (as upstream keeps the last
        // good address on failure) until a settled outcome replaces it. Only a removal may clear it unsettled.
        var keepsIngress = input.IngressIps.Count == 0 && existing is not null
            && (input.Interim || (!input.Settled && input.Phase is not (ServicePhase.Deleting or ServicePhase.Deleted)));
        var ingress = keepsIngress ? existing!.Status.IngressIps : input.IngressIps;
        var status = ServiceStatusBuilder.Build(
            new StatusSubject(input.Uid, input.Namespace, input.Name, input.ResourceVersion),
            new PlanOutcome(input.Phase, input.ReasonCode, input.Message, ingress, input.FinalizerReleasable, input.Warnings),
            now);
        var record = input.Interim && existing is not null
            ? existing with { Status = status, Settled = false }
            : new StatusRecord
            {
                ClusterId = input.ClusterId,
                Status = status,
                DesiredSeq = input.Interim ? 0 : input.DesiredSeq,
                NodeSeq = input.NodeSeq,
                NodeFingerprint = input.NodeFingerprint,
                RealServerHash = input.RealServerHash,
                Settled = input.Settled && !input.Interim,
                ReadyAt = existing?.ReadyAt,
            };

        if (!input.Interim)
        {
            metrics.ReconcileFinished(input.Settled ? input.Phase.ToString().ToLowerInvariant() : "incomplete");
        }

        var firstReady = input.Phase == ServicePhase.Ready && existing?.ReadyAt is null && !input.Interim;
        if (firstReady)
        {
            record = record with { ReadyAt = now };
        }

        if (existing is not null
            && ServiceStatusBuilder.SameContent(existing.Status, status)
            && existing.DesiredSeq == record.DesiredSeq
            && existing.NodeFingerprint == record.NodeFingerprint
            && existing.RealServerHash == record.RealServerHash
            && existing.Settled == record.Settled
            && existing.ReadyAt == record.ReadyAt)
        {
            return false;
        }

        await statuses.PutAsync(record, cancellationToken);
        if (firstReady)
        {
            metrics.ServiceReady(now - input.FirstSeenAt);
        }

        logger.StatusPublished(input.Uid, status.Phase, status.ReasonCode, record.Settled);
        return true;
    }
}
