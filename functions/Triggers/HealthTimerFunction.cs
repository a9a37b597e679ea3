using Microsoft.Azure.Functions.Worker;
using SakuraLb.Functions.Health;

namespace SakuraLb.Functions.Triggers;

/// <summary>
/// The backend-health reads (schedule from the app setting <c>HealthSchedule</c>, every 10 seconds by default): each
/// run reads the load balancers that are due, within <c>Health:BudgetShare</c> of the request budget, for up to
/// <c>Health:PassDuration</c>.
/// </summary>
public sealed class HealthTimerFunction(HealthPass pass)
{
    [Function("HealthTimer")]
    public Task Run(
        [TimerTrigger("%HealthSchedule%")] TimerInfo timer,
        CancellationToken cancellationToken) =>
        pass.RunAsync(cancellationToken);
}
