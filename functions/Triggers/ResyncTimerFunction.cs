using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using SakuraLb.Functions.Resync;

namespace SakuraLb.Functions.Triggers;

/// <summary>
/// The periodic resync (schedule from the app setting <c>ResyncSchedule</c>, every 5 minutes by default):
/// reconciles what is behind, corrects drift, collects orphans, purges old entries.
/// </summary>
public sealed class ResyncTimerFunction(ClusterResync resync)
{
    [Function("ResyncTimer")]
    public Task Run(
        [TimerTrigger("%ResyncSchedule%")] TimerInfo timer,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        resync.RunAsync(client, new ResyncScope(CollectOrphans: true), cancellationToken);
}
