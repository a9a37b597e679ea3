using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Sandbox.Functions;

/// <summary>An HTTP-triggered function as the Functions host would serve it: name, verbs, route and key requirement.</summary>
public sealed record HttpFunction(string Name, IReadOnlyList<string> Methods, string Route, AuthorizationLevel AuthLevel, MethodInfo Method)
{
    /// <summary>The route the Functions host serves, with its default <c>api</c> prefix.</summary>
    public string Path(string routePrefix) => "/" + string.Join('/', new[] { routePrefix.Trim('/'), Route.Trim('/') }.Where(p => p.Length > 0));
}

/// <summary>A timer-triggered function; the sandbox runs it from a periodic loop instead of its NCRONTAB schedule.</summary>
public sealed record TimerFunction(string Name, string Schedule, MethodInfo Method);

/// <summary>
/// The function app's triggers read from the same attributes the Functions host reads (<c>[Function]</c>,
/// <c>[HttpTrigger]</c>, <c>[TimerTrigger]</c>, <c>[DurableClient]</c>), so a local host serves exactly the
/// app's functions, under the app's routes, without a list of its own that could drift.
/// </summary>
public static class FunctionCatalog
{
    public static IReadOnlyList<HttpFunction> HttpFunctions(Assembly assembly) =>
        [.. Functions(assembly)
            .Select(f => (f.Name, f.Method, Trigger: TriggerOf<HttpTriggerAttribute>(f.Method)))
            .Where(f => f.Trigger is not null)
            .Select(f =>
            {
                CheckSignature(f.Method, typeof(HttpRequest));
                if (!typeof(Task<IActionResult>).IsAssignableFrom(f.Method.ReturnType))
                {
                    throw new InvalidOperationException($"HTTP function {f.Name} must return Task<IActionResult> to be served locally (returns {f.Method.ReturnType.Name}).");
                }

                var methods = (f.Trigger!.Methods ?? []).Select(m => m.ToUpperInvariant()).ToArray();
                return new HttpFunction(f.Name, methods, f.Trigger.Route ?? f.Name, f.Trigger.AuthLevel, f.Method);
            })
            .OrderBy(f => f.Name, StringComparer.Ordinal)];

    public static IReadOnlyList<TimerFunction> TimerFunctions(Assembly assembly) =>
        [.. Functions(assembly)
            .Select(f => (f.Name, f.Method, Trigger: TriggerOf<TimerTriggerAttribute>(f.Method)))
            .Where(f => f.Trigger is not null)
            .Select(f =>
            {
                CheckSignature(f.Method, typeof(TimerInfo));
                return new TimerFunction(f.Name, f.Trigger!.Schedule, f.Method);
            })
            .OrderBy(f => f.Name, StringComparer.Ordinal)];

    /// <summary>
    /// Calls a function method on an instance from DI. Parameters are bound as the host binds them: the trigger
    /// payload, the <c>[DurableClient]</c> client, the cancellation token.
    /// </summary>
    public static object? Invoke(MethodInfo method, IServiceProvider services, object trigger, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(method);
        var instance = method.IsStatic ? null : ActivatorUtilities.GetServiceOrCreateInstance(services, method.DeclaringType!);
        var arguments = method.GetParameters().Select(p => Bind(p, trigger, client, cancellationToken)).ToArray();
        try
        {
            return method.Invoke(instance, arguments);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }
    }

    private static object Bind(ParameterInfo parameter, object trigger, DurableTaskClient client, CancellationToken cancellationToken) =>
        parameter.ParameterType switch
        {
            var t when t == typeof(CancellationToken) => cancellationToken,
            var t when t == typeof(DurableTaskClient) => client,
            var t when t.IsInstanceOfType(trigger) => trigger,
            _ => throw new InvalidOperationException($"Cannot bind parameter {parameter.Name} of {parameter.Member.Name}."),
        };

    private static IEnumerable<(string Name, MethodInfo Method)> Functions(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return assembly.GetExportedTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(m => (Attribute: m.GetCustomAttribute<FunctionAttribute>(), Method: m))
            .Where(f => f.Attribute is not null)
            .Select(f => (f.Attribute!.Name, f.Method));
    }

    private static TTrigger? TriggerOf<TTrigger>(MethodInfo method)
        where TTrigger : Attribute =>
        method.GetParameters().Select(p => p.GetCustomAttribute<TTrigger>()).FirstOrDefault(a => a is not null);

    /// <summary>Fails at start-up, naming the function, when a parameter is of a kind this host cannot supply.</summary>
    private static void CheckSignature(MethodInfo method, Type triggerType)
    {
        foreach (var parameter in method.GetParameters())
        {
            var bindable = parameter.ParameterType == typeof(CancellationToken)
                || (parameter.ParameterType == typeof(DurableTaskClient) && parameter.GetCustomAttribute<DurableClientAttribute>() is not null)
                || parameter.ParameterType.IsAssignableFrom(triggerType);
            if (!bindable)
            {
                throw new InvalidOperationException(
                    $"Function {method.DeclaringType?.Name}.{method.Name} has a parameter the local host cannot bind: {parameter.ParameterType.Name} {parameter.Name}.");
            }
        }
    }
}
