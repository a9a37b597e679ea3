namespace SakuraLb.Functions.Activities;

/// <summary>
/// The first step of a teardown: forgets every Service of the cluster (its desired row and status, after releasing
/// its addresses) and every orphan record, so neither the timer nor a reconcile has anything left to create again.
/// Returns how many Services it forgot.
/// </summary>
public sealed class ForgetClusterActivity(IDesiredStore desired, IStatusStore statuses, IReservationStore reservations, IOrphanStore orphans)
{
    public const string Name = "ForgetCluster";

    private const int MaxRaces = 5;

    public async Task<int> RunAsync(string clusterId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(clusterId);
        var forgotten = 0;
        foreach (var service in await desired.ListAsync(clusterId, cancellationToken))
        {
            await reservations.ReleaseAsync(await reservations.ListByOwnerAsync(service.Uid, cancellationToken), cancellationToken);
            await statuses.DeleteAsync(clusterId, service.Uid, cancellationToken);

            // The row is deleted by its Seq; a snapshot stored meanwhile (a relay still running) is read and deleted too.
            var row = service;
            for (var race = 0; row is not null && race < MaxRaces; race++)
            {
                if (await desired.DeleteAsync(clusterId, row.Uid, row.Seq, cancellationToken))
                {
                    forgotten++;
                    break;
                }

                row = await desired.GetAsync(clusterId, row.Uid, cancellationToken);
            }
        }

        foreach (var record in await orphans.ListAsync(clusterId, cancellationToken))
        {
            await orphans.RemoveAsync(clusterId, record.LoadBalancerId, cancellationToken);
        }

        return forgotten;
    }
}
