using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using SakuraLb.Functions.Activities;

namespace SakuraLb.Functions.Orchestrations;

public enum DurableTaskKind
{
    Orchestration,
    Activity,
}

/// <summary>
/// One orchestration or activity: its task name, its input and output, the plain class that implements it and
/// how that class is called. Built only through <see cref="Orchestration"/> and the two <c>Activity</c> overloads, whose
/// type parameters tie the four together at compile time.
/// </summary>
public sealed class DurableTaskDescriptor
{
    private readonly Action<DurableTaskRegistry, IServiceProvider> register;

    private DurableTaskDescriptor(string name, DurableTaskKind kind, Type input, Type output, Type implementation, Action<DurableTaskRegistry, IServiceProvider> register)
    {
        Name = name;
        Kind = kind;
        Input = input;
        Output = output;
        Implementation = implementation;
        this.register = register;
    }

    public string Name { get; }

    public DurableTaskKind Kind { get; }

    public Type Input { get; }

    public Type Output { get; }

    public Type Implementation { get; }

    /// <summary>
    /// Orchestrators hold nothing but their timings, and the Functions wrapper class takes them in its
    /// constructor, so one instance serves every run; an activity is created per call.
    /// </summary>
    public ServiceLifetime Lifetime => Kind == DurableTaskKind.Orchestration ? ServiceLifetime.Singleton : ServiceLifetime.Transient;

    public static DurableTaskDescriptor Orchestration<TOrchestrator, TInput, TOutput>(string name, Func<TOrchestrator, TaskOrchestrationContext, TInput, Task<TOutput>> run)
        where TOrchestrator : notnull
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(run);

        // The name reaches AddOrchestratorFunc as a variable and the function as a lambda: the Durable analyzer
        // pairs constant names of these calls with the [Function] wrappers of the same name and crashes on the
        // duplicates, and it crashes on method groups.
        return new(name, DurableTaskKind.Orchestration, typeof(TInput), typeof(TOutput), typeof(TOrchestrator), (registry, services) =>
            registry.AddOrchestratorFunc<TInput, TOutput>(name, (context, input) => run(services.GetRequiredService<TOrchestrator>(), context, input!)));
    }

    public static DurableTaskDescriptor Activity<TActivity, TInput, TOutput>(string name, Func<TActivity, TInput, CancellationToken, Task<TOutput>> run)
        where TActivity : notnull
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(run);
        return new(name, DurableTaskKind.Activity, typeof(TInput), typeof(TOutput), typeof(TActivity), (registry, services) =>
            registry.AddActivityFunc<TInput, TOutput>(name, (_, input) =>
                TransientFailures.RunAsync(() => run(services.GetRequiredService<TActivity>(), input!, CancellationToken.None))));
    }

    /// <summary>
    /// An activity that starts orchestrations itself, so it needs the durable client: the Functions host binds it to
    /// the wrapper's <c>[DurableClient]</c> parameter, the in-process engine resolves it from the worker's services.
    /// </summary>
    public static DurableTaskDescriptor Activity<TActivity, TInput, TOutput>(string name, Func<TActivity, TInput, DurableTaskClient, CancellationToken, Task<TOutput>> run)
        where TActivity : notnull
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(run);
        return new(name, DurableTaskKind.Activity, typeof(TInput), typeof(TOutput), typeof(TActivity), (registry, services) =>
            registry.AddActivityFunc<TInput, TOutput>(name, (_, input) =>
                TransientFailures.RunAsync(() => run(
                    services.GetRequiredService<TActivity>(), input!, services.GetRequiredService<DurableTaskClient>(), CancellationToken.None))));
    }

    /// <summary>Registers the task with the in-process engine; <paramref name="services"/> resolves the class at run time.</summary>
    public void Register(DurableTaskRegistry registry, IServiceProvider services) => register(registry, services);

    public override string ToString() => $"{Kind} {Name}({Input.Name}) -> {Output.Name} by {Implementation.Name}";
}
