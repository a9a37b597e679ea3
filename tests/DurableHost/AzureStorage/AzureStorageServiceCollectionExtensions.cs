using DurableHost.Serialization;
using DurableHost.Telemetry;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DurableHost.AzureStorage;

public static class AzureStorageServiceCollectionExtensions
{
    /// <summary>
    /// The Azure Storage counterpart of the test host's <c>AddInMemoryDurableTask</c>, for an existing host (the
    /// sandbox's function host): the sidecar as a hosted service, then a worker and a <see cref="DurableTaskClient"/>
    /// connected to it. Hosted services start in registration order and stop in reverse, so the worker stops before
    /// the sidecar, which then deletes the task hub if <see cref="AzureStorageEngineOptions.DeleteTaskHubOnStop"/>.
    /// Logs go to the host's logger factory unless the options name another, filtered at the options' minimum level.
    /// </summary>
    public static IServiceCollection AddAzureStorageDurableTask(
        this IServiceCollection services,
        Action<DurableTaskRegistry> register,
        AzureStorageEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(register);
        ArgumentNullException.ThrowIfNull(options);

        // Owned (and disposed) by the host; the worker and the client are configured with it now.
        var channel = new SidecarChannel();
        services.AddSingleton(sp => new AzureStorageDurableTaskHost(
            options,
            channel,
            EngineLogging.Create(options with { LoggerFactory = options.LoggerFactory ?? sp.GetRequiredService<ILoggerFactory>() })));
        services.AddHostedService(sp => sp.GetRequiredService<AzureStorageDurableTaskHost>());
        services.AddDurableTaskWorker(worker =>
        {
            worker.UseGrpc(channel.Channel);
            worker.AddTasks(register);
        });
        services.AddDurableTaskClient(client =>
        {
            client.UseGrpc(channel.Channel);
            client.RegisterDirectly();
        });
        return services.UseDurableDataConverter(options.DataConverter);
    }
}

/// <summary>The sidecar of <see cref="AzureStorageServiceCollectionExtensions.AddAzureStorageDurableTask"/> as a hosted service.</summary>
public sealed class AzureStorageDurableTaskHost : IHostedService, IAsyncDisposable
{
    private readonly AzureStorageSidecar sidecar;
    private readonly SidecarChannel channel;
    private readonly ILoggerFactory loggerFactory;

    internal AzureStorageDurableTaskHost(AzureStorageEngineOptions options, SidecarChannel channel, ILoggerFactory loggerFactory)
    {
        this.channel = channel;
        this.loggerFactory = loggerFactory;
        sidecar = new AzureStorageSidecar(options, loggerFactory);
    }

    public string TaskHubName => sidecar.TaskHubName;

    /// <summary>
    /// Completes when the orchestration service runs (once the host's worker has connected) and owns its
    /// partitions, so that orchestrations start without the start-up delay.
    /// </summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await sidecar.ServiceStarted.WaitAsync(timeout, cancellationToken);
        await sidecar.WaitForPartitionsAsync(timeout, cancellationToken);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await sidecar.StartAsync(cancellationToken);
        channel.SetEndpoint(sidecar.Endpoint);
    }

    public Task StopAsync(CancellationToken cancellationToken) => sidecar.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await sidecar.DisposeAsync();
        channel.Dispose();
        loggerFactory.Dispose();
    }
}
