using Microsoft.DurableTask;
using SakuraLb.Functions.Activities;
using SakuraLb.Functions.Options;
using SakuraLb.Functions.Teardown;

namespace SakuraLb.Functions.Orchestrations;

/// <summary>A confirmed teardown's work: the cluster, this installation's owner id and the load balancers to delete.</summary>
public sealed record TeardownInput(string ClusterId, string OwnerId, string OperationId, IReadOnlyList<TeardownEntry> Entries);

/// <summary>
/// A teardown's progress while it runs (its custom status, kept small: the engine caps it): one letter per item
/// (<c>-</c> still deleting, <c>D</c> deleted, <c>F</c> failed, <c>S</c> skipped) and the reasons of failed and skipped
/// items by index.
/// </summary>
public sealed record TeardownProgress(string Actions, IReadOnlyDictionary<int, string> Reasons)
{
    private const int MaxReason = 200;

    public static TeardownProgress Of(IReadOnlyList<TeardownItem> items) => new(
        new string([.. items.Select(i => i.Action switch
        {
            TeardownAction.Deleted => 'D',
            TeardownAction.Failed => 'F',
            TeardownAction.Skipped => 'S',
            _ => '-',
        })]),
        items.Select((item, index) => (item, index))
            .Where(x => x.item.Reason is not null)
            .ToDictionary(x => x.index, x => x.item.Reason!.Length > MaxReason ? x.item.Reason[..MaxReason] : x.item.Reason!));

    /// <summary>The items as this progress shows them (items it does not cover stay as they were).</summary>
    public IReadOnlyList<TeardownItem> Apply(IReadOnlyList<TeardownItem> items) =>
        [.. items.Select((item, index) => index >= Actions.Length ? item : item with
        {
            Action = Actions[index] switch
            {
                'D' => TeardownAction.Deleted,
                'F' => TeardownAction.Failed,
                'S' => TeardownAction.Skipped,
                _ => item.Action,
            },
            Reason = Reasons.TryGetValue(index, out var reason) ? reason : item.Reason,
        })];
}

/// <summary>
/// A confirmed teardown (instance <c>teardown-&lt;id&gt;</c>): forgets the cluster's Services first (so nothing is
/// created again), then deletes each load balancer with the orphan cleanup's steps (check it is still this
/// installation's and unclaimed → shut down → wait → delete → release addresses), a few at a time, publishing the
/// progress after each group. The output is the final report.
/// </summary>
public sealed class TeardownOrchestrator(ReconcileOptions timings)
{
    public const string Name = "TeardownCluster";

    public const string InstancePrefix = "teardown-";

    /// <summary>Load balancers deleted at once: each waits on its shutdown, and the Sakura budget is shared.</summary>
    private const int Parallelism = 4;

    public async Task<TeardownReport> RunAsync(TaskOrchestrationContext context, TeardownInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var logger = context.CreateReplaySafeLogger<TeardownOrchestrator>();
        var forgotten = await context.CallActivityAsync<int>(ForgetClusterActivity.Name, input.ClusterId, timings.ActivityTaskOptions());
        var items = input.Entries.Select(e => e.Item).ToArray();
        var pending = Enumerable.Range(0, items.Length).Where(i => items[i].Action == TeardownAction.Deleting).ToList();
        context.SetCustomStatus(TeardownProgress.Of(items));
        foreach (var group in pending.Chunk(Parallelism))
        {
            var done = await Task.WhenAll(group.Select(i => DeleteAsync(context, input.ClusterId, input.Entries[i])));
            for (var k = 0; k < group.Length; k++)
            {
                items[group[k]] = done[k];
            }

            context.SetCustomStatus(TeardownProgress.Of(items));
        }

        var report = TeardownReport.Of(input.ClusterId, input.OwnerId, dryRun: false, input.OperationId, items);
        logger.TeardownFinished(input.OperationId, input.ClusterId, forgotten, report.Summary.Deleted, report.Summary.Failed, report.Summary.Skipped);
        return report;
    }

    private async Task<TeardownItem> DeleteAsync(TaskOrchestrationContext context, string clusterId, TeardownEntry entry)
    {
        try
        {
            var (outcome, detail) = await OrphanCleanupOrchestrator.CleanUpAsync(context, new OrphanInput(clusterId, entry.LoadBalancerId, entry.ServiceUid), timings);
            return outcome switch
            {
                OrphanCleanupOrchestrator.Deleted => entry.Item with { Action = TeardownAction.Deleted, Reason = null },
                OrphanCleanupOrchestrator.NotOrphan => entry.Item with { Action = TeardownAction.Skipped, Reason = "left alone: " + detail },
                _ => entry.Item with { Action = TeardownAction.Failed, Reason = detail },
            };
        }
        catch (TaskFailedException ex)
        {
            // An activity that kept failing (its retries spent): this load balancer failed, the others go on.
            return entry.Item with { Action = TeardownAction.Failed, Reason = ex.FailureDetails.ErrorMessage };
        }
    }
}
