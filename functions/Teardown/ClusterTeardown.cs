using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using SakuraLb.Functions.Installation;
using SakuraLb.Functions.Options;
using SakuraLb.Functions.Orchestrations;
using SakuraLb.Reconcile.Desired;

namespace SakuraLb.Functions.Teardown;

/// <summary>
/// The cluster teardown behind <c>POST /api/teardown</c>: lists every load balancer carrying this cluster's tag (one
/// tag search) and what becomes of it (<see cref="TeardownRules"/>); a confirmed teardown also terminates the running
/// reconciles (a pass in flight must not create anything again) and starts <see cref="TeardownOrchestrator"/>.
/// </summary>
public sealed class ClusterTeardown(
    ISakuraCloud cloud,
    IDesiredStore desired,
    OwnerIdentity owner,
    ControllerSettings settings,
    IOptions<ControllerOptions> options,
    SakuraLbMetrics metrics,
    ILogger<ClusterTeardown> logger)
{
    /// <summary>What a teardown would delete; nothing is changed.</summary>
    public async Task<TeardownReport> DryRunAsync(CancellationToken cancellationToken)
    {
        var (ownerId, entries) = await InventoryAsync(dryRun: true, cancellationToken);
        var report = TeardownReport.Of(settings.ClusterId, ownerId, dryRun: true, null, [.. entries.Select(e => e.Item)]);
        logger.TeardownDryRun(settings.ClusterId, ownerId, report.Summary.WouldDelete, report.Summary.Skipped);
        metrics.Teardown("would-delete", report.Summary.WouldDelete);
        return report;
    }

    /// <summary>Starts the teardown; the report lists what it is deleting, under its operation id.</summary>
    public async Task<TeardownReport> StartAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var (ownerId, entries) = await InventoryAsync(dryRun: false, cancellationToken);
        var terminated = 0;
        foreach (var instanceId in await ReconcileStarter.RunningAsync(client, cancellationToken))
        {
            await client.TerminateInstanceAsync(instanceId, "cluster teardown", cancellationToken);
            terminated++;
        }

        var operationId = TeardownOrchestrator.InstancePrefix + Guid.NewGuid().ToString("N");
        await client.ScheduleNewOrchestrationInstanceAsync(
            TeardownOrchestrator.Name,
            new TeardownInput(settings.ClusterId, ownerId, operationId, entries),
            new StartOrchestrationOptions(operationId),
            cancellationToken);
        var report = TeardownReport.Of(settings.ClusterId, ownerId, dryRun: false, operationId, [.. entries.Select(e => e.Item)]);
        logger.TeardownStarted(operationId, settings.ClusterId, ownerId, report.Summary.Deleting, report.Summary.Skipped, terminated);
        metrics.Teardown("deleting", report.Summary.Deleting);
        return report;
    }

    /// <summary>A teardown's report as it stands (final once it finished); null for an id that is no teardown of this app.</summary>
    public static async Task<TeardownReport?> ProgressAsync(DurableTaskClient client, string operationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!IsOperationId(operationId))
        {
            return null;
        }

        var instance = await client.GetInstanceAsync(operationId, getInputsAndOutputs: true, cancellationToken);
        if (instance is null || instance.Name != TeardownOrchestrator.Name)
        {
            return null;
        }

        if (instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed && instance.ReadOutputAs<TeardownReport>() is { } final)
        {
            return final;
        }

        var input = instance.ReadInputAs<TeardownInput>()!;
        var items = input.Entries.Select(e => e.Item).ToList();
        var shown = instance.ReadCustomStatusAs<TeardownProgress>() is { } progress ? progress.Apply(items) : items;
        if (instance.RuntimeStatus is OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)
        {
            // The orchestration itself ended without a report: what it had not finished has failed.
            var why = $"the teardown ended as {instance.RuntimeStatus}: {instance.FailureDetails?.ErrorMessage ?? "no reason given"}";
            shown = [.. shown.Select(i => i.Action == TeardownAction.Deleting ? i with { Action = TeardownAction.Failed, Reason = why } : i)];
        }

        return TeardownReport.Of(input.ClusterId, input.OwnerId, dryRun: false, operationId, shown);
    }

    /// <summary>True for what <see cref="StartAsync"/> hands out: the prefix and 32 hex digits.</summary>
    public static bool IsOperationId(string? operationId) =>
        operationId is { Length: 41 } && operationId.StartsWith(TeardownOrchestrator.InstancePrefix, StringComparison.Ordinal)
        && operationId[TeardownOrchestrator.InstancePrefix.Length..].All(char.IsAsciiHexDigitLower);

    private async Task<(string OwnerId, IReadOnlyList<TeardownEntry> Entries)> InventoryAsync(bool dryRun, CancellationToken cancellationToken)
    {
        var ownerId = await owner.GetAsync(cancellationToken);
        var lbs = await cloud.FindLoadBalancersByTagsAsync([LoadBalancerNaming.ClusterTag(settings.ClusterId)], cancellationToken);
        var services = (await desired.ListAsync(settings.ClusterId, cancellationToken))
            .ToDictionary(s => s.Uid, s => LoadBalancerNaming.Description(s.Snapshot.Namespace, s.Snapshot.Name), StringComparer.Ordinal);
        return (ownerId, TeardownRules.Entries(settings.ClusterId, ownerId, options.Value.AdoptUnownedLoadBalancers, dryRun, lbs, services));
    }
}
