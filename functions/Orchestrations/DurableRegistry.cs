using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using SakuraLb.Functions.Activities;

namespace SakuraLb.Functions.Orchestrations;

/// <summary>
/// Registers every orchestration and activity with a <see cref="DurableTaskRegistry"/> (the in-process engine of
/// the tests and the sandbox), over the same plain classes and names as <see cref="DurableFunctions"/>. Lambdas,
/// not method groups: the Durable analyzer crashes on method groups.
/// </summary>
public static class DurableRegistry
{
    /// <summary>Names of the registered orchestrations.</summary>
    public static IReadOnlyList<string> Orchestrations { get; } = [.. Registrations.Where(r => r.IsOrchestration).Select(r => r.Name)];

    /// <summary>Names of the registered activities.</summary>
    public static IReadOnlyList<string> Activities { get; } = [.. Registrations.Where(r => !r.IsOrchestration).Select(r => r.Name)];

    /// <param name="services">Resolves the plain classes at run time (it may be filled in after the host starts).</param>
    public static void Register(DurableTaskRegistry registry, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(services);
        foreach (var registration in Registrations)
        {
            registration.Add(registry, services);
        }
    }

    private static Registration[] Registrations =>
    [
        Orchestration<ReconcileInput, ReconcileResult>(TaskNames.ReconcileService, (s, context, input) => s.GetRequiredService<ReconcileServiceOrchestrator>().RunAsync(context, input)),
        Orchestration<OrphanInput, string>(TaskNames.CleanupOrphan, (s, context, input) => s.GetRequiredService<OrphanCleanupOrchestrator>().RunAsync(context, input)),
        Activity<ServiceKey, DesiredState>(TaskNames.LoadDesired, (s, input) => s.GetRequiredService<LoadDesiredActivity>().RunAsync(input, CancellationToken.None)),
        Activity<ServiceKey, PlanResult>(TaskNames.ObserveAndPlan, (s, input) => s.GetRequiredService<ObserveAndPlanActivity>().RunAsync(input, CancellationToken.None)),
        Activity<ReservationInput, StepResult>(TaskNames.ReserveAddresses, (s, input) => s.GetRequiredService<ReserveAddressesActivity>().RunAsync(input, CancellationToken.None)),
        Activity<ReservationInput, StepResult>(TaskNames.ReleaseAddresses, (s, input) => s.GetRequiredService<ReleaseAddressesActivity>().RunAsync(input, CancellationToken.None)),
        Activity<CreateInput, StepResult>(TaskNames.CreateLoadBalancer, (s, input) => s.GetRequiredService<CreateLoadBalancerActivity>().RunAsync(input, CancellationToken.None)),
        Activity<LoadBalancerTarget, LoadBalancerState>(TaskNames.ReadLoadBalancer, (s, input) => s.GetRequiredService<ReadLoadBalancerActivity>().RunAsync(input, CancellationToken.None)),
        Activity<LoadBalancerTarget, StepResult>(TaskNames.BootLoadBalancer, (s, input) => s.GetRequiredService<BootLoadBalancerActivity>().RunAsync(input, CancellationToken.None)),
        Activity<TagsInput, StepResult>(TaskNames.UpdateTags, (s, input) => s.GetRequiredService<UpdateTagsActivity>().RunAsync(input, CancellationToken.None)),
        Activity<SettingsInput, StepResult>(TaskNames.UpdateSettings, (s, input) => s.GetRequiredService<UpdateSettingsActivity>().RunAsync(input, CancellationToken.None)),
        Activity<LoadBalancerTarget, StepResult>(TaskNames.ApplyConfig, (s, input) => s.GetRequiredService<ApplyConfigActivity>().RunAsync(input, CancellationToken.None)),
        Activity<LoadBalancerTarget, StepResult>(TaskNames.ShutDownLoadBalancer, (s, input) => s.GetRequiredService<ShutDownLoadBalancerActivity>().RunAsync(input, CancellationToken.None)),
        Activity<LoadBalancerTarget, StepResult>(TaskNames.DeleteLoadBalancer, (s, input) => s.GetRequiredService<DeleteLoadBalancerActivity>().RunAsync(input, CancellationToken.None)),
        Activity<PublishInput, bool>(TaskNames.PublishStatus, (s, input) => s.GetRequiredService<PublishStatusActivity>().RunAsync(input, CancellationToken.None)),
        Activity<OrphanInput, OrphanCheck>(TaskNames.CheckOrphan, (s, input) => s.GetRequiredService<CheckOrphanActivity>().RunAsync(input, CancellationToken.None)),
        Activity<ForgetOrphanInput, bool>(TaskNames.ForgetOrphan, (s, input) => s.GetRequiredService<ForgetOrphanActivity>().RunAsync(input, CancellationToken.None)),
    ];

    // The name goes through a parameter: the Durable analyzer pairs constant names of AddActivityFunc calls with
    // [ActivityTrigger] functions and crashes on the duplicates (the same name is in DurableFunctions too).
    private static Registration Orchestration<TInput, TOutput>(string name, Func<IServiceProvider, TaskOrchestrationContext, TInput, Task<TOutput>> run) =>
        new(name, true, (registry, services) => registry.AddOrchestratorFunc<TInput, TOutput>(name, (context, input) => run(services, context, input!)));

    private static Registration Activity<TInput, TOutput>(string name, Func<IServiceProvider, TInput, Task<TOutput>> run) =>
        new(name, false, (registry, services) => registry.AddActivityFunc<TInput, TOutput>(name, (_, input) => run(services, input!)));

    private sealed record Registration(string Name, bool IsOrchestration, Action<DurableTaskRegistry, IServiceProvider> Add);
}
