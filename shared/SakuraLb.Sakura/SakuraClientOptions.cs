namespace SakuraLb.Sakura;

/// <summary>
/// Settings of the Sakura Cloud API client (configuration section <see cref="SectionName"/>).
/// Validated at start-up by <see cref="SakuraClientOptionsValidator"/>, which reports every problem at once.
/// </summary>
public sealed record SakuraClientOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Sakura";

    /// <summary>Production API root. The zone and <c>/api/cloud/1.1/</c> are appended to it.</summary>
    public const string DefaultApiRootUrl = "https://secure.sakura.ad.jp/cloud/zone";

    /// <summary>API root without the zone (point it at the simulator in tests).</summary>
    public string ApiRootUrl { get; set; } = DefaultApiRootUrl;

    /// <summary>Access token (a UUID): the Basic-auth user name. Required.</summary>
    public string AccessToken { get; set; } = "";

    /// <summary>Access token secret: the Basic-auth password. Required.</summary>
    public string AccessTokenSecret { get; set; } = "";

    /// <summary>
    /// Zone, e.g. <c>is1a</c>. Any non-empty name made of lower-case letters and digits is accepted, not
    /// only the zones in <see cref="KnownZones"/>: Sakura adds zones, and the simulator may use its own.
    /// </summary>
    public string Zone { get; set; } = "is1a";

    /// <summary>
    /// Request budget per second, shared by every client in the process that uses the same access token
    /// and API root (the official clients default to 5; Terraform documents 10 as the maximum).
    /// </summary>
    public int RequestsPerSecond { get; set; } = 5;

    /// <summary>How many times a 503 (<c>busy</c> and the other "not now" codes) or 423 <c>locked</c> is retried (0 = never).</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>First retry delay; each further retry doubles it, up to <see cref="RetryMaxDelay"/>, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap of a single retry delay.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Time allowed for one HTTP attempt (not counting rate-limit waits and retry delays). An attempt that
    /// takes longer fails with <see cref="TimeoutException"/> and is not retried: it may have taken effect.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long the account's appliance list (used addresses, VRRP ids, the load balancers plans and up-polls look
    /// at) is shared by every caller in the process. Our own writes are written into it or drop it at once, so
    /// the list hides only changes made by others, for at most this long. Zero reads it again for every caller
    /// that does not join a read in flight.
    /// </summary>
    public TimeSpan ApplianceListDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long one read of a switch's servers is shared by the plans that know the same node set
    /// (<see cref="ISakuraCloud.ReadSwitchAsync(Reconcile.Observed.LoadBalancerNetwork, long, CancellationToken)"/>). A new
    /// node set reads them again; servers that are not nodes (and their addresses) are seen at most this late. Zero
    /// shares only a read in flight.
    /// </summary>
    public TimeSpan ServerListDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Page size of searches; a search pages until it has every match.</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>
    /// Allows a plain-http <see cref="ApiRootUrl"/> on a host that is not loopback (e.g. a simulator in a
    /// container). Credentials then travel unencrypted, so it is off by default.
    /// </summary>
    public bool AllowInsecureHttp { get; set; }

    /// <summary>The zones that existed when this client was written (informational; not enforced).</summary>
    public static IReadOnlyList<string> KnownZones { get; } = ["is1a", "is1b", "is1c", "tk1a", "tk1b", "tk1v"];

    /// <summary>The base address of the zone's API: <c>{ApiRootUrl}/{Zone}/api/cloud/1.1/</c>.</summary>
    public Uri ZoneApiBaseAddress => new($"{ApiRootUrl.TrimEnd('/')}/{Zone}/api/cloud/1.1/", UriKind.Absolute);
}
