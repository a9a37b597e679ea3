using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using SakuraLb.Functions.Activities;

namespace SakuraLb.Functions.Orchestrations;

/// <summary>
/// Starts orchestrations with explicit dedupe statuses (Pending, Running, Suspended): a start for an instance
/// that is already pending or running is refused atomically by the backend, and the running instance sees the
/// change on its next pass (it re-reads the stored state). Completed instances are replaced.
/// </summary>
public sealed class ReconcileStarter(ILogger<ReconcileStarter> logger)
{
    private static readonly OrchestrationRuntimeStatus[] Active =
        [OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended];

    /// <summary>Makes sure <c>svc-&lt;uid&gt;</c> is pending or running; true when this call started it.</summary>
    public Task<bool> EnsureReconcileAsync(DurableTaskClient client, string clusterId, string uid, DateTimeOffset? startAt, CancellationToken cancellationToken) =>
        StartAsync(client, ReconcileServiceOrchestrator.Name, ReconcileServiceOrchestrator.InstanceId(uid), new ReconcileInput(clusterId, uid), startAt, cancellationToken);

    /// <summary>Makes sure <c>orphan-&lt;id&gt;</c> is pending or running; true when this call started it.</summary>
    public Task<bool> EnsureOrphanCleanupAsync(DurableTaskClient client, OrphanInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return StartAsync(client, OrphanCleanupOrchestrator.Name, OrphanCleanupOrchestrator.InstanceId(input.LoadBalancerId), input, null, cancellationToken);
    }

    private async Task<bool> StartAsync(DurableTaskClient client, string name, string instanceId, object input, DateTimeOffset? startAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var options = new StartOrchestrationOptions(instanceId, startAt).WithDedupeStatuses(Active);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(name, input, options, cancellationToken);
            logger.ReconcileStarted(instanceId, startAt);
            return true;
        }
        catch (OrchestrationAlreadyExistsException)
        {
            logger.ReconcileAlreadyRunning(instanceId);
            return false;
        }
    }
}
