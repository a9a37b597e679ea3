using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using SakuraLb.Functions.Activities;

namespace SakuraLb.Functions.Orchestrations;

/// <summary>
/// The Functions host's entry points to every orchestration and activity: one line each over the plain classes.
/// The host reads them from these attributes at build time (functions.metadata), so each is written out here
/// with its class's <c>Name</c> constant; a test checks that they and <see cref="DurableTasks"/> list the same
/// tasks with the same input and output types.
/// </summary>
public sealed class DurableFunctions(ReconcileServiceOrchestrator reconcile, OrphanCleanupOrchestrator orphans, TeardownOrchestrator teardown)
{
    [Function(ReconcileServiceOrchestrator.Name)]
    public Task<ReconcileResult> ReconcileService([OrchestrationTrigger] TaskOrchestrationContext context) =>
        reconcile.RunAsync(context, context.GetInput<ReconcileInput>()!);

    [Function(OrphanCleanupOrchestrator.Name)]
    public Task<string> CleanupOrphan([OrchestrationTrigger] TaskOrchestrationContext context) =>
        orphans.RunAsync(context, context.GetInput<OrphanInput>()!);

    [Function(TeardownOrchestrator.Name)]
    public Task<TeardownReport> TeardownCluster([OrchestrationTrigger] TaskOrchestrationContext context) =>
        teardown.RunAsync(context, context.GetInput<TeardownInput>()!);

    [Function(LoadDesiredActivity.Name)]
    public static Task<DesiredState> LoadDesired([ActivityTrigger] ServiceKey input, FunctionContext context) =>
        Run<LoadDesiredActivity, DesiredState>(context, a => a.RunAsync(input, context.CancellationToken));

    [Function(ObserveAndPlanActivity.Name)]
    public static Task<PlanResult> ObserveAndPlan([ActivityTrigger] PlanRequest input, FunctionContext context) =>
        Run<ObserveAndPlanActivity, PlanResult>(context, a => a.RunAsync(input, context.CancellationToken));

    [Function(ReserveAddressesActivity.Name)]
    public static Task<StepResult> ReserveAddresses([ActivityTrigger] ReservationInput input, FunctionContext context) =>
        Run<ReserveAddressesActivity, StepResult>(context, a => a.RunAsync(input, context.CancellationToken));

    [Function(ReleaseAddressesActivity.Name)]
    public static Task<StepResult> ReleaseAddresses([ActivityTrigger] ReservationInput input, FunctionContext context) =>
        Run<ReleaseAddressesActivity, StepResult>(context, a => a.RunAsync(input, context.CancellationToken));

    [Function(WakeAddressWaitersActivity.Name)]
    public static Task<int> WakeAddressWaiters([ActivityTrigger] ServiceKey input, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        Run<WakeAddressWaitersActivity, int>(context, a => a.RunAsync(input, client, context.CancellationToken));

    [Function(CreateLoadBalancerActivity.Name)]
    public static Task<StepResult> CreateLoadBalancer([ActivityTrigger] CreateInput input, FunctionContext context) =>
        Run<CreateLoadBalancerActivity, StepResult>(context, a => a.RunAsync(input, context.CancellationToken));

    [Function(ReadLoadBalancerActivity.Name)]
    public static Task<LoadBalancerState> ReadLoadBalancer([ActivityTrigger] LoadBalancerTarget input, FunctionContext context) =>
        Run<ReadLoadBalancerActivity, LoadBalancerState>(context, a => a.RunAsync(input, context.CancellationToken));

    [Function(BootLoadBalancerActivity.Name)]
    public static Task<StepResult> BootLoadBalancer([ActivityTrigger] LoadBalancerTarget input, FunctionContext context) =>
        Run<BootLoadBalancerActivity, StepResult>(context, a => a.RunAsync(input, context.CancellationToken));

    [Function(UpdateTagsActivity.Name)]
    public static Task<StepResult> UpdateTags([ActivityTrigger] TagsInput input, FunctionContext context) =>
        Run<UpdateTagsActivity, StepResult>(context, a => a.RunAsync(input, context.CancellationToken));

    [Function(UpdateSettingsActivity.Name)]
    public static Task<StepResult> UpdateSettings([ActivityTrigger] SettingsInput input, FunctionContext context) =>
        Run<UpdateSettingsActivity, StepResult>(context, a => a.RunAsync(input, context.CancellationToken));

    [Function(ApplyConfigActivity.Name)]
    public static Task<StepResult> ApplyConfig([ActivityTrigger] LoadBalancerTarget input, FunctionContext context) =>
        Run<ApplyConfigActivity, StepResult>(context, a => a.RunAsync(input, context.CancellationToken));

    [Function(ShutDownLoadBalancerActivity.Name)]
    public static Task<StepResult> ShutDownLoadBalancer([ActivityTrigger] LoadBalancerTarget input, FunctionContext context) =>
        Run<ShutDownLoadBalancerActivity, StepResult>(context, a => a.RunAsync(input, context.CancellationToken));

    [Function(DeleteLoadBalancerActivity.Name)]
    public static Task<StepResult> DeleteLoadBalancer([ActivityTrigger] LoadBalancerTarget input, FunctionContext context) =>
        Run<DeleteLoadBalancerActivity, StepResult>(context, a => a.RunAsync(input, context.CancellationToken));

    [Function(PublishStatusActivity.Name)]
    public static Task<bool> PublishStatus([ActivityTrigger] PublishInput input, FunctionContext context) =>
        Run<PublishStatusActivity, bool>(context, a => a.RunAsync(input, context.CancellationToken));

    [Function(CompletionFenceActivity.Name)]
    public static Task<FenceOutcome> CompletionFence([ActivityTrigger] FenceInput input, FunctionContext context) =>
        Run<CompletionFenceActivity, FenceOutcome>(context, a => a.RunAsync(input, context.CancellationToken));

    [Function(CheckOrphanActivity.Name)]
    public static Task<OrphanCheck> CheckOrphan([ActivityTrigger] OrphanInput input, FunctionContext context) =>
        Run<CheckOrphanActivity, OrphanCheck>(context, a => a.RunAsync(input, context.CancellationToken));

    [Function(ForgetOrphanActivity.Name)]
    public static Task<bool> ForgetOrphan([ActivityTrigger] ForgetOrphanInput input, FunctionContext context) =>
        Run<ForgetOrphanActivity, bool>(context, a => a.RunAsync(input, context.CancellationToken));

    [Function(ForgetClusterActivity.Name)]
    public static Task<int> ForgetCluster([ActivityTrigger] string input, FunctionContext context) =>
        Run<ForgetClusterActivity, int>(context, a => a.RunAsync(input, context.CancellationToken));

    /// <summary>Resolves the activity's class and runs it; a transient failure leaves as a <see cref="TransientFailureException"/>.</summary>
    private static Task<TOutput> Run<TActivity, TOutput>(FunctionContext context, Func<TActivity, Task<TOutput>> run)
        where TActivity : notnull
    {
        var activity = context.InstanceServices.GetRequiredService<TActivity>();
        return TransientFailures.RunAsync(() => run(activity));
    }
}
