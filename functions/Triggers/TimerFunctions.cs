using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using SakuraLb.Functions.Health;
using SakuraLb.Functions.Nodes;
using SakuraLb.Functions.Resync;

namespace SakuraLb.Functions.Triggers;

/// <summary>
/// The periodic passes, one line each over the classes that do the work; the schedules come from app settings. They
/// catch what no relay request reports: the resync's drift and orphans, the node controller's cloud-side changes, and
/// the backends' health.
/// </summary>
public sealed class TimerFunctions(ClusterResync resync, NodePass pass, HealthPass health)
{
    /// <summary>
    /// The periodic resync (<c>ResyncSchedule</c>, every 5 minutes by default): reconciles what is behind, corrects
    /// drift, collects orphans, purges old entries.
    /// </summary>
    [Function("ResyncTimer")]
    public Task Resync(
        [TimerTrigger("%ResyncSchedule%")] TimerInfo timer,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        resync.RunAsync(client, new ResyncScope(CollectOrphans: true), cancellationToken);

    /// <summary>
    /// The node controller's periodic pass (<c>NodeLifecycleSchedule</c>, every minute by default): Nodes that changed
    /// are handled at once from <c>POST /api/events</c>; this pass catches what changes only in the cloud (a server
    /// powered off or on, deleted, renamed) and confirms missing servers.
    /// </summary>
    [Function("NodeLifecycleTimer")]
    public Task NodeLifecycle([TimerTrigger("%NodeLifecycleSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        pass.RunAsync(cancellationToken);

    /// <summary>
    /// The backend-health reads (<c>HealthSchedule</c>, every 10 seconds by default): each run reads the load balancers
    /// that are due, within <c>Health:BudgetShare</c> of the request budget, for up to <c>Health:PassDuration</c>.
    /// </summary>
    [Function("HealthTimer")]
    public Task Health([TimerTrigger("%HealthSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        health.RunAsync(cancellationToken);
}
