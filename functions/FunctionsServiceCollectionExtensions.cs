using Azure.Data.Tables;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SakuraLb.Functions.Cloud;
using SakuraLb.Functions.Health;
using SakuraLb.Functions.Ingest;
using SakuraLb.Functions.Nodes;
using SakuraLb.Functions.Options;
using SakuraLb.Functions.Orchestrations;
using SakuraLb.Functions.Resync;
using SakuraLb.Functions.Triggers;

namespace SakuraLb.Functions;

/// <summary>
/// The app's composition root, shared by the Functions host (Program.cs), the tests and the sandbox: options
/// (validated at start-up, every problem listed), stores, the Sakura client with request metrics, the plain
/// activity and orchestrator classes, and the HTTP function classes.
/// </summary>
public static class FunctionsServiceCollectionExtensions
{
    public static IServiceCollection AddSakuraLbFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        // No defaults filled in here: ControllerOptions.ToSettings is the one place that turns unset tags into the defaults.
        services.AddOptions<ControllerOptions>().Bind(configuration.GetSection(ControllerOptions.SectionName)).ValidateOnStart();
        services.AddOptions<IngestOptions>().Bind(configuration.GetSection(IngestOptions.SectionName)).ValidateOnStart();
        services.AddOptions<ReconcileOptions>().Bind(configuration.GetSection(ReconcileOptions.SectionName)).ValidateOnStart();
        services.AddOptions<NodeOptions>().Bind(configuration.GetSection(NodeOptions.SectionName)).ValidateOnStart();
        services.AddOptions<HealthOptions>().Bind(configuration.GetSection(HealthOptions.SectionName)).ValidateOnStart();
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.SectionName))
            // A connection string only when no identity endpoint is given: AzureWebJobsStorage is a fallback for local runs.
            .Configure(o => o.ConnectionString = string.IsNullOrWhiteSpace(o.ConnectionString) && string.IsNullOrWhiteSpace(o.TableServiceUri) ? configuration["AzureWebJobsStorage"] : o.ConnectionString)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ControllerOptions>, ControllerOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IngestOptions>, IngestOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReconcileOptions>, ReconcileOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NodeOptions>, NodeOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HealthOptions>, HealthOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<SakuraLbMetrics>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ControllerOptions>>().Value.ToSettings());
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ReconcileOptions>>().Value);

        services.AddSakuraClient(configuration.GetSection(SakuraClientOptions.SectionName));
        services.TryAddTransient<SakuraRequestMetricsHandler>();
        services.AddHttpClient(Sakura.ServiceCollectionExtensions.HttpClientName).AddHttpMessageHandler<SakuraRequestMetricsHandler>();
        services.TryAddSingleton<RouterCache>();

        AddStores(services, configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions());

        services.AddDurableTaskImplementations();
        services.TryAddSingleton<ReconcileStarter>();
        services.TryAddSingleton<NodePass>();
        services.TryAddSingleton<Installation.OwnerIdentity>();
        services.TryAddSingleton<HealthPass>();

        services.TryAddSingleton<SignedRequestReader>();
        services.TryAddSingleton<SignedTrigger>();
        services.TryAddTransient<EventIngestor>();
        services.TryAddTransient<ClusterResync>();
        services.TryAddTransient<EventsFunction>();
        services.TryAddTransient<StatusFunction>();
        services.TryAddTransient<ResyncFunction>();
        services.TryAddTransient<Teardown.ClusterTeardown>();
        services.TryAddTransient<TeardownFunction>();
        services.TryAddTransient<TimerFunctions>();
        return services;
    }

    private static void AddStores(IServiceCollection services, StorageOptions storage)
    {
        if (storage.Mode == StorageMode.InMemory)
        {
            services.TryAddSingleton<InMemoryStores>();
            services.TryAddSingleton<IDesiredStore>(sp => sp.GetRequiredService<InMemoryStores>());
            services.TryAddSingleton<INodeSetStore>(sp => sp.GetRequiredService<InMemoryStores>());
            services.TryAddSingleton<IStatusStore>(sp => sp.GetRequiredService<InMemoryStores>());
            services.TryAddSingleton<IReservationStore>(sp => sp.GetRequiredService<InMemoryStores>());
            services.TryAddSingleton<IOrphanStore>(sp => sp.GetRequiredService<InMemoryStores>());
            services.TryAddSingleton<INonceStore>(sp => sp.GetRequiredService<InMemoryStores>());
            services.TryAddSingleton<INodeResultStore, InMemoryNodeResultStore>();
            services.TryAddSingleton<IOwnerStore, InMemoryOwnerStore>();
            return;
        }

        // The app's Microsoft Entra identity for Storage:TableServiceUri: in Azure the managed identity AZURE_CLIENT_ID
        // names, locally the developer's sign-in (az login, Visual Studio). Tests put their own credential here.
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var client = options.TableServiceEndpoint is { } uri
                ? new TableServiceClient(uri, sp.GetRequiredService<TokenCredential>())
                : new TableServiceClient(options.ConnectionString);
            return new TableStorage(client, options.TablePrefix);
        });
        services.TryAddSingleton<IDesiredStore, TableDesiredStore>();
        services.TryAddSingleton<INodeSetStore, TableNodeSetStore>();
        services.TryAddSingleton<IStatusStore, TableStatusStore>();
        services.TryAddSingleton<IReservationStore, TableReservationStore>();
        services.TryAddSingleton<IOrphanStore, TableOrphanStore>();
        services.TryAddSingleton<INonceStore, TableNonceStore>();
        services.TryAddSingleton<INodeResultStore, TableNodeResultStore>();
        services.TryAddSingleton<IOwnerStore, TableOwnerStore>();
    }
}
