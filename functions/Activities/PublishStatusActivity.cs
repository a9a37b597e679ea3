using SakuraLb.Reconcile.Planning;
using SakuraLb.Reconcile.Status;

namespace SakuraLb.Functions.Activities;

/// <summary>A status to publish and the versions it reflects.</summary>
/// <param name="Interim">A progress report before a long wait: it does not claim the desired version is reconciled.</param>
/// <param name="Settled">The outcome is final for <paramref name="DesiredSeq"/>; false when the pass stopped early and must be retried.</param>
/// <param name="IssuedAt">The orchestration's time when it asked for the publish: a publish issued earlier never replaces it.</param>
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
    DateTimeOffset FirstSeenAt,
    DateTimeOffset IssuedAt = default)
{
    /// <summary>The resync request of the reconciled snapshot, answered by this publish unless the status already answers it.</summary>
    public string? ResyncRequest { get; init; }

    /// <summary>When the reconciled snapshot was stored.</summary>
    public DateTimeOffset RequestStoredAt { get; init; }

    /// <summary>What the pass changed in the cloud (<see cref="ResyncChanges"/>).</summary>
    public string? Changes { get; init; }

    /// <summary>The load balancer a settled plan found; null keeps the published one while the address is kept.</summary>
    public LoadBalancerSummary? LoadBalancer { get; init; }
}

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
            ?? throw new InvalidOperationException($"The status of {input.Uid} changed under every one of {MaxAttempts} writes.");
    }

    /// <summary>One read and compare-and-swap of the status row: whether it wrote; null when another writer changed the row first.</summary>
    private async Task<bool?> TryPublishAsync(PublishInput input, CancellationToken cancellationToken)
    {
        var existing = await statuses.GetAsync(input.ClusterId, input.Uid, cancellationToken);
        if (existing?.IssuedAt is { } stored && stored > input.IssuedAt)
        {
            logger.StalePublishIgnored(input.Uid, input.IssuedAt, stored);
            return false;
        }

        var (record, firstReady) = Compose(input, existing, time.GetUtcNow());
        if (record is not null && !await statuses.TryPutAsync(record, existing?.Version, cancellationToken))
        {
            return null;
        }

        if (!input.Interim)
        {
            metrics.ReconcileFinished(input.Settled ? input.Phase.ToString().ToLowerInvariant() : "incomplete");
        }

        if (record is null)
        {
            return false;
        }

        if (firstReady)
        {
            metrics.ServiceReady(record.ReadyAt!.Value - input.FirstSeenAt);
        }

        logger.StatusPublished(input.Uid, record.Status.Phase, record.Status.ReasonCode, record.Settled);
        if (record.Status.Resync is { } answer && !Equals(answer, existing?.Status.Resync))
        {
            logger.ResyncAnswered(input.Uid, answer.Request, answer.Seconds, answer.Changes);
        }

        return true;
    }

    /// <summary>
    /// The resync answer the status carries: each request is answered once, by the first outcome (not a progress
    /// report) of a pass that reconciled a snapshot carrying it; later passes keep that answer.
    /// </summary>
    private static ResyncOutcome? Answer(PublishInput input, ResyncOutcome? answered, DateTimeOffset now)
    {
        if (input.Interim || input.ResyncRequest is not { } request || string.Equals(answered?.Request, request, StringComparison.Ordinal))
        {
            return answered;
        }

        var seconds = Math.Max(0, Math.Round((now - input.RequestStoredAt).TotalSeconds, 1));
        return new ResyncOutcome(request, seconds, input.Changes ?? ResyncChanges.None);
    }

    /// <summary>The row to write, and whether it records the first Ready; a null row when nothing would change.</summary>
    private static (StatusRecord? Record, bool FirstReady) Compose(PublishInput input, StatusRecord? existing, DateTimeOffset now)
    {
        // A progress report, or a pass that stopped early on the way to a running load balancer, says nothing
        // about the address the load balancer already serves: it stays in the feed (as upstream keeps the last
        // good address on failure) until a settled outcome replaces it. Only a removal may clear it unsettled.
        var keepsIngress = input.IngressIps.Count == 0 && existing is not null
            && (input.Interim || (!input.Settled && input.Phase is not (ServicePhase.Deleting or ServicePhase.Deleted)));
        var ingress = keepsIngress ? existing!.Status.IngressIps : input.IngressIps;
        var status = ServiceStatusBuilder.Build(
            new StatusSubject(input.Uid, input.Namespace, input.Name, input.ResourceVersion),
            new PlanOutcome(input.Phase, input.ReasonCode, input.Message, ingress, input.FinalizerReleasable, input.Warnings,
                input.LoadBalancer ?? (keepsIngress ? existing!.Status.LoadBalancer : null)),
            now);
        status = status with { Resync = Answer(input, existing?.Status.Resync, now) };
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

                // The health loop's reads are the previous state of its next read; a publish does not know them.
                Health = existing?.Health,
                HealthRealServerHash = existing?.HealthRealServerHash ?? "",
            };
        record = record with { IssuedAt = input.IssuedAt };

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
            return (null, false);
        }

        return (record, firstReady);
    }
}
