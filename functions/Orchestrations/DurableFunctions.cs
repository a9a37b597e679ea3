using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using SakuraLb.Functions.Activities;

namespace SakuraLb.Functions.Orchestrations;

/// <summary>
/// The Functions wrappers of every orchestration and activity: one line each over the plain classes, under the
/// names in <see cref="TaskNames"/>. <see cref="DurableRegistry"/> registers the same classes under the same
/// names for the in-process engine, and a test checks the two lists and functions.metadata agree.
/// </summary>
public sealed class DurableFunctions(ReconcileServiceOrchestrator reconcile, OrphanCleanupOrchestrator orphans)
{
    [Function(TaskNames.ReconcileService)]
    public Task<ReconcileResult> ReconcileService([OrchestrationTrigger] TaskOrchestrationContext context) =>
        reconcile.RunAsync(context, context.GetInput<ReconcileInput>()!);

    [Function(TaskNames.CleanupOrphan)]
    public Task<string> CleanupOrphan([OrchestrationTrigger] TaskOrchestrationContext context) =>
        orphans.RunAsync(context, context.GetInput<OrphanInput>()!);

    [Function(TaskNames.LoadDesired)]
    public static Task<DesiredState> LoadDesired([ActivityTrigger] ServiceKey input, FunctionContext context) =>
        Get<LoadDesiredActivity>(context).RunAsync(input, context.CancellationToken);

    [Function(TaskNames.ObserveAndPlan)]
    public static Task<PlanResult> ObserveAndPlan([ActivityTrigger] ServiceKey input, FunctionContext context) =>
        Get<ObserveAndPlanActivity>(context).RunAsync(input, context.CancellationToken);

    [Function(TaskNames.ReserveAddresses)]
    public static Task<StepResult> ReserveAddresses([ActivityTrigger] ReservationInput input, FunctionContext context) =>
        Get<ReserveAddressesActivity>(context).RunAsync(input, context.CancellationToken);

    [Function(TaskNames.ReleaseAddresses)]
    public static Task<StepResult> ReleaseAddresses([ActivityTrigger] ReservationInput input, FunctionContext context) =>
        Get<ReleaseAddressesActivity>(context).RunAsync(input, context.CancellationToken);

    [Function(TaskNames.CreateLoadBalancer)]
    public static Task<StepResult> CreateLoadBalancer([ActivityTrigger] CreateInput input, FunctionContext context) =>
        Get<CreateLoadBalancerActivity>(context).RunAsync(input, context.CancellationToken);

    [Function(TaskNames.ReadLoadBalancer)]
    public static Task<LoadBalancerState> ReadLoadBalancer([ActivityTrigger] LoadBalancerTarget input, FunctionContext context) =>
        Get<ReadLoadBalancerActivity>(context).RunAsync(input, context.CancellationToken);

    [Function(TaskNames.BootLoadBalancer)]
    public static Task<StepResult> BootLoadBalancer([ActivityTrigger] LoadBalancerTarget input, FunctionContext context) =>
        Get<BootLoadBalancerActivity>(context).RunAsync(input, context.CancellationToken);

    [Function(TaskNames.UpdateTags)]
    public static Task<StepResult> UpdateTags([ActivityTrigger] TagsInput input, FunctionContext context) =>
        Get<UpdateTagsActivity>(context).RunAsync(input, context.CancellationToken);

    [Function(TaskNames.UpdateSettings)]
    public static Task<StepResult> UpdateSettings([ActivityTrigger] SettingsInput input, FunctionContext context) =>
        Get<UpdateSettingsActivity>(context).RunAsync(input, context.CancellationToken);

    [Function(TaskNames.ApplyConfig)]
    public static Task<StepResult> ApplyConfig([ActivityTrigger] LoadBalancerTarget input, FunctionContext context) =>
        Get<ApplyConfigActivity>(context).RunAsync(input, context.CancellationToken);

    [Function(TaskNames.ShutDownLoadBalancer)]
    public static Task<StepResult> ShutDownLoadBalancer([ActivityTrigger] LoadBalancerTarget input, FunctionContext context) =>
        Get<ShutDownLoadBalancerActivity>(context).RunAsync(input, context.CancellationToken);

    [Function(TaskNames.DeleteLoadBalancer)]
    public static Task<StepResult> DeleteLoadBalancer([ActivityTrigger] LoadBalancerTarget input, FunctionContext context) =>
        Get<DeleteLoadBalancerActivity>(context).RunAsync(input, context.CancellationToken);

    [Function(TaskNames.PublishStatus)]
    public static Task<bool> PublishStatus([ActivityTrigger] PublishInput input, FunctionContext context) =>
        Get<PublishStatusActivity>(context).RunAsync(input, context.CancellationToken);

    [Function(TaskNames.CheckOrphan)]
    public static Task<OrphanCheck> CheckOrphan([ActivityTrigger] OrphanInput input, FunctionContext context) =>
        Get<CheckOrphanActivity>(context).RunAsync(input, context.CancellationToken);

    [Function(TaskNames.ForgetOrphan)]
    public static Task<bool> ForgetOrphan([ActivityTrigger] ForgetOrphanInput input, FunctionContext context) =>
        Get<ForgetOrphanActivity>(context).RunAsync(input, context.CancellationToken);

    private static T Get<T>(FunctionContext context)
        where T : notnull =>
        context.InstanceServices.GetRequiredService<T>();
}
