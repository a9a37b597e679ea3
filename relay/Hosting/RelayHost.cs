using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SakuraLb.Relay.Leadership;
using SakuraLb.Relay.Options;
using SakuraLb.Relay.Telemetry;

namespace SakuraLb.Relay.Hosting;

/// <summary>
/// A relay running in-process (tests, the sandbox): the same composition as the container, listening on
/// a loopback port chosen by the OS.
/// </summary>
public sealed class RelayHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private RelayHost(WebApplication app, Uri baseAddress, Uri operatorAddress)
    {
        this.app = app;
        BaseAddress = baseAddress;
        OperatorAddress = operatorAddress;
    }

    /// <summary>Where /healthz, /readyz and /metrics answer.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Where /resync answers (the loopback-only operator listener).</summary>
    public Uri OperatorAddress { get; }

    public IServiceProvider Services => app.Services;

    public RelayPipeline Pipeline => app.Services.GetRequiredService<RelayPipeline>();

    public LeadershipService Leadership => app.Services.GetRequiredService<LeadershipService>();

    public RelayMetrics Metrics => app.Services.GetRequiredService<RelayMetrics>();

    public RelayOptions Options => app.Services.GetRequiredService<RelayOptions>();

    /// <summary>Validates the options (throwing <see cref="RelayOptionsException"/> with every problem), then starts the relay.</summary>
    public static async Task<RelayHost> StartAsync(
        RelayOptions options,
        KubernetesConnectionOptions kubernetes,
        Action<ILoggingBuilder>? logging = null,
        TimeProvider? time = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder();
        var listeners = builder.UseRelayListeners(IPAddress.Loopback, 0, 0);
        builder.Logging.ClearProviders();
        logging?.Invoke(builder.Logging);
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddSakuraLbRelay(options.WithEnvironmentDefaults(_ => null), kubernetes);
        var app = builder.Build();
        app.MapSakuraLbRelay();
        await app.StartAsync(cancellationToken);
        var operatorEndPoint = listeners.OperatorEndPoint ?? throw new InvalidOperationException("the relay did not bind its operator listener");
        var operatorAddress = new Uri($"http://127.0.0.1:{operatorEndPoint.Port}/");
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            .Select(a => new Uri(a))
            .FirstOrDefault(a => a.Port != operatorEndPoint.Port)
            ?? throw new InvalidOperationException("the relay did not report its address");
        return new RelayHost(app, address, operatorAddress);
    }

    public Task StopAsync(CancellationToken cancellationToken = default) => app.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await app.StopAsync();
        }
        catch (ObjectDisposedException)
        {
        }

        await app.DisposeAsync();
    }
}
