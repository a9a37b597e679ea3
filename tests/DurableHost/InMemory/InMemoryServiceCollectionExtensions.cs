using DurableHost.Sidecar;
using DurableHost.Telemetry;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DurableHost.InMemory;

public static class InMemoryServiceCollectionExtensions
{
    /// <summary>
    /// The in-memory engine in an existing host (the sandbox's function host), in place of the SDK's
    /// <c>AddInMemoryDurableTask</c>, whose service runs one work item per processor: the sidecar as a hosted service
    /// (with the options' concurrency limits, host.json's unless set), then a worker and a <see cref="DurableTaskClient"/>
    /// connected to it. Hosted services stop in reverse order, so the worker stops before the sidecar. Logs go to the
    /// host's logger factory unless the options name another, filtered at the options' minimum level.
    /// </summary>
    public static IServiceCollection AddInMemoryEngineDurableTask(
        this IServiceCollection services,
        Action<DurableTaskRegistry> register,
        DurableEngineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(register);
        options ??= new DurableEngineOptions();

        // Owned (and disposed) by the host; the worker and the client are configured with it now.
        var channel = new SidecarChannel();
        services.AddSingleton(sp =>
        {
            var loggerFactory = EngineLogging.Create(options with { LoggerFactory = options.LoggerFactory ?? sp.GetRequiredService<ILoggerFactory>() });
            return new SidecarHostedService(new InMemorySidecar(options, loggerFactory), channel, loggerFactory);
        });
        services.AddHostedService(sp => sp.GetRequiredService<SidecarHostedService>());
        return services.AddSidecarWorker(channel.Channel, register, options);
    }
}
