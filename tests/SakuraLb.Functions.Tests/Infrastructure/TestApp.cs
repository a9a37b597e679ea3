using System.Text.Json;
using DurableHost.AzureStorage;
using DurableHost.Serialization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SakuraLb.Functions.Resync;
using SakuraLb.Functions.Triggers;
using SakuraSim;

namespace SakuraLb.Functions.Tests.Infrastructure;

/// <summary>
/// The whole function app in-process: a durable engine with the app's registrations (<see cref="DurableTasks"/>)
/// and the Functions worker's data converter, the app's services
/// (<see cref="FunctionsServiceCollectionExtensions.AddSakuraLbFunctions"/>) against a Sakura simulator on loopback,
/// and every duration in milliseconds. The engine is the in-process one with in-memory stores, or the production
/// backend (Durable Task over Azure Storage, with host.json's settings) with table storage, both on the test
/// process's Azurite (docs/durable-engines.md). One per test: each test has its own simulator, cluster id, stores
/// and task hub.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly IDurableEngine host;
    private readonly SakuraSimulator simulator;
    private readonly ILoggerFactory loggerFactory;
    private readonly bool ownsSimulator;

    // What a restart starts again from (the configuration, the engine's options, the extra registrations).
    private Relaunch? relaunch;

    // Set once RestartAsync handed the engine's task hub and the simulator to the app it started.
    private bool restarted;

    private TestApp(IDurableEngine host, SakuraSimulator simulator, bool ownsSimulator, string clusterId, ILoggerFactory loggerFactory, FakeLogCollector logs)
    {
        this.host = host;
        this.simulator = simulator;
        this.ownsSimulator = ownsSimulator;
        this.loggerFactory = loggerFactory;
        ClusterId = clusterId;
        Logs = logs;
        Sim = new SimControl(simulator.BaseAddress);
    }

    /// <summary>What the app and the engine logged at the start's minimum level (Error unless told) and above.</summary>
    public FakeLogCollector Logs { get; }

    public string ClusterId { get; }

    public SimControl Sim { get; }

    public Uri ApiRoot => simulator.ApiRoot;

    public DurableTaskClient Client => host.Client;

    /// <summary>The durable engine (its kind, and for Azure Storage the task hub, for diagnostics).</summary>
    public IDurableEngine Engine => host;

    public IServiceProvider Services => host.Services;

    public IDesiredStore Desired => Services.GetRequiredService<IDesiredStore>();

    public IStatusStore Statuses => Services.GetRequiredService<IStatusStore>();

    public IReservationStore Reservations => Services.GetRequiredService<IReservationStore>();

    public IOrphanStore Orphans => Services.GetRequiredService<IOrphanStore>();

    /// <param name="settings">Overrides of the default test configuration (keys like "Reconcile:PollInterval").</param>
    /// <param name="simulatorOptions">Simulator options (default: immediate lifecycle, no rate limit).</param>
    /// <param name="services">Extra registrations (e.g. a fault-injecting handler on the Sakura client).</param>
    /// <param name="engine">The durable engine; Azure Storage comes with table storage (both on Azurite) unless the settings say otherwise.</param>
    /// <param name="sameCloudAs">Another app whose simulator this one uses too (a second installation on the same account; it keeps the simulator).</param>
    /// <param name="minimumLogLevel">The lowest level <see cref="Logs"/> collects.</param>
    /// <param name="restartable">Azure Storage only: keep the task hub when the engine stops, so <see cref="RestartAsync"/> can start the app again on it.</param>
    public static async Task<TestApp> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null,
        SakuraSimulatorOptions? simulatorOptions = null,
        Action<IServiceCollection>? services = null,
        DurableEngineKind engine = DurableEngineKind.InMemory,
        TestApp? sameCloudAs = null,
        LogLevel minimumLogLevel = LogLevel.Error,
        bool restartable = false)
    {
        var clusterId = settings?.GetValueOrDefault("Controller:ClusterId") ?? "c" + Guid.NewGuid().ToString("N")[..12];
        // The default router belongs to this cluster: the controller looks for its router tags plus the cluster's tag.
        var simulator = sameCloudAs?.simulator
            ?? await SakuraSimulator.StartAsync(
                (simulatorOptions ?? new SakuraSimulatorOptions { TimeScale = 0, RateLimitPerSecond = 0 }) with { DefaultRouterTags = ClusterRouterTags(clusterId) });
        var values = new Dictionary<string, string?>
        {
            ["Controller:ClusterId"] = clusterId,
            ["Controller:OrphanGracePeriod"] = "00:00:00.500",
            // A leaving real server goes at once, as before the drain; the drain scenarios set their own.
            ["Controller:DefaultDrainSeconds"] = "0",
            ["Ingest:HmacSecret"] = SignedRequests.Secret,
            ["Reconcile:PollInterval"] = "00:00:00.020",
            ["Reconcile:BootTimeout"] = "00:00:30",
            ["Reconcile:ShutdownTimeout"] = "00:00:30",
            ["Reconcile:NodeDebounce"] = "00:00:00.300",
            ["Reconcile:NodeDebounceMax"] = "00:00:05",
            ["Reconcile:NotFoundGrace"] = "00:00:05",
            ["Reconcile:PoweredOffGrace"] = "00:00:02",
            ["Reconcile:ActivityRetry:FirstRetryInterval"] = "00:00:00.050",
            ["Reconcile:ActivityRetry:MaxRetryInterval"] = "00:00:00.500",
            ["Reconcile:ActivityRetry:MaxAttempts"] = "8",
            ["Storage:Mode"] = "InMemory",
            ["Sakura:ApiRootUrl"] = simulator.ApiRoot.AbsoluteUri,
            ["Sakura:AccessToken"] = "test-token",
            ["Sakura:AccessTokenSecret"] = "test-secret",
            ["Sakura:Zone"] = "is1a",
            ["Sakura:RequestsPerSecond"] = "1000",
            ["Sakura:RetryBaseDelay"] = "00:00:00.010",
            ["Sakura:RetryMaxDelay"] = "00:00:00.100",
            ["Sakura:Timeout"] = "00:00:10",
        };
        DurableEngineOptions engineOptions = new() { DataConverter = FunctionsWorkerDataConverter.Default };
        if (engine == DurableEngineKind.AzureStorage)
        {
            var azure = (await AzureStorageEngineOptions.ForTestsAsync()) with { DataConverter = FunctionsWorkerDataConverter.Default };
            if (restartable)
            {
                // A named hub that outlives the engine; without the app lease the next engine owns it at once, and
                // messages the stopped engine had taken come back within seconds rather than the 5 minutes of production.
                azure = azure with
                {
                    TaskHubName = "t" + Guid.NewGuid().ToString("N")[..24],
                    DeleteTaskHubOnStop = false,
                    UseAppLease = false,
                    ControlQueueVisibilityTimeout = TimeSpan.FromSeconds(5),
                    WorkItemQueueVisibilityTimeout = TimeSpan.FromSeconds(5),
                };
            }

            engineOptions = azure;
            values["Storage:Mode"] = "Table";
            values["Storage:ConnectionString"] = azure.ConnectionString;
            values["Storage:TablePrefix"] = "t" + Guid.NewGuid().ToString("N")[..12];
        }
        else if (restartable)
        {
            throw new ArgumentException("Only the Azure Storage engine keeps its state across a restart.", nameof(restartable));
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var app = await LaunchAsync(new Relaunch(engine, values, services, engineOptions, minimumLogLevel), simulator, sameCloudAs is null, clusterId);
        app.relaunch = restartable ? app.relaunch : null;
        return app;
    }

    /// <summary>
    /// Stops the app as a host restart does (the worker and the engine; the task hub, the tables on Azurite and the
    /// simulator stay) and starts it again on them: orchestrations resume from their histories. Only for an app
    /// started <c>restartable</c>; this instance is spent (its dispose does nothing), use the returned one.
    /// </summary>
    public async Task<TestApp> RestartAsync()
    {
        var start = relaunch ?? throw new InvalidOperationException("Start the app with restartable: true to restart it.");
        relaunch = null;
        restarted = true;
        await host.DisposeAsync();
        Sim.Dispose();
        loggerFactory.Dispose();

        // The restarted app deletes the hub when it stops for good.
        var options = ((AzureStorageEngineOptions)start.EngineOptions) with { DeleteTaskHubOnStop = true };
        return await LaunchAsync(start with { EngineOptions = options }, simulator, ownsSimulator, ClusterId);
    }

    private static async Task<TestApp> LaunchAsync(Relaunch start, SakuraSimulator simulator, bool ownsSimulator, string clusterId)
    {
        var logs = new FakeLogCollector();
        var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(start.MinimumLogLevel).AddProvider(new FakeLoggerProvider(logs)));
        var engineOptions = start.EngineOptions with { LoggerFactory = loggerFactory };
        var services = start.Services;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(start.Values).Build();
        var deferred = new DeferredServiceProvider();
        var host = await DurableEngine.StartAsync(
            start.Engine,
            registry => DurableTasks.Register(registry, deferred),
            s =>
            {
                s.AddSakuraLbFunctions(configuration);
                s.AddSingleton<Sakura.Http.SakuraRateLimiterRegistry>(new Sakura.Http.SakuraRateLimiterRegistry());
                services?.Invoke(s);
            },
            engineOptions);
        deferred.Target = host.Services;
        return new TestApp(host, simulator, ownsSimulator, clusterId, loggerFactory, logs) { relaunch = start };
    }

    /// <summary>This installation's owner id (created on first use, like the app does).</summary>
    public Task<string> OwnerIdAsync() => Get<Installation.OwnerIdentity>().GetAsync(CancellationToken.None);

    /// <summary>The tags a router or plain switch of <paramref name="clusterId"/> carries for the default settings.</summary>
    public static string[] ClusterRouterTags(string clusterId) => [Reconcile.Desired.LoadBalancerNaming.BaseTag, Reconcile.Desired.LoadBalancerNaming.ClusterTag(clusterId)];

    /// <summary>The tags a router or plain switch of this cluster carries for the default settings.</summary>
    public string[] RouterTags => ClusterRouterTags(ClusterId);

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>POSTs a signed batch to the events function; returns the status code and the body.</summary>
    public async Task<(int Status, string Body)> PostEventsAsync(IReadOnlyList<ServiceSnapshot>? services = null, NodeSetSnapshot? nodes = null)
    {
        var batch = new EventBatch { ClusterId = ClusterId, SentAt = DateTimeOffset.UtcNow, Services = services ?? [], Nodes = nodes };
        var result = await Get<EventsFunction>().Run(SignedRequests.Create("POST", "/api/events", ModelJson.SerializeToUtf8Bytes(batch), contentType: "application/json", clusterId: ClusterId), Client, CancellationToken.None);
        return Read(result);
    }

    /// <summary>Sends Services of these names (port 80) with the default nodes and waits until each has settled.</summary>
    public async Task<List<ServiceSnapshot>> CreateServicesAsync(params string[] names)
    {
        var services = names.Select(n => Snapshots.Service(Snapshots.NewUid(), n, [80])).ToList();
        await PostEventsAsync(services, Snapshots.DefaultNodes());
        foreach (var service in services)
        {
            await WaitSettledAsync(service.Uid);
        }

        return services;
    }

    public async Task<StatusFeed> StatusFeedAsync()
    {
        var (status, body) = Read(await Get<StatusFunction>().Run(SignedRequests.Create("GET", "/api/status", [], clusterId: ClusterId), Client, CancellationToken.None));
        Assert.Equal(200, status);
        return ModelJson.Deserialize<StatusFeed>(body)!;
    }

    public Task<ResyncReport> ResyncAsync(bool collectOrphans = true) =>
        Get<ClusterResync>().RunAsync(Client, new ResyncScope(CollectOrphans: collectOrphans), CancellationToken.None);

    /// <summary>
    /// Waits until the Service's reconcile is not pending or running and its status reflects the newest desired
    /// state and is settled, then returns the status.
    /// </summary>
    public async Task<StatusRecord> WaitSettledAsync(string uid, TimeSpan? timeout = null)
    {
        return await Eventually.UntilAsync(
            async () =>
            {
                var instance = await Client.GetInstanceAsync(ReconcileServiceOrchestrator.InstanceId(uid));
                var desired = await Desired.GetAsync(ClusterId, uid, CancellationToken.None);
                var status = await Statuses.GetAsync(ClusterId, uid, CancellationToken.None);
                var idle = instance is null || instance.RuntimeStatus is not (OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Running);
                return (Idle: idle, Status: status, Seq: desired?.Seq ?? 0, Runtime: instance?.RuntimeStatus, Failure: instance?.FailureDetails?.ErrorMessage);
            },
            s => s.Idle && s.Status is { Settled: true } && s.Status.DesiredSeq >= s.Seq,
            $"Service {uid} to settle",
            timeout ?? TimeSpan.FromSeconds(90)).ContinueWith(t => t.Result.Status!, TaskScheduler.Default);
    }

    /// <summary>Waits until each of the Services has settled (<see cref="WaitSettledAsync"/>); their statuses, in the same order.</summary>
    public async Task<IReadOnlyList<StatusRecord>> WaitAllSettledAsync(IEnumerable<ServiceSnapshot> services, TimeSpan timeout)
    {
        var statuses = new List<StatusRecord>();
        foreach (var service in services)
        {
            statuses.Add(await WaitSettledAsync(service.Uid, timeout));
        }

        return statuses;
    }

    /// <summary>Runs the timer's pass (and waits for the orphan cleanup it starts) until the load balancer is gone.</summary>
    public Task ResyncUntilDeletedAsync(long loadBalancerId, string what) =>
        Eventually.UntilAsync(
            async () =>
            {
                await ResyncAsync();
                await WaitIdleAsync([OrphanCleanupOrchestrator.InstanceId(loadBalancerId)]);
                return (await Sim.LoadBalancersAsync()).Select(l => l.Id).ToList();
            },
            ids => !ids.Contains(loadBalancerId),
            what,
            TimeSpan.FromSeconds(60));

    /// <summary>Waits until no orchestration of these Services is pending or running.</summary>
    public Task WaitIdleAsync(IEnumerable<string> instanceIds, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(
            async () =>
            {
                var busy = new List<string>();
                foreach (var id in instanceIds)
                {
                    var instance = await Client.GetInstanceAsync(id);
                    if (instance?.RuntimeStatus is OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Running)
                    {
                        busy.Add(id);
                    }
                }

                return busy;
            },
            busy => busy.Count == 0,
            "orchestrations to finish",
            timeout ?? TimeSpan.FromSeconds(120));

    public static (int Status, string Body) Read(IActionResult result) => result switch
    {
        ContentResult content => (content.StatusCode ?? 200, content.Content ?? ""),
        StatusCodeResult code => (code.StatusCode, ""),
        ObjectResult obj => (obj.StatusCode ?? 200, JsonSerializer.Serialize(obj.Value)),
        _ => throw new InvalidOperationException($"Unexpected result {result.GetType().Name}"),
    };

    public async ValueTask DisposeAsync()
    {
        if (restarted)
        {
            return;
        }

        await host.DisposeAsync();
        if (ownsSimulator)
        {
            await simulator.DisposeAsync();
        }

        Sim.Dispose();
        loggerFactory.Dispose();
    }

    /// <summary>How the app was started, to start it again.</summary>
    private sealed record Relaunch(
        DurableEngineKind Engine,
        Dictionary<string, string?> Values,
        Action<IServiceCollection>? Services,
        DurableEngineOptions EngineOptions,
        LogLevel MinimumLogLevel);

    /// <summary>Lets the registrations resolve services from the worker host, which exists only after start.</summary>
    /// <remarks>
    /// An app started again on a task hub resumes its orchestrations while the engine is still starting, so a
    /// resolution waits (boundedly) for the host rather than failing the activity.
    /// </remarks>
    private sealed class DeferredServiceProvider : IServiceProvider
    {
        private readonly TaskCompletionSource<IServiceProvider> target = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IServiceProvider Target
        {
            set => target.TrySetResult(value);
        }

        public object? GetService(Type serviceType) =>
            (target.Task.Wait(TimeSpan.FromSeconds(60)) ? target.Task.Result : throw new InvalidOperationException("The durable host has not started yet."))
                .GetService(serviceType);
    }
}
