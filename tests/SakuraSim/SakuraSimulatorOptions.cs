using System.Globalization;

namespace SakuraSim;

/// <summary>Start-up settings of the simulator. Everything here except the URLs and credentials can be changed later with <c>PUT /_sim/config</c>.</summary>
public sealed record SakuraSimulatorOptions
{
    /// <summary>Where to listen; port 0 picks a free loopback port.</summary>
    public string Urls { get; init; } = "http://127.0.0.1:0";

    /// <summary>Multiplies every simulated duration: 1 realistic, 0.01 a hundred times faster, 0 immediate.</summary>
    public double TimeScale { get; init; } = 1.0;

    /// <summary>Requests per second per access token before 503 busy; 0 = unlimited.</summary>
    public int RateLimitPerSecond { get; init; } = 10;

    public string AccessToken { get; init; } = "test-token";

    public string AccessTokenSecret { get; init; } = "test-secret";

    /// <summary>Start with the documented default topology (docs/sakura-simulator.md) instead of nothing.</summary>
    public bool SeedDefaultTopology { get; init; } = true;

    /// <summary>
    /// Tags of the default topology's router. A controller looks for its router tags plus its cluster's tag
    /// (<c>@k8s.ClusterID=&lt;id&gt;</c>) unless it shares routers, so a simulator for one cluster lists that tag here.
    /// </summary>
    public IReadOnlyList<string> DefaultRouterTags { get; init; } = ["@k8s"];

    public int MaxVipsPerLoadBalancer { get; init; } = 10;

    public int MaxServersPerVip { get; init; } = 40;

    /// <summary>null = <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>Reject LB addresses already used on the switch (off by default: the real API is not known to check this).</summary>
    public bool IpClashCheck { get; init; }

    /// <summary>Page size of a search without Count; 0 returns every match.</summary>
    public int DefaultPageSize { get; init; }

    /// <summary>Unscaled time an appliance stays <c>migrating</c> after create.</summary>
    public TimeSpan MigratingDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Unscaled time from the end of migrating (or a power-on) to <c>up</c>.</summary>
    public TimeSpan BootDuration { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>Unscaled time an appliance stays <c>cleaning</c> after a shutdown.</summary>
    public TimeSpan ShutdownDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Unscaled window after create during which reads of the new appliance answer 404.</summary>
    public TimeSpan NotFoundAfterCreate { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Seed for fault probabilities; null = random.</summary>
    public int? RandomSeed { get; init; }

    /// <summary>Log to the console (the standalone program turns this on).</summary>
    public bool EnableConsoleLogging { get; init; }

    /// <summary>Every problem with these options, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Urls))
        {
            problems.Add("Urls must name at least one http:// address.");
        }

        if (double.IsNaN(TimeScale) || TimeScale < 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"TimeScale must be 0 or more (was {TimeScale})."));
        }

        if (RateLimitPerSecond < 0)
        {
            problems.Add("RateLimitPerSecond must be 0 (unlimited) or more.");
        }

        if (string.IsNullOrEmpty(AccessToken) || string.IsNullOrEmpty(AccessTokenSecret))
        {
            problems.Add("AccessToken and AccessTokenSecret must not be empty.");
        }

        if (MaxVipsPerLoadBalancer < 1 || MaxServersPerVip < 1)
        {
            problems.Add("MaxVipsPerLoadBalancer and MaxServersPerVip must be at least 1.");
        }

        if (DefaultPageSize < 0)
        {
            problems.Add("DefaultPageSize must be 0 (all) or more.");
        }

        if (MigratingDuration < TimeSpan.Zero || BootDuration < TimeSpan.Zero || ShutdownDuration < TimeSpan.Zero || NotFoundAfterCreate < TimeSpan.Zero)
        {
            problems.Add("Lifecycle durations must not be negative.");
        }

        return problems;
    }
}
