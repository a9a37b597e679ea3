using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;

namespace SakuraLb.Functions.Tests.Infrastructure;

/// <summary>
/// The app's services with in-memory stores and a substitute durable client: for the HTTP functions' checks,
/// which need no engine and no cloud.
/// </summary>
internal sealed class FunctionHarness : IDisposable
{
    public const string ClusterId = "c-test";

    private FunctionHarness(ServiceProvider services)
    {
        Services = services;
        Client = Substitute.For<DurableTaskClient>("test");

        // No instance is running: the starters' one query for busy instances finds none.
        Client.GetAllInstancesAsync(Arg.Any<OrchestrationQuery?>()).Returns(Pageable.Create((string? _, int? _, CancellationToken _) =>
            Task.FromResult(new Page<OrchestrationMetadata>([], null))));
    }

    public ServiceProvider Services { get; }

    public DurableTaskClient Client { get; }

    /// <param name="services">Registrations that replace the app's (e.g. a store that fails).</param>
    public static FunctionHarness Create(IReadOnlyDictionary<string, string?>? overrides = null, Action<IServiceCollection>? services = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Controller:ClusterId"] = ClusterId,
            // A leaving real server goes at once, as before the drain; the drain scenarios set their own.
            ["Controller:DefaultDrainSeconds"] = "0",
            ["Ingest:HmacSecret"] = SignedRequests.Secret,
            ["Storage:Mode"] = "InMemory",
            ["Sakura:ApiRootUrl"] = "http://127.0.0.1:9/cloud/zone",
            ["Sakura:AccessToken"] = "t",
            ["Sakura:AccessTokenSecret"] = "s",
            ["Reconcile:NodeDebounce"] = "00:00:02",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var collection = new ServiceCollection()
            .AddLogging()
            .AddSakuraLbFunctions(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services?.Invoke(collection);
        return new FunctionHarness(collection.BuildServiceProvider(validateScopes: true));
    }

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>The instance ids the functions asked the engine to start, with their start options.</summary>
    public IReadOnlyList<StartOrchestrationOptions> Starts() =>
        [.. Client.ReceivedCalls()
            .Where(c => c.GetMethodInfo().Name == nameof(DurableTaskClient.ScheduleNewOrchestrationInstanceAsync))
            .Select(c => c.GetArguments().OfType<StartOrchestrationOptions>().Single())];

    public void Dispose() => Services.Dispose();
}
