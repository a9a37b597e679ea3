using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using SakuraLb.Functions.Activities;

namespace SakuraLb.Functions.Orchestrations;

/// <summary>
/// The Functions host's entry points to every orchestration and activity: one line each over the plain classes.
/// The host reads them from these attributes at build time (functions.metadata), so each is written out here
/// with its class's <c>Name</c> constant; a test checks that they and <see cref="DurableTasks"/> list the same
/// tasks with the same input and output types.
/// </summary>
public sealed class DurableFunctions(ReconcileServiceOrchestrator reconcile, OrphanCleanupOrchestrator orphans)
{
    [Function(ReconcileServiceOrchestrator.Name)]
    public Task<ReconcileResult> ReconcileService([OrchestrationTrigger] TaskOrchestrationContext context) =>
        reconcile.RunAsync(context, context.GetInput<ReconcileInput>()!);

    [Function(OrphanCleanupOrchestrator.Name)]
    public Task<string> CleanupOrphan([OrchestrationTrigger] TaskOrchestrationContext context) =>
        orphans.RunAsync(context, context.GetInput<OrphanInput>()!);

    [Function(LoadDesiredActivity.Name)]
    public static Task<DesiredState> LoadDesired([ActivityTrigger] ServiceKey input, FunctionContext context) =>
        Get<LoadDesiredActivity>(context).RunAsync(input, context.CancellationToken);

    [Function(ObserveAndPlanActivity.Name)]
    public static Task<PlanResult> ObserveAndPlan([ActivityTrigger] ServiceKey input, FunctionContext context) =>
        Get<ObserveAndPlanActivity>(context).RunAsync(input, context.CancellationToken);

    [Function(ReserveAddressesActivity.Name)]
    public static Task<StepResult> ReserveAddresses([ActivityTrigger] ReservationInput input, FunctionContext context) =>
        Get<ReserveAddressesActivity>(context).RunAsync(input, context.CancellationToken);

    [Function(ReleaseAddressesActivity.Name)]
    public static Task<StepResult> ReleaseAddresses([ActivityTrigger] ReservationInput input, FunctionContext context) =>
        Get<ReleaseAddressesActivity>(context).RunAsync(input, context.CancellationToken);

    [Function(CreateLoadBalancerActivity.Name)]
    public static Task<StepResult> CreateLoadBalancer([ActivityTrigger] CreateInput input, FunctionContext context) =>
        Get<CreateLoadBalancerActivity>(context).RunAsync(input, context.CancellationToken);

    [Function(ReadLoadBalancerActivity.Name)]
    public static Task<LoadBalancerState> ReadLoadBalancer([ActivityTrigger] LoadBalancerTarget input, FunctionContext context) =>
        Get<ReadLoadBalancerActivity>(context).RunAsync(input, context.CancellationToken);

    [Function(BootLoadBalancerActivity.Name)]
    public static Task<StepResult> BootLoadBalancer([ActivityTrigger] LoadBalancerTarget input, FunctionContext context) =>
        Get<BootLoadBalancerActivity>(context).RunAsync(input, context.CancellationToken);

    [Function(UpdateTagsActivity.Name)]
    public static Task<StepResult> UpdateTags([ActivityTrigger] TagsInput input, FunctionContext context) =>
        Get<UpdateTagsActivity>(context).RunAsync(input, context.CancellationToken);

    [Function(UpdateSettingsActivity.Name)]
    public static Task<StepResult> UpdateSettings([ActivityTrigger] SettingsInput input, FunctionContext context) =>
        Get<UpdateSettingsActivity>(context).RunAsync(input, context.CancellationToken);

    [Function(ApplyConfigActivity.Name)]
    public static Task<StepResult> ApplyConfig([ActivityTrigger] LoadBalancerTarget input, FunctionContext context) =>
        Get<ApplyConfigActivity>(context).RunAsync(input, context.CancellationToken);

    [Function(ShutDownLoadBalancerActivity.Name)]
    public static Task<StepResult> ShutDownLoadBalancer([ActivityTrigger] LoadBalancerTarget input, FunctionContext context) =>
        Get<ShutDownLoadBalancerActivity>(context).RunAsync(input, context.CancellationToken);

    [Function(DeleteLoadBalancerActivity.Name)]
    public static Task<StepResult> DeleteLoadBalancer([ActivityTrigger] LoadBalancerTarget input, FunctionContext context) =>
        Get<DeleteLoadBalancerActivity>(context).RunAsync(input, context.CancellationToken);

    [Function(PublishStatusActivity.Name)]
    public static Task<bool> PublishStatus([ActivityTrigger] PublishInput input, FunctionContext context) =>
        Get<PublishStatusActivity>(context).RunAsync(input, context.CancellationToken);

    [Function(CheckOrphanActivity.Name)]
    public static Task<OrphanCheck> CheckOrphan([ActivityTrigger] OrphanInput input, FunctionContext context) =>
        Get<CheckOrphanActivity>(context).RunAsync(input, context.CancellationToken);

    [Function(ForgetOrphanActivity.Name)]
    public static Task<bool> ForgetOrphan([ActivityTrigger] ForgetOrphanInput input, FunctionContext context) =>
        Get<ForgetOrphanActivity>(context).RunAsync(input, context.CancellationToken);

    private static T Get<T>(FunctionContext context)
        where T : notnull =>
        context.InstanceServices.GetRequiredService<T>();
}
