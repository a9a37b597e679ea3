using Microsoft.DurableTask;
using SakuraLb.Functions.Activities;
using SakuraLb.Functions.Options;

namespace SakuraLb.Functions.Orchestrations;

/// <summary>
/// Deletes one orphaned load balancer (instance <c>orphan-&lt;id&gt;</c>) once its grace period is over: check
/// again that it is an orphan → shut down → wait until down → delete → release the vanished Service's
/// addresses → forget the record.
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
        var steps = new StepRunner(context, timings);
        var check = await context.CallActivityAsync<OrphanCheck>(CheckOrphanActivity.Name, input, timings.ActivityTaskOptions());
        if (!check.StillOrphan)
        {
            await context.CallActivityAsync<bool>(ForgetOrphanActivity.Name, new ForgetOrphanInput(input.ClusterId, input.LoadBalancerId, input.ServiceUid, false), timings.ActivityTaskOptions());
            logger.OrphanCleanupFinished(input.LoadBalancerId, $"{NotOrphan}: {check.Reason}");
            return NotOrphan;
        }

        var target = new LoadBalancerTarget(input.ClusterId, input.ServiceUid ?? "", input.LoadBalancerId);
        if (check.State.Found)
        {
            if (check.State.InstanceStatus is InstanceStatus.Up or InstanceStatus.Unknown && !check.State.IsFailed)
            {
                var shutDown = await steps.RunUntilDoneAsync(ShutDownLoadBalancerActivity.Name, target, timings.ShutdownTimeout);
                if (shutDown.Status != StepStatus.Done)
                {
                    logger.OrphanCleanupFinished(input.LoadBalancerId, $"{Incomplete}: shutdown {shutDown.Status} {shutDown.Message}");
                    return Incomplete;
                }
            }

            if (await steps.WaitUntilDownAsync(target) is null)
            {
                logger.OrphanCleanupFinished(input.LoadBalancerId, $"{Incomplete}: not down within {timings.ShutdownTimeout}");
                return Incomplete;
            }

            var delete = await steps.RunUntilDoneAsync(DeleteLoadBalancerActivity.Name, target, timings.ShutdownTimeout);
            if (delete.Status != StepStatus.Done)
            {
                logger.OrphanCleanupFinished(input.LoadBalancerId, $"{Incomplete}: delete {delete.Status} {delete.Message}");
                return Incomplete;
            }
        }

        await context.CallActivityAsync<bool>(ForgetOrphanActivity.Name, new ForgetOrphanInput(input.ClusterId, input.LoadBalancerId, input.ServiceUid, true), timings.ActivityTaskOptions());
        logger.OrphanCleanupFinished(input.LoadBalancerId, Deleted);
        return Deleted;
    }
}
