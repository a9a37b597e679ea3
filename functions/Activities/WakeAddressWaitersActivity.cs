using Microsoft.DurableTask.Client;
using SakuraLb.Functions.Orchestrations;
using SakuraLb.Reconcile.Status;

namespace SakuraLb.Functions.Activities;

/// <summary>
/// Runs right after a Service gave addresses back: starts again every Service of the cluster whose status says it
/// waits for an address or a VRRP id (<see cref="AddressWaiters"/>), so a freed address is taken within seconds
/// rather than at the next timer pass. One status query; no cloud request. Needs the durable client to start them,
/// which is why it is the one activity that takes one.
/// </summary>
public sealed class WakeAddressWaitersActivity(IStatusStore statuses, ReconcileStarter starter, ILogger<WakeAddressWaitersActivity> logger)
{
    public const string Name = "WakeAddressWaiters";

    /// <returns>How many Services were started (or found running, and going to see the freed rows).</returns>
    public async Task<int> RunAsync(ServiceKey input, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(client);
        var waiting = AddressWaiters.ToWake((await statuses.ListAsync(input.ClusterId, cancellationToken)).Select(s => s.Status), input.Uid);
        if (waiting.Count == 0)
        {
            return 0;
        }

        logger.AddressWaitersWoken(input.Uid, waiting.Count, string.Join(", ", waiting.Take(10)));
        var started = await starter.EnsureReconcilesAsync(client, input.ClusterId, [.. waiting.Select(uid => new ReconcileStart(uid))], markFirst: true, cancellationToken);
        return started.Count;
    }
}
