using DurableHost.AzureStorage;
using DurableHost.InMemory;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace DurableHost;

/// <summary>Starts an engine of either kind with the same registrations.</summary>
public static class DurableEngine
{
    /// <param name="register">The orchestrations and activities (use lambdas, not method groups: the Durable analyzers crash on those).</param>
    /// <param name="services">Registrations for the worker's container (activities' dependencies); run before the worker's own.</param>
    /// <param name="options">Logging for the in-memory engine; for the Azure Storage engine an <see cref="AzureStorageEngineOptions"/>
    /// (without one it uses <see cref="AzureStorageEngineOptions.ForTestsAsync"/>: host.json's settings on the shared Azurite).</param>
    public static async Task<IDurableEngine> StartAsync(
        DurableEngineKind kind,
        Action<DurableTaskRegistry> register,
        Action<IServiceCollection>? services = null,
        DurableEngineOptions? options = null,
        CancellationToken cancellationToken = default) => kind switch
        {
            DurableEngineKind.InMemory => await InMemoryEngine.StartAsync(register, services, options, cancellationToken),
            DurableEngineKind.AzureStorage => await AzureStorageEngine.StartAsync(
                register,
                services,
                options as AzureStorageEngineOptions ?? (await AzureStorageEngineOptions.ForTestsAsync()) with
                {
                    LoggerFactory = options?.LoggerFactory,
                    MinimumLogLevel = options?.MinimumLogLevel ?? Microsoft.Extensions.Logging.LogLevel.Warning,
                    DataConverter = options?.DataConverter,
                },
                cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown engine."),
        };
}
