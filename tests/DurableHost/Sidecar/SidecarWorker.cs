using DurableHost.Serialization;
using DurableHost.Telemetry;
using Grpc.Net.Client;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DurableHost.Sidecar;

/// <summary>The worker and the client of an engine, connected to its sidecar over gRPC as the isolated worker's are.</summary>
internal static class SidecarWorker
{
    /// <summary>
    /// A worker and a <see cref="DurableTaskClient"/> on <paramref name="channel"/>. The worker takes at most the
    /// engine's concurrency limits of work items at a time, the same limits its sidecar's dispatchers hand out.
    /// </summary>
    public static IServiceCollection AddSidecarWorker(
        this IServiceCollection services, GrpcChannel channel, Action<DurableTaskRegistry> register, DurableEngineOptions options)
    {
        services.AddDurableTaskWorker(worker =>
        {
            worker.UseGrpc(channel);
            worker.AddTasks(register);
            worker.Configure(o =>
            {
                o.Concurrency.MaximumConcurrentActivityWorkItems = options.MaxConcurrentActivityFunctions;
                o.Concurrency.MaximumConcurrentOrchestrationWorkItems = options.MaxConcurrentOrchestratorFunctions;
            });
        });
        services.AddDurableTaskClient(client =>
        {
            client.UseGrpc(channel);
            client.RegisterDirectly();
        });
        return services.UseDurableDataConverter(options.DataConverter);
    }

    /// <summary>
    /// Starts the sidecar, then a worker host connected to it (the caller's services first, so activities resolve
    /// them); if either fails, stops what started.
    /// </summary>
    public static async Task<IHost> StartAsync(
        ISidecar sidecar,
        SidecarChannel channel,
        Action<DurableTaskRegistry> register,
        Action<IServiceCollection>? services,
        DurableEngineOptions options,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        IHost? worker = null;
        try
        {
            await sidecar.StartAsync(cancellationToken);
            channel.SetEndpoint(sidecar.Endpoint);

            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
            {
                DisableDefaults = true,
                ApplicationName = typeof(SidecarWorker).Assembly.GetName().Name,
                ContentRootPath = AppContext.BaseDirectory,
            });
            EngineLogging.Configure(builder.Logging, options.MinimumLogLevel, loggerFactory);
            services?.Invoke(builder.Services);
            builder.Services.AddSidecarWorker(channel.Channel, register, options);
            worker = builder.Build();
            await worker.StartAsync(cancellationToken);
            return worker;
        }
        catch
        {
            await StopAsync(worker, sidecar, channel, loggerFactory);
            throw;
        }
    }

    /// <summary>The worker goes first: the sidecar's dispatchers wait for work items sent to a connected worker.</summary>
    public static async Task StopAsync(IHost? worker, ISidecar sidecar, SidecarChannel channel, ILoggerFactory loggerFactory)
    {
        if (worker is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await worker.StopAsync(timeout.Token);
            worker.Dispose();
        }

        await sidecar.StopAsync();
        channel.Dispose();
        loggerFactory.Dispose();
    }
}
