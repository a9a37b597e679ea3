namespace KubeSim;

/// <summary>Settings of a <see cref="KubeApiSimulator"/>; validated when it starts.</summary>
public sealed record KubeApiSimulatorOptions
{
    /// <summary>Where to listen. Port 0 picks a free port; read the result from <see cref="KubeApiSimulator.BaseAddress"/>.</summary>
    public string Urls { get; init; } = "http://127.0.0.1:0";

    /// <summary>How many changes are kept for watches that resume from a resourceVersion; older ones get 410 Gone.</summary>
    public int WatchHistoryLimit { get; init; } = 1000;

    /// <summary>How often a BOOKMARK is sent on watches that asked for bookmarks (<c>allowWatchBookmarks=true</c>).</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Seeds three Ready nodes, node-1 to node-3 (InternalIP 10.0.0.11-13).</summary>
    public bool SeedDefaultNodes { get; init; }

    /// <summary>Additional Ready nodes to seed, by name.</summary>
    public IReadOnlyList<string> SeedNodeNames { get; init; } = [];

    /// <summary>Clock for timestamps, ages, bookmarks and watch timeouts; the system clock when null.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>How a watch from a resourceVersion older than the history is refused (default: like a real API server).</summary>
    public WatchGoneMode TooOldWatchResponse { get; init; } = WatchGoneMode.ErrorEvent;

    /// <summary>Logging for the simulator's host; by default nothing is logged (tests run many instances).</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }

    /// <summary>Set by the standalone program: stop on Ctrl+C / SIGTERM like a normal host.</summary>
    internal bool UseConsoleLifetime { get; init; }

    public void Validate()
    {
        var problems = new List<string>();
        if (!Urls.Split(';').All(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp))
        {
            problems.Add($"Urls must be http:// URLs separated by ';', got \"{Urls}\"");
        }

        if (WatchHistoryLimit < 1)
        {
            problems.Add($"WatchHistoryLimit must be at least 1, got {WatchHistoryLimit}");
        }

        if (BookmarkInterval <= TimeSpan.Zero)
        {
            problems.Add($"BookmarkInterval must be positive, got {BookmarkInterval}");
        }

        if (SeedNodeNames.Any(n => !Semantics.ResourceStrategy.IsDns1123Subdomain(n)))
        {
            problems.Add("SeedNodeNames must be lowercase DNS subdomain names: " + string.Join(", ", SeedNodeNames));
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid KubeApiSimulatorOptions: " + string.Join("; ", problems));
        }
    }
}
