using System.Net;
using DurableHost.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DurableHost.Sidecar;

/// <summary>
/// Serves the test host's gRPC server (<see cref="TaskHubGrpcServer"/> or a subclass)
/// on an HTTP/2 cleartext Kestrel endpoint on 127.0.0.1, on a port the OS picks.
/// </summary>
internal static class LoopbackGrpcSidecar
{
    /// <param name="services">The orchestration service (as <c>IOrchestrationService</c> and <c>IOrchestrationServiceClient</c>) and what the server needs besides.</param>
    public static async Task<(WebApplication App, Uri Address)> StartAsync<TServer>(
        LogLevel minimumLogLevel, ILoggerFactory loggerFactory, Action<IServiceCollection> services, CancellationToken cancellationToken)
        where TServer : TaskHubGrpcServer
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(LoopbackGrpcSidecar).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });

        // Only what is set here counts: the caller's environment or appsettings must not move or reconfigure the sidecar.
        builder.Configuration.Sources.Clear();
        EngineLogging.Configure(builder.Logging, minimumLogLevel, loggerFactory);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        services(builder.Services);

        // One server for the sidecar's life: it holds the worker's stream and the pending work items.
        builder.Services.AddSingleton<TServer>();
        var app = builder.Build();
        try
        {
            app.MapGrpcService<TServer>();
            await app.StartAsync(cancellationToken);

            // Created now, so it sees the application start and waits for the worker before starting the dispatchers.
            app.Services.GetRequiredService<TServer>();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? throw new InvalidOperationException("The sidecar started without a listening address.");
            return (app, new Uri(address));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public static IPEndPoint Endpoint(Uri? address) => address is { } listening
        ? new IPEndPoint(IPAddress.Parse(listening.Host), listening.Port)
        : throw new InvalidOperationException("The sidecar has not started.");
}
