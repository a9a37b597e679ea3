using System.Net;
using System.Net.Sockets;
using DurableHost.Serialization;
using DurableHost.Telemetry;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DurableHost.InMemory;

/// <summary>
/// The SDK's in-process test host (<see cref="DurableTaskTestHost"/>): an in-memory orchestration service behind
/// the test host's gRPC sidecar, a worker and a client. Fast, but not the production backend: see docs/durable-engines.md.
/// </summary>
public sealed class InMemoryEngine : IDurableEngine
{
    private readonly DurableTaskTestHost host;
    private readonly ILoggerFactory loggerFactory;

    private InMemoryEngine(DurableTaskTestHost host, ILoggerFactory loggerFactory)
    {
        this.host = host;
        this.loggerFactory = loggerFactory;
    }

    public string Name => nameof(DurableEngineKind.InMemory);

    public DurableEngineKind Kind => DurableEngineKind.InMemory;

    public DurableTaskClient Client => host.Client;

    public IServiceProvider Services => host.Services;

    public static async Task<InMemoryEngine> StartAsync(
        Action<DurableTaskRegistry> register,
        Action<IServiceCollection>? services = null,
        DurableEngineOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(register);
        var loggerFactory = EngineLogging.Create(options ?? new DurableEngineOptions());
        try
        {
            var host = await DurableTaskTestHost.StartAsync(
                register,
                new DurableTaskTestHostOptions
                {
                    // The test host would pick a random port from 30000-40000 without checking it is free.
                    Port = FreeLoopbackPort(),
                    LoggerFactory = loggerFactory,
                    ConfigureServices = s =>
                    {
                        services?.Invoke(s);
                        s.UseDurableDataConverter(options?.DataConverter);
                    },
                },
                cancellationToken);
            return new InMemoryEngine(host, loggerFactory);
        }
        catch
        {
            loggerFactory.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await host.DisposeAsync();
        loggerFactory.Dispose();
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
