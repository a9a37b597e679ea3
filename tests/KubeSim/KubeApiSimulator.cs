using System.Globalization;
using KubeSim.Api;
using KubeSim.Storage;
using KubeSim.Telemetry;

namespace KubeSim;

/// <summary>
/// A Kubernetes API server fake on loopback HTTP: Services, Nodes, Events (core and events.k8s.io),
/// Leases and Namespaces with real list/watch/resourceVersion/finalizer/patch semantics, enough
/// discovery for kubectl, plus test controls. Start one per test with <see cref="StartAsync"/>.
/// </summary>
public sealed class KubeApiSimulator : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ObjectStore store;
    private readonly SimulatorControls controls;

    private KubeApiSimulator(WebApplication app, ObjectStore store, SimulatorControls controls, Uri baseAddress)
    {
        this.app = app;
        this.store = store;
        this.controls = controls;
        BaseAddress = baseAddress;
        Objects = new KubeObjectStore(store);
    }

    /// <summary>http://127.0.0.1:PORT/ (with a trailing slash).</summary>
    public Uri BaseAddress { get; }

    /// <summary>Direct, HTTP-free access to the objects, with the same semantics as the API.</summary>
    public KubeObjectStore Objects { get; }

    /// <summary>How watches from a too-old resourceVersion are refused; can be changed while running.</summary>
    public WatchGoneMode TooOldWatchResponse
    {
        get => controls.TooOldWatchResponse;
        set => controls.TooOldWatchResponse = value;
    }

    public static async Task<KubeApiSimulator> StartAsync(KubeApiSimulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new KubeApiSimulatorOptions();
        options.Validate();
        var time = options.TimeProvider ?? TimeProvider.System;

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(KubeApiSimulator).Assembly.GetName().Name,
        });
        builder.WebHost.UseUrls(options.Urls);
        builder.Logging.ClearProviders();
        options.ConfigureLogging?.Invoke(builder.Logging);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        if (!options.UseConsoleLifetime)
        {
            // In-process instances must not take over the test process's Ctrl+C / SIGTERM handling.
            builder.Services.AddSingleton<IHostLifetime, PassiveLifetime>();
        }

        var app = builder.Build();
        var store = new ObjectStore(time, options.WatchHistoryLimit);
        SeedNodes(store, options);
        var controls = new SimulatorControls(options.TooOldWatchResponse);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("KubeSim");
        var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var handler = new KubeApiHandler(store, controls, time, options.BookmarkInterval, logger, stopping);
        app.Run(handler.HandleAsync);

        await app.StartAsync(cancellationToken);
        var bound = app.Urls.FirstOrDefault() ?? throw new InvalidOperationException("the simulator did not bind an address");
        var baseAddress = new Uri(bound.TrimEnd('/') + "/");
        Logs.Listening(logger, baseAddress);
        return new KubeApiSimulator(app, store, controls, baseAddress);
    }

    /// <summary>
    /// A kubeconfig (context "kubesim", namespace default) pointing at this simulator; its token is a placeholder
    /// (KubernetesClient insists on some credential) that the simulator ignores, for
    /// kubectl or <c>KubernetesClientConfiguration.BuildConfigFromConfigFile</c>.
    /// </summary>
    public string KubeconfigYaml() => $$"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: kubesim
          cluster:
            server: {{BaseAddress.ToString().TrimEnd('/')}}
        contexts:
        - name: kubesim
          context:
            cluster: kubesim
            user: kubesim
            namespace: default
        current-context: kubesim
        users:
        - name: kubesim
          user:
            token: kubesim

        """;

    /// <summary>Forgets the change history: watches from any resourceVersion before now get 410 Gone. Returns the current resourceVersion.</summary>
    public long CompactHistory() => store.Compact();

    /// <summary>Ends open watches (of one resource, e.g. "services", or all) with an in-stream 410 ERROR event. Returns how many.</summary>
    public int ExpireOpenWatches(string? resource = null) => store.ExpireWatches(StorageOf(resource));

    /// <summary>Number of open watch streams (of one resource, or all).</summary>
    public int OpenWatchCount(string? resource = null) => store.OpenWatchCount(StorageOf(resource));

    /// <summary>Waits until at least <paramref name="count"/> watches of the resource are open, polling until the deadline (default 30 s).</summary>
    public async Task WaitForWatchesAsync(string resource, int count = 1, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (OpenWatchCount(resource) < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"expected {count} open watch(es) of {resource}, have {OpenWatchCount(resource)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }

    /// <summary>Answers the next <c>fault.Count</c> matching requests with the fault's status instead of serving them.</summary>
    public void InjectFault(KubeFault fault) => controls.AddFault(fault);

    /// <summary>Shorthand: fail the next <paramref name="count"/> requests with this method and path (<c>*</c> wildcards) with <paramref name="statusCode"/>.</summary>
    public void FailNextRequests(string method, string pathPattern, int statusCode, int count = 1) =>
        InjectFault(new KubeFault { Method = method, PathPattern = pathPattern, StatusCode = statusCode, Count = count });

    public void ClearFaults() => controls.ClearFaults();

    /// <summary>Every API request served so far (oldest first), with its Kubernetes verb and resource.</summary>
    public IReadOnlyList<KubeRequestRecord> RequestLog => controls.RequestLog();

    public void ClearRequestLog() => controls.ClearRequestLog();

    /// <summary>Completes when the simulator stops (used by the standalone program).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private static string? StorageOf(string? resource) =>
        resource is null ? null
        : ResourceCatalog.All.FirstOrDefault(r => r.Plural == resource || r.QualifiedName == resource)?.Storage
            ?? throw new ArgumentException($"unknown resource \"{resource}\"", nameof(resource));

    private static void SeedNodes(ObjectStore store, KubeApiSimulatorOptions options)
    {
        var names = (options.SeedDefaultNodes ? new[] { "node-1", "node-2", "node-3" } : []).Concat(options.SeedNodeNames).Distinct().ToList();
        var objects = new KubeObjectStore(store);
        for (var i = 0; i < names.Count; i++)
        {
            var id = (113000000001L + i).ToString(CultureInfo.InvariantCulture);
            var ip = string.Create(CultureInfo.InvariantCulture, $"10.0.{(11 + i) / 250}.{(11 + i) % 250}");
            objects.CreateNode(names[i], ip, providerId: "sakuracloud://" + id);
        }
    }

    private sealed class PassiveLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
