using Microsoft.DurableTask;
using SakuraLb.Functions.Activities;
using SakuraLb.Functions.Options;

namespace SakuraLb.Functions.Orchestrations;

/// <summary>
/// Deletes one orphaned load balancer (instance <c>orphan-&lt;id&gt;</c>) once its grace period is over: check
/// again that it is an orphan (this cluster's tag, this installation's owner id, no known Service) → shut down →
/// wait until down → delete → release the vanished Service's addresses → forget the record. A teardown runs the
/// same steps for each of its load balancers (<see cref="CleanUpAsync"/>).
/// </summary>
public sealed class OrphanCleanupOrchestrator(ReconcileOptions timings)
{
    public const string Name = "CleanupOrphan";

    public const string Deleted = "deleted";
    public const string NotOrphan = "not-orphan";
    public const string Incomplete = "incomplete";

    /// <summary>Instance id of an orphaned load balancer's cleanup.</summary>
    public static string InstanceId(long loadBalancerId) => "orphan-" + loadBalancerId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async Task<string> RunAsync(TaskOrchestrationContext context, OrphanInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var logger = context.CreateReplaySafeLogger<OrphanCleanupOrchestrator>();
        var (outcome, detail) = await CleanUpAsync(context, input, timings);
        logger.OrphanCleanupFinished(input.LoadBalancerId, detail.Length == 0 ? outcome : $"{outcome}: {detail}");
        return outcome;
    }

    /// <summary>
    /// The cleanup's steps, for any orchestration: <see cref="Deleted"/> (gone, addresses released, record forgotten),
    /// <see cref="NotOrphan"/> (left alone; the detail says why) or <see cref="Incomplete"/> (a step did not finish).
    /// </summary>
    public static async Task<(string Outcome, string Detail)> CleanUpAsync(TaskOrchestrationContext context, OrphanInput input, ReconcileOptions timings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(timings);
        var steps = new StepRunner(context, timings);
        var check = await context.CallActivityAsync<OrphanCheck>(CheckOrphanActivity.Name, input, timings.ActivityTaskOptions());
        if (!check.StillOrphan)
        {
            await context.CallActivityAsync<bool>(ForgetOrphanActivity.Name, new ForgetOrphanInput(input.ClusterId, input.LoadBalancerId, input.ServiceUid, false), timings.ActivityTaskOptions());
            return (NotOrphan, check.Reason);
        }

        var target = new LoadBalancerTarget(input.ClusterId, input.ServiceUid ?? "", input.LoadBalancerId);
        if (check.State.Found)
        {
            if (check.State.InstanceStatus is InstanceStatus.Up or InstanceStatus.Unknown && !check.State.IsFailed)
            {
                var shutDown = await steps.RunUntilDoneAsync(ShutDownLoadBalancerActivity.Name, target, timings.ShutdownTimeout);
                if (shutDown.Status != StepStatus.Done)
                {
                    return (Incomplete, $"shutdown {shutDown.Status} {shutDown.Message}");
                }
            }

            if (await steps.WaitUntilDownAsync(target) is null)
            {
                return (Incomplete, $"not down within {timings.ShutdownTimeout}");
            }

            var delete = await steps.RunUntilDoneAsync(DeleteLoadBalancerActivity.Name, target, timings.ShutdownTimeout);
            if (delete.Status != StepStatus.Done)
            {
                return (Incomplete, $"delete {delete.Status} {delete.Message}");
            }
        }

        await context.CallActivityAsync<bool>(ForgetOrphanActivity.Name, new ForgetOrphanInput(input.ClusterId, input.LoadBalancerId, input.ServiceUid, true), timings.ActivityTaskOptions());
        return (Deleted, "");
    }
}
