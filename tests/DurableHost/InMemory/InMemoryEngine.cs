using DurableHost.Sidecar;
using DurableHost.Telemetry;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DurableHost.InMemory;

/// <summary>
/// The SDK's in-process test host: an in-memory orchestration service behind the test host's gRPC sidecar
/// (<see cref="InMemorySidecar"/>, with host.json's concurrency limits), a worker and a client. Fast, but not the
/// production backend: see docs/durable-engines.md.
/// </summary>
public sealed class InMemoryEngine : IDurableEngine
{
    private readonly InMemorySidecar sidecar;
    private readonly IHost worker;
    private readonly SidecarChannel channel;
    private readonly ILoggerFactory loggerFactory;
    private int disposed;

    private InMemoryEngine(InMemorySidecar sidecar, IHost worker, SidecarChannel channel, ILoggerFactory loggerFactory)
    {
        this.sidecar = sidecar;
        this.worker = worker;
        this.channel = channel;
        this.loggerFactory = loggerFactory;
        Client = worker.Services.GetRequiredService<DurableTaskClient>();
    }

    public string Name => nameof(DurableEngineKind.InMemory);

    public DurableEngineKind Kind => DurableEngineKind.InMemory;

    public DurableTaskClient Client { get; }

    public IServiceProvider Services => worker.Services;

    /// <param name="register">The orchestrations and activities (use lambdas, not method groups: the Durable analyzers crash on those).</param>
    /// <param name="services">Registrations for the worker's container (activities' dependencies); run before the worker's own.</param>
    /// <param name="options">Logging, the data converter and the concurrency limits (host.json's unless set).</param>
    public static async Task<InMemoryEngine> StartAsync(
        Action<DurableTaskRegistry> register,
        Action<IServiceCollection>? services = null,
        DurableEngineOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(register);
        options ??= new DurableEngineOptions();
        var loggerFactory = EngineLogging.Create(options);
        var sidecar = new InMemorySidecar(options, loggerFactory);
        var channel = new SidecarChannel();
        var worker = await SidecarWorker.StartAsync(sidecar, channel, register, services, options, loggerFactory, cancellationToken);
        return new InMemoryEngine(sidecar, worker, channel, loggerFactory);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            await SidecarWorker.StopAsync(worker, sidecar, channel, loggerFactory);
        }
    }
}
