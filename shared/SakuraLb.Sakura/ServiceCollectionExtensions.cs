using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Refit;
using SakuraLb.Sakura.Api;
using SakuraLb.Sakura.Http;
using SakuraLb.Sakura.Wire;

namespace SakuraLb.Sakura;

/// <summary>Registers the Sakura Cloud client: options, handlers, the Refit client and <see cref="ISakuraCloud"/>.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Name of the client's <see cref="HttpClient"/>: callers add their own handlers with
    /// <c>services.AddHttpClient(HttpClientName).AddHttpMessageHandler(...)</c>; those run innermost, once per attempt.
    /// </summary>
    public const string HttpClientName = "SakuraLb.Sakura";

    /// <summary>Registers the client with options bound from <paramref name="section"/> (usually <c>"Sakura"</c>).</summary>
    public static IServiceCollection AddSakuraClient(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<SakuraClientOptions>().Bind(section).ValidateOnStart();
        return services.AddSakuraClientCore();
    }

    /// <summary>Registers the client with options set by <paramref name="configure"/>.</summary>
    public static IServiceCollection AddSakuraClient(this IServiceCollection services, Action<SakuraClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SakuraClientOptions>().Configure(configure).ValidateOnStart();
        return services.AddSakuraClientCore();
    }

    /// <summary>The Refit settings the client uses: our JSON context, our error mapping, no wrapping of transport errors.</summary>
    internal static RefitSettings CreateRefitSettings()
    {
        var settings = new RefitSettings(new SystemTextJsonContentSerializer(WireJson.Options));
        settings.ExceptionFactory = async response => await SakuraErrorMapper.CreateAsync(response);
        settings.DeserializationExceptionFactory = async (response, exception) =>
            await SakuraErrorMapper.CreateDeserializationError(response, exception);

        // Timeouts, cancellations and connection failures keep their own types, which callers already know.
        // An open circuit breaker reads as the API's own "not now" (transient), which callers already handle.
        settings.TransportExceptionFactory = (request, exception, _) =>
            exception is BrokenCircuitException open ? SakuraResilience.CircuitOpen(request, open) : exception;
        return settings;
    }

    private static IServiceCollection AddSakuraClientCore(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SakuraClientOptions>, SakuraClientOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(SakuraRateLimiterRegistry.Shared);
        services.TryAddSingleton<SharedApplianceList>();
        services.TryAddSingleton<SharedServerLists>();
        if (services.Any(d => d.ServiceType == typeof(ISakuraCloud)))
        {
            // A second call only adds its options configuration; the pipeline exists once.
            return services;
        }

        var builder = services.AddRefitGeneratedClient<ISakuraApi>(_ => CreateRefitSettings(), HttpClientName)
            .ConfigureHttpClient((sp, client) =>
            {
                client.BaseAddress = sp.GetRequiredService<IOptions<SakuraClientOptions>>().Value.ZoneApiBaseAddress;

                // Per-attempt timeouts live in AttemptTimeoutHandler; rate-limit waits must not count.
                client.Timeout = Timeout.InfiniteTimeSpan;
            });

        // Outermost first: headers and auth once per call, the query once, retries and breaker, then per attempt: permit, timeout.
        AddHandler<SakuraHeadersHandler>();
        AddHandler<BasicAuthHandler>();
        AddHandler<RawJsonQueryHandler>();
        builder.AddResilienceHandler(SakuraResilience.PipelineName, (pipeline, context) =>
        {
            pipeline.TimeProvider = context.ServiceProvider.GetRequiredService<TimeProvider>();
            SakuraResilience.Configure(
                pipeline,
                context.ServiceProvider.GetRequiredService<IOptions<SakuraClientOptions>>().Value,
                context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SakuraResilience).FullName!),
                Random.Shared.NextDouble);
        });
        AddHandler<RateLimitHandler>();
        AddHandler<AttemptTimeoutHandler>();

        services.AddTransient<ISakuraCloud, SakuraCloud>();
        return services;

        // Each handler is registered and put in the pipeline in one place, so the two cannot drift apart.
        void AddHandler<THandler>()
            where THandler : DelegatingHandler
        {
            services.AddTransient<THandler>();
            builder.AddHttpMessageHandler<THandler>();
        }
    }
}
