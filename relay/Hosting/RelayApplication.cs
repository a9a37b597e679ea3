using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using SakuraLb.Relay.Delivery;
using SakuraLb.Relay.Health;
using SakuraLb.Relay.Kube;
using SakuraLb.Relay.Leadership;
using SakuraLb.Relay.Options;
using SakuraLb.Relay.Telemetry;
using k8s;

namespace SakuraLb.Relay.Hosting;

/// <summary>The relay's composition root: options, services and endpoints. Program.cs and tests both go through here.</summary>
public static class RelayApplication
{
    /// <summary>Binds the <c>Relay</c> section, fills pod defaults and validates, throwing with every problem listed.</summary>
    public static RelayOptions LoadOptions(IConfiguration configuration, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        RelayOptions options;
        try
        {
            options = configuration.GetSection(RelayOptions.SectionName).Get<RelayOptions>() ?? new RelayOptions();
        }
        catch (InvalidOperationException ex)
        {
            // The binder names the key and the value it could not convert.
            throw new RelayOptionsException([ex.Message]);
        }

        return Validated(options.WithEnvironmentDefaults(environment ?? Environment.GetEnvironmentVariable));
    }

    public static KubernetesConnectionOptions LoadKubernetesOptions(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        try
        {
            return configuration.GetSection(KubernetesConnectionOptions.SectionName).Get<KubernetesConnectionOptions>() ?? new KubernetesConnectionOptions();
        }
        catch (InvalidOperationException ex)
        {
            throw new RelayOptionsException([ex.Message]);
        }
    }

    public static RelayOptions Validated(RelayOptions options)
    {
        var problems = RelayOptionsValidator.Check(options);
        return problems.Count == 0 ? options : throw new RelayOptionsException(problems);
    }

    /// <summary>
    /// A plain URL when <see cref="KubernetesConnectionOptions.Server"/> is set; a kubeconfig file when one
    /// is named; in-cluster credentials in a pod; else the default kubeconfig.
    /// </summary>
    public static KubernetesClientConfiguration ClientConfiguration(KubernetesConnectionOptions connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.Server is { } server)
        {
            return new KubernetesClientConfiguration { Host = server.AbsoluteUri.TrimEnd('/') };
        }

        if (connection.Kubeconfig is null && KubernetesClientConfiguration.IsInCluster())
        {
            return KubernetesClientConfiguration.InClusterConfig();
        }

        return connection.Kubeconfig is null && connection.Context is null
            ? KubernetesClientConfiguration.BuildDefaultConfig()
            : KubernetesClientConfiguration.BuildConfigFromConfigFile(connection.Kubeconfig, connection.Context);
    }

    /// <summary>Registers the relay: its options (already validated), the clients, the pipeline, leadership and metrics.</summary>
    public static IServiceCollection AddSakuraLbRelay(this IServiceCollection services, RelayOptions options, KubernetesConnectionOptions connection)
    {
        ArgumentNullException.ThrowIfNull(services);
        var validated = Validated(options);
        services.AddSingleton(validated);
        services.AddSingleton(connection);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IKubernetes>(_ => new Kubernetes(ClientConfiguration(connection)));
        services.AddSingleton<IKubeApi>(sp => new KubeApi(sp.GetRequiredService<IKubernetes>()));
        services.AddSingleton(sp => new FunctionClient(
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan },
            validated,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<RelayMetrics>();
        services.AddSingleton<RelayPipeline>();
        services.AddSingleton<LeadershipService>();
        services.AddHostedService(sp => sp.GetRequiredService<LeadershipService>());
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(RelayMetrics.MeterName)
            .AddPrometheusExporter());
        return services;
    }

    /// <summary>Binds the public listener and the loopback-only operator listener (<see cref="RelayListeners"/>).</summary>
    public static RelayListeners UseRelayListeners(this WebApplicationBuilder builder, IPAddress publicAddress, int publicPort, int operatorPort)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var listeners = new RelayListeners();
        builder.Services.AddSingleton(listeners);
        builder.WebHost.ConfigureKestrel(kestrel => listeners.Configure(kestrel, publicAddress, publicPort, operatorPort));
        return listeners;
    }

    /// <summary>Maps /healthz, /readyz, /resync and /metrics.</summary>
    public static WebApplication MapSakuraLbRelay(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapRelayHealth();
        app.MapPrometheusScrapingEndpoint("/metrics");
        var options = app.Services.GetRequiredService<RelayOptions>();
        Logs.Starting(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SakuraLb.Relay"), options.ToString());
        return app;
    }

    /// <summary>
    /// The production application: configuration from appsettings, environment (Relay__*, Kubernetes__*)
    /// and the mounted Secret directory (which wins), JSON logs on stdout.
    /// </summary>
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddRelaySecretDirectory(builder.Configuration[SecretDirectory.DirectoryKey]);
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        var options = LoadOptions(builder.Configuration);
        builder.UseRelayListeners(IPAddress.Any, options.HttpPort, options.OperatorPort);
        builder.Services.AddSakuraLbRelay(options, LoadKubernetesOptions(builder.Configuration));
        var app = builder.Build();
        app.MapSakuraLbRelay();
        return app;
    }
}
