using SakuraSim.Control;
using SakuraSim.Faults;
using SakuraSim.Lifecycle;
using SakuraSim.Model;
using SakuraSim.Pipeline;
using SakuraSim.RateLimiting;
using SakuraSim.Validation;
using SakuraSim.Wire;

namespace SakuraSim;

/// <summary>Settings that <c>PUT /_sim/config</c> may change while the simulator runs.</summary>
internal sealed record RuntimeSettings(
    double TimeScale,
    int MaxVips,
    int MaxServersPerVip,
    bool IpClashCheck,
    int DefaultPageSize,
    LifecycleTimings Timings)
{
    public LbLimits Limits => new(MaxVips, MaxServersPerVip);

    public LifecycleTimings Scaled => Timings.Scaled(TimeScale);
}

/// <summary>
/// The simulator's state and services, shared by the API handlers and the control endpoints. One lock
/// (<see cref="Gate"/>) serialises every access to <see cref="State"/>, so each request is atomic.
/// </summary>
internal sealed class Simulator
{
    private readonly Dictionary<string, string> credentials = new(StringComparer.Ordinal);
    private readonly Lock credentialsGate = new();
    private RuntimeSettings settings;

    public Simulator(SakuraSimulatorOptions options)
    {
        Options = options;
        Clock = new SimClock(options.TimeProvider ?? TimeProvider.System);
        RateLimiter = new TokenRateLimiter(Clock.Provider) { PerSecond = options.RateLimitPerSecond };
        Faults = new FaultInjector(options.RandomSeed);
        credentials[options.AccessToken] = options.AccessTokenSecret;
        settings = new RuntimeSettings(
            options.TimeScale,
            options.MaxVipsPerLoadBalancer,
            options.MaxServersPerVip,
            options.IpClashCheck,
            options.DefaultPageSize,
            new LifecycleTimings(options.MigratingDuration, options.BootDuration, options.ShutdownDuration, options.NotFoundAfterCreate));
        State = new SimState();
        Renderer = new ResourceRenderer(State);
        if (options.SeedDefaultTopology)
        {
            Topology.SeedDefault(State, Now, Options.DefaultRouterTags);
        }
    }

    public SakuraSimulatorOptions Options { get; }

    public Lock Gate { get; } = new();

    public SimState State { get; private set; }

    public ResourceRenderer Renderer { get; private set; }

    public SimClock Clock { get; }

    public TokenRateLimiter RateLimiter { get; }

    public FaultInjector Faults { get; }

    public RequestLog Requests { get; } = new();

    public DateTimeOffset Now => Clock.Now;

    public RuntimeSettings Settings
    {
        get => Volatile.Read(ref settings);
        set => Volatile.Write(ref settings, value);
    }

    public bool IsValidCredential(string token, string secret)
    {
        lock (credentialsGate)
        {
            return credentials.TryGetValue(token, out var expected) && expected == secret;
        }
    }

    public void AddCredential(string token, string secret)
    {
        lock (credentialsGate)
        {
            credentials[token] = secret;
        }
    }

    public IReadOnlyList<string> CredentialTokens()
    {
        lock (credentialsGate)
        {
            return credentials.Keys.Order(StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>Empty state, empty request log, no faults, full rate-limit buckets.</summary>
    public void Reset(bool seedDefaultTopology)
    {
        lock (Gate)
        {
            State = new SimState();
            Renderer = new ResourceRenderer(State);
            if (seedDefaultTopology)
            {
                Topology.SeedDefault(State, Now, Options.DefaultRouterTags);
            }
        }

        Requests.Clear();
        Faults.Replace([], null);
        RateLimiter.Reset();
    }

    /// <summary>Throws not_found for a zone the real API does not have.</summary>
    public static string RequireZone(string? zone) =>
        Zones.Find(zone)?.Name ?? throw SakuraApiException.NotFound($"Zone '{zone}' does not exist");

    /// <summary>
    /// The appliance as a request sees it now (must hold <see cref="Gate"/>). Reads during the
    /// short window right after create answer 404, as the real API does for a just-created appliance.
    /// </summary>
    public ApplianceRecord ObserveAppliance(string zone, long id, bool isRead)
    {
        if (!State.Appliances.TryGetValue(id, out var appliance) || appliance.Zone != zone)
        {
            throw SakuraApiException.NotFound($"Appliance {id} was not found in zone {zone}");
        }

        var now = Now;
        if (isRead && now < appliance.NotFoundUntil)
        {
            throw SakuraApiException.NotFound($"Appliance {id} was not found in zone {zone}");
        }

        var observed = appliance.At(now, observe: true);
        State.Appliances[id] = observed;
        return observed;
    }

    /// <summary>The appliance as it is now, without counting as a look (for /_sim/state and searches).</summary>
    public ApplianceRecord PeekAppliance(ApplianceRecord appliance) => appliance.At(Now, observe: false);
}
