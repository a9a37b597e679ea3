using DurableHost.Sidecar;
using DurableHost.Telemetry;
using DurableTask.AzureStorage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DurableHost.AzureStorage;

/// <summary>
/// The Functions host's backend in the test process: an <see cref="AzureStorageSidecar"/> (DurableTask.AzureStorage
/// over Azurite, behind the test host's gRPC server with the Functions host's answers), plus a worker host and a
/// client connected to it over gRPC, as the isolated worker's are. See docs/durable-engines.md.
/// </summary>
public sealed class AzureStorageEngine : IDurableEngine
{
    private static readonly TimeSpan ServiceStartTimeout = TimeSpan.FromSeconds(60);

    private readonly AzureStorageSidecar sidecar;
    private readonly IHost worker;
    private readonly SidecarChannel channel;
    private readonly ILoggerFactory loggerFactory;
    private int disposed;

    private AzureStorageEngine(AzureStorageSidecar sidecar, IHost worker, SidecarChannel channel, ILoggerFactory loggerFactory)
    {
        this.sidecar = sidecar;
        this.worker = worker;
        this.channel = channel;
        this.loggerFactory = loggerFactory;
        Client = worker.Services.GetRequiredService<DurableTaskClient>();
    }

    public string Name => nameof(DurableEngineKind.AzureStorage);

    public DurableEngineKind Kind => DurableEngineKind.AzureStorage;

    public DurableTaskClient Client { get; }

    public IServiceProvider Services => worker.Services;

    /// <summary>This engine's task hub (its queues, tables and containers are named after it).</summary>
    public string TaskHubName => sidecar.TaskHubName;

    /// <summary>The orchestration service itself, for what the gRPC client does not offer (diagnostics).</summary>
    public AzureStorageOrchestrationService Service => sidecar.Service;

    /// <summary>Where the sidecar listens (HTTP/2 cleartext on 127.0.0.1).</summary>
    public Uri Address => sidecar.Address!;

    /// <summary>
    /// Creates the task hub, starts the sidecar, then the worker, and returns once the orchestration service runs
    /// and owns its partitions.
    /// </summary>
    /// <param name="register">The orchestrations and activities (use lambdas, not method groups: the Durable analyzers crash on those).</param>
    /// <param name="services">Registrations for the worker's container (activities' dependencies); run before the worker's own.</param>
    public static async Task<AzureStorageEngine> StartAsync(
        Action<DurableTaskRegistry> register,
        Action<IServiceCollection>? services,
        AzureStorageEngineOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(register);
        ArgumentNullException.ThrowIfNull(options);
        var loggerFactory = EngineLogging.Create(options);
        var sidecar = new AzureStorageSidecar(options, loggerFactory);
        var channel = new SidecarChannel();
        var worker = await SidecarWorker.StartAsync(sidecar, channel, register, services, options, loggerFactory, cancellationToken);
        try
        {
            // The service starts once the worker has connected, and then takes its partitions.
            await sidecar.ServiceStarted.WaitAsync(ServiceStartTimeout, cancellationToken);
            await sidecar.WaitForPartitionsAsync(ServiceStartTimeout, cancellationToken);
            return new AzureStorageEngine(sidecar, worker, channel, loggerFactory);
        }
        catch
        {
            await SidecarWorker.StopAsync(worker, sidecar, channel, loggerFactory);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            await SidecarWorker.StopAsync(worker, sidecar, channel, loggerFactory);
        }
    }
}
