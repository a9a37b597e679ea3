using SakuraLb.Reconcile.Status;

namespace SakuraLb.Functions.Activities;

/// <summary>
/// Writes the status row the feed serves. An unchanged status is not rewritten (a no-op pass makes no write);
/// the first Ready records the time from first sight; an unsettled status keeps the published ingress. The
/// write is a compare-and-swap on the row read, and a publish issued before the stored one (an activity the
/// engine delivered again after a newer publish ran) changes nothing.
/// </summary>
public sealed class PublishStatusActivity(IStatusStore statuses, SakuraLbMetrics metrics, TimeProvider time, ILogger<PublishStatusActivity> logger)
{
    public const string Name = "PublishStatus";

    // Writers of one row are the Service's own reconciles, one at a time: a lost race is a rare replay.
    private const int MaxAttempts = 8;

    public async Task<bool> RunAsync(PublishInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return await CompareAndSwap.RetryAsync(MaxAttempts, () => TryPublishAsync(input, cancellationToken))
            ?? throw new InvalidOperationException($"The status of {input.Context.Uid} changed under every one of {MaxAttempts} writes.");
    }

    /// <summary>One read and compare-and-swap of the status row: whether it wrote; null when another writer changed the row first.</summary>
    private async Task<bool?> TryPublishAsync(PublishInput input, CancellationToken cancellationToken)
    {
        var (context, outcome) = input;
        var existing = await statuses.GetAsync(context.ClusterId, context.Uid, cancellationToken);
        if (existing?.IssuedAt is { } stored && stored > context.IssuedAt)
        {
            logger.StalePublishIgnored(context.Uid, context.IssuedAt, stored);
            return false;
        }

        var (record, firstReady) = Compose(input, existing, time.GetUtcNow());
        if (record is not null && !await statuses.TryPutAsync(record, existing?.Version, cancellationToken))
        {
            return null;
        }

        if (!context.Interim)
        {
            metrics.ReconcileFinished(context.Settled ? outcome.Phase.ToString().ToLowerInvariant() : "incomplete");
        }

        if (record is null)
        {
            return false;
        }

        if (firstReady)
        {
            metrics.ServiceReady(record.ReadyAt!.Value - context.FirstSeenAt);
        }

        logger.StatusPublished(context.Uid, record.Status.Phase, record.Status.ReasonCode, record.Settled);
        if (record.Status.Resync is { } answer && !Equals(answer, existing?.Status.Resync))
        {
            logger.ResyncAnswered(context.Uid, answer.Request, answer.Seconds, answer.Changes);
        }

        return true;
    }

    /// <summary>
    /// The resync answer the status carries: each request is answered once, by the first outcome (not a progress
    /// report) of a pass that reconciled a snapshot carrying it; later passes keep that answer.
    /// </summary>
    private static ResyncOutcome? Answer(PublishContext context, ResyncOutcome? answered, DateTimeOffset now)
    {
        if (context.Interim || context.ResyncRequest is not { } request || string.Equals(answered?.Request, request, StringComparison.Ordinal))
        {
            return answered;
        }

        var seconds = Math.Max(0, Math.Round((now - context.RequestStoredAt).TotalSeconds, 1));
        return new ResyncOutcome(request, seconds, context.Changes ?? ResyncChanges.None);
    }

    /// <summary>The row to write, and whether it records the first Ready; a null row when nothing would change.</summary>
    private static (StatusRecord? Record, bool FirstReady) Compose(PublishInput input, StatusRecord? existing, DateTimeOffset now)
    {
        var (context, outcome) = input;

        // A progress report, or a pass that stopped early on the way to a running load balancer, says nothing
        // about the address the load balancer already serves: it stays in the feed (as upstream keeps the last
        // good address on failure) until a settled outcome replaces it. Only a removal may clear it unsettled.
        var keepsIngress = outcome.IngressIps.Count == 0 && existing is not null
            && (context.Interim || (!context.Settled && outcome.Phase is not (ServicePhase.Deleting or ServicePhase.Deleted)));
        var ingress = keepsIngress ? existing!.Status.IngressIps : outcome.IngressIps;
        var status = ServiceStatusBuilder.Build(
            new StatusSubject(context.Uid, context.Namespace, context.Name, context.ResourceVersion),
            outcome with { IngressIps = ingress, LoadBalancer = outcome.LoadBalancer ?? (keepsIngress ? existing!.Status.LoadBalancer : null) },
            now);
        status = status with { Resync = Answer(context, existing?.Status.Resync, now) };
        var record = context.Interim && existing is not null
            ? existing with { Status = status, Settled = false }
            : new StatusRecord
            {
                ClusterId = context.ClusterId,
                Status = status,
                DesiredSeq = context.Interim ? 0 : context.DesiredSeq,
                NodeSeq = context.NodeSeq,
                NodeFingerprint = context.NodeFingerprint,
                RealServerHash = context.RealServerHash,
                Settled = context.Settled && !context.Interim,
                ReadyAt = existing?.ReadyAt,

                // The health loop's reads are the previous state of its next read; a publish does not know them.
                Health = existing?.Health,
                HealthRealServerHash = existing?.HealthRealServerHash ?? "",
            };
        record = record with { IssuedAt = context.IssuedAt };

        var firstReady = outcome.Phase == ServicePhase.Ready && existing?.ReadyAt is null && !context.Interim;
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
            return (null, false);
        }

        return (record, firstReady);
    }
}
