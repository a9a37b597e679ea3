using System.Net;
using DurableHost.Sidecar;
using DurableTask.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DurableHost.InMemory;

/// <summary>
/// The SDK's in-memory orchestration service behind its test host's gRPC server, as <c>DurableTaskTestHost</c> runs
/// them, but with the engine's concurrency limits: the SDK's service fixes them at one work item per processor, so
/// on two cores a burst of reconciles queued behind two activities at a time whatever host.json says.
/// </summary>
internal sealed class InMemorySidecar(DurableEngineOptions options, ILoggerFactory loggerFactory) : ISidecar, IAsyncDisposable
{
    private WebApplication? app;

    public Uri? Address { get; private set; }

    public IPEndPoint Endpoint => LoopbackGrpcSidecar.Endpoint(Address);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var service = new LimitedInMemoryOrchestrationService(options, loggerFactory);
        (app, Address) = await LoopbackGrpcSidecar.StartAsync<TaskHubGrpcServer>(
            options.MinimumLogLevel,
            loggerFactory,
            services =>
            {
                services.AddSingleton<IOrchestrationService>(service);
                services.AddSingleton<IOrchestrationServiceClient>(service);
            },
            cancellationToken);
    }

    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref app, null) is { } running)
        {
            // Stopping the app stops the dispatchers, from the server's own stopping handler.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await running.StopAsync(timeout.Token);
            await running.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>The dispatchers read the limits through the interface, so re-implementing these two members is enough.</summary>
    private sealed class LimitedInMemoryOrchestrationService(DurableEngineOptions options, ILoggerFactory loggerFactory)
        : InMemoryOrchestrationService(loggerFactory), IOrchestrationService
    {
        int IOrchestrationService.MaxConcurrentTaskActivityWorkItems => options.MaxConcurrentActivityFunctions;

        int IOrchestrationService.MaxConcurrentTaskOrchestrationWorkItems => options.MaxConcurrentOrchestratorFunctions;
    }
}
