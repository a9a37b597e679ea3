namespace SakuraLb.Functions.Activities;

public sealed record ForgetOrphanInput(string ClusterId, long LoadBalancerId, string? ServiceUid, bool ReleaseAddresses);

/// <summary>
/// Drops the orphan record and, after a deletion, the addresses the vanished Service still held (only when the
/// Service is still unknown: a Service that came back keeps its reservations).
/// </summary>
public sealed class ForgetOrphanActivity(IOrphanStore orphans, IReservationStore reservations, IDesiredStore desired, SakuraLbMetrics metrics)
{
    public const string Name = "ForgetOrphan";

    public async Task<bool> RunAsync(ForgetOrphanInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.ReleaseAddresses && !string.IsNullOrEmpty(input.ServiceUid)
            && await desired.GetAsync(input.ClusterId, input.ServiceUid, cancellationToken) is null)
        {
            await reservations.ReleaseAsync(await reservations.ListByOwnerAsync(input.ServiceUid, cancellationToken), cancellationToken);
        }

        await orphans.RemoveAsync(input.ClusterId, input.LoadBalancerId, cancellationToken);
        metrics.Orphan(input.ReleaseAddresses ? "deleted" : "forgotten");
        return true;
    }
}
