using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace SakuraLb.Functions.Tests.Infrastructure;

/// <summary>
/// Wraps the app's implementation of an async interface (a store): every call passes through, except that a
/// test can make one method fail, or run a callback when one completes (the moment a reconcile passes its fence,
/// say). Registered with <see cref="StoreProbeServiceCollectionExtensions.AddStoreProbe{T}"/> in place of the
/// app's registration, and reached with <c>app.Get&lt;StoreProbe&lt;T&gt;&gt;()</c>.
/// </summary>
public class StoreProbe<T> : DispatchProxy
    where T : class
{
    private static readonly MethodInfo FromException = typeof(Task).GetMethods()
        .Single(m => m.Name == nameof(Task.FromException) && m.IsGenericMethodDefinition);

    private readonly ConcurrentDictionary<string, (Func<object?[], bool> When, Func<Exception> Fault)> faults = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Func<object?[], object?, bool>> callbacks = new(StringComparer.Ordinal);
    private T? inner;

    /// <summary>
    /// Every call of <paramref name="method"/> whose arguments <paramref name="when"/> accepts fails with what
    /// <paramref name="fault"/> makes, until <see cref="Heal"/>.
    /// </summary>
    public void Fail(string method, Func<object?[], bool> when, Func<Exception> fault) => faults[method] = (when, fault);

    public void Heal(string method) => faults.TryRemove(method, out _);

    /// <summary>
    /// After a call of <paramref name="method"/> completes, runs <paramref name="callback"/> with its arguments and result;
    /// the callback stays registered until it returns true (it decides when it has seen the call it waits for).
    /// </summary>
    public void After(string method, Func<object?[], object?, bool> callback) => callbacks[method] = callback;

    internal static T Create(T inner)
    {
        var proxy = DispatchProxy.Create<T, StoreProbe<T>>();
        ((StoreProbe<T>)(object)proxy).inner = inner;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (faults.TryGetValue(targetMethod.Name, out var fault) && fault.When(args ?? []))
        {
            var type = targetMethod.ReturnType;
            return type.IsGenericType
                ? FromException.MakeGenericMethod(type.GetGenericArguments()[0]).Invoke(null, [fault.Fault()])
                : Task.FromException(fault.Fault());
        }

        var result = targetMethod.Invoke(inner, args);
        if (result is Task task && callbacks.TryGetValue(targetMethod.Name, out var callback))
        {
            _ = task.ContinueWith(
                done =>
                {
                    var value = done.GetType().IsGenericType ? done.GetType().GetProperty(nameof(Task<int>.Result))!.GetValue(done) : null;
                    if (callback(args ?? [], value))
                    {
                        callbacks.TryRemove(new KeyValuePair<string, Func<object?[], object?, bool>>(targetMethod.Name, callback));
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion,
                TaskScheduler.Default);
        }

        return result;
    }
}

public static class StoreProbeServiceCollectionExtensions
{
    /// <summary>Puts a <see cref="StoreProbe{T}"/> around the last registration of <typeparamref name="T"/>.</summary>
    public static IServiceCollection AddStoreProbe<T>(this IServiceCollection services)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(services);
        var original = services.Last(d => d.ServiceType == typeof(T));
        services.Remove(original);
        services.AddSingleton(sp => StoreProbe<T>.Create((T)(original.ImplementationInstance
            ?? original.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!))));
        services.AddSingleton(sp => (StoreProbe<T>)(object)sp.GetRequiredService<T>());
        return services;
    }
}
