using Microsoft.Azure.Functions.Worker;
using SakuraLb.Functions.Nodes;

namespace SakuraLb.Functions.Triggers;

/// <summary>
/// The node controller's periodic pass (schedule from the app setting <c>NodeLifecycleSchedule</c>, every minute by
/// default): Nodes that changed are handled at once from <c>POST /api/events</c>; this pass catches what changes
/// only in the cloud (a server powered off or on, deleted, renamed) and confirms missing servers.
/// </summary>
public sealed class NodeLifecycleTimerFunction(NodePass pass)
{
    [Function("NodeLifecycleTimer")]
    public Task Run(
        [TimerTrigger("%NodeLifecycleSchedule%")] TimerInfo timer,
        CancellationToken cancellationToken) =>
        pass.RunAsync(cancellationToken);
}
