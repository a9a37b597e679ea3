using DurableHost.Sidecar;
using DurableHost.Telemetry;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
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
        return services.AddSidecarWorker(channel.Channel, register, options);
    }
}

/// <summary>The sidecar of <see cref="AzureStorageServiceCollectionExtensions.AddAzureStorageDurableTask"/> as a hosted service.</summary>
public sealed class AzureStorageDurableTaskHost : IHostedService, IAsyncDisposable
{
    private readonly AzureStorageSidecar sidecar;
    private readonly SidecarHostedService hosted;

    internal AzureStorageDurableTaskHost(AzureStorageEngineOptions options, SidecarChannel channel, ILoggerFactory loggerFactory)
    {
        sidecar = new AzureStorageSidecar(options, loggerFactory);
        hosted = new SidecarHostedService(sidecar, channel, loggerFactory);
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

    public Task StartAsync(CancellationToken cancellationToken) => hosted.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => hosted.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => hosted.DisposeAsync();
}
