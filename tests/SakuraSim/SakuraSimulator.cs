using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SakuraSim.Api;
using SakuraSim.Control;
using SakuraSim.Pipeline;
using SakuraSim.Telemetry;

namespace SakuraSim;

/// <summary>
/// A Sakura Cloud IaaS API simulator on loopback HTTP. Start one per test class; talk to it with
/// any HTTP client at <see cref="ApiRoot"/>, and drive it through the <c>/_sim/*</c> endpoints
/// (docs/sakura-simulator.md).
/// </summary>
public sealed class SakuraSimulator : IAsyncDisposable
{
    private readonly WebApplication app;

    private SakuraSimulator(WebApplication app, Uri baseAddress)
    {
        this.app = app;
        BaseAddress = baseAddress;
        ApiRoot = new Uri(baseAddress, "cloud/zone");
    }

    /// <summary>e.g. http://127.0.0.1:54321/ (the real port when the options asked for port 0).</summary>
    public Uri BaseAddress { get; }

    /// <summary><see cref="BaseAddress"/> + "cloud/zone"; clients append /{zone}/api/cloud/1.1/...</summary>
    public Uri ApiRoot { get; }

    public static async Task<SakuraSimulator> StartAsync(SakuraSimulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SakuraSimulatorOptions();
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid simulator options: " + string.Join(" ", problems), nameof(options));
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(SakuraSimulator).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // Only the options decide where the simulator listens: an appsettings.json with Kestrel
        // endpoints or ASPNETCORE_URLS in the hosting test process must not move it.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.UseUrls(options.Urls);
        builder.Logging.ClearProviders();
        if (options.EnableConsoleLogging)
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            // Per-request framework chatter drowns the simulator's own lines.
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        }

        var simulator = new Simulator(options);
        builder.Services.AddSingleton(simulator);

        var app = builder.Build();
        app.UseMiddleware<ApiPipeline>();
        app.UseRouting();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SakuraSim");
        app.MapSakuraApi(simulator);
        app.MapControl(simulator, logger);

        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The simulator started without a listening address.");
        var baseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        var sim = new SakuraSimulator(app, baseAddress);
        logger.Started(sim.BaseAddress, sim.ApiRoot);
        return sim;
    }

    /// <summary>Runs until the host is asked to stop (Ctrl+C for the standalone program).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
