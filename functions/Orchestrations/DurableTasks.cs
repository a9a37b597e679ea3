using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SakuraLb.Functions.Activities;
using static SakuraLb.Functions.Orchestrations.DurableTaskDescriptor;

namespace SakuraLb.Functions.Orchestrations;

/// <summary>
/// Every orchestration and activity of the app, once. The composition root registers the implementing classes
/// from this list and the in-process engine (tests, sandbox) registers the tasks from it; the Functions host
/// finds the same classes through the <c>[Function]</c> wrappers in <see cref="DurableFunctions"/>, which must
/// name their tasks with compile-time constants, and a test holds the wrappers and this list to each other.
/// A task name is the <c>Name</c> constant of its class; it is recorded in running orchestrations' histories,
/// so it must never change.
/// </summary>
public static class DurableTasks
{
    public static IReadOnlyList<DurableTaskDescriptor> All { get; } =
    [
        Orchestration<ReconcileServiceOrchestrator, ReconcileInput, ReconcileResult>(ReconcileServiceOrchestrator.Name, (o, context, input) => o.RunAsync(context, input)),
        Orchestration<OrphanCleanupOrchestrator, OrphanInput, string>(OrphanCleanupOrchestrator.Name, (o, context, input) => o.RunAsync(context, input)),
        Orchestration<TeardownOrchestrator, TeardownInput, TeardownReport>(TeardownOrchestrator.Name, (o, context, input) => o.RunAsync(context, input)),
        Activity<LoadDesiredActivity, ServiceKey, DesiredState>(LoadDesiredActivity.Name, (a, input, ct) => a.RunAsync(input, ct)),
        Activity<ObserveAndPlanActivity, PlanRequest, PlanResult>(ObserveAndPlanActivity.Name, (a, input, ct) => a.RunAsync(input, ct)),
        Activity<ReserveAddressesActivity, ReservationInput, StepResult>(ReserveAddressesActivity.Name, (a, input, ct) => a.RunAsync(input, ct)),
        Activity<ReleaseAddressesActivity, ReservationInput, StepResult>(ReleaseAddressesActivity.Name, (a, input, ct) => a.RunAsync(input, ct)),
        Activity<WakeAddressWaitersActivity, ServiceKey, int>(WakeAddressWaitersActivity.Name, (a, input, client, ct) => a.RunAsync(input, client, ct)),
        Activity<CreateLoadBalancerActivity, CreateInput, StepResult>(CreateLoadBalancerActivity.Name, (a, input, ct) => a.RunAsync(input, ct)),
        Activity<ReadLoadBalancerActivity, LoadBalancerTarget, LoadBalancerState>(ReadLoadBalancerActivity.Name, (a, input, ct) => a.RunAsync(input, ct)),
        Activity<BootLoadBalancerActivity, LoadBalancerTarget, StepResult>(BootLoadBalancerActivity.Name, (a, input, ct) => a.RunAsync(input, ct)),
        Activity<UpdateTagsActivity, TagsInput, StepResult>(UpdateTagsActivity.Name, (a, input, ct) => a.RunAsync(input, ct)),
        Activity<UpdateSettingsActivity, SettingsInput, StepResult>(UpdateSettingsActivity.Name, (a, input, ct) => a.RunAsync(input, ct)),
        Activity<ApplyConfigActivity, LoadBalancerTarget, StepResult>(ApplyConfigActivity.Name, (a, input, ct) => a.RunAsync(input, ct)),
        Activity<ShutDownLoadBalancerActivity, LoadBalancerTarget, StepResult>(ShutDownLoadBalancerActivity.Name, (a, input, ct) => a.RunAsync(input, ct)),
        Activity<DeleteLoadBalancerActivity, LoadBalancerTarget, StepResult>(DeleteLoadBalancerActivity.Name, (a, input, ct) => a.RunAsync(input, ct)),
        Activity<PublishStatusActivity, PublishInput, bool>(PublishStatusActivity.Name, (a, input, ct) => a.RunAsync(input, ct)),
        Activity<CompletionFenceActivity, FenceInput, FenceOutcome>(CompletionFenceActivity.Name, (a, input, ct) => a.RunAsync(input, ct)),
        Activity<CheckOrphanActivity, OrphanInput, OrphanCheck>(CheckOrphanActivity.Name, (a, input, ct) => a.RunAsync(input, ct)),
        Activity<ForgetOrphanActivity, ForgetOrphanInput, bool>(ForgetOrphanActivity.Name, (a, input, ct) => a.RunAsync(input, ct)),
        Activity<ForgetClusterActivity, string, int>(ForgetClusterActivity.Name, (a, input, ct) => a.RunAsync(input, ct)),
    ];

    /// <summary>Registers every implementing class (an earlier registration of a class wins, as with TryAdd).</summary>
    public static IServiceCollection AddDurableTaskImplementations(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        foreach (var task in All)
        {
            services.TryAdd(new ServiceDescriptor(task.Implementation, task.Implementation, task.Lifetime));
        }

        return services;
    }

    /// <summary>Registers every task with the in-process engine.</summary>
    /// <param name="services">Resolves the implementing classes at run time (it may be filled in after the host starts).</param>
    public static void Register(DurableTaskRegistry registry, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(services);
        foreach (var task in All)
        {
            task.Register(registry, services);
        }
    }
}
