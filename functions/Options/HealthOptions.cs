namespace SakuraLb.Functions.Options;

/// <summary>
/// The backend-health reads (configuration section <c>Health</c>): each load balancer's live status
/// (<c>GET /appliance/{id}/status</c>) read in turn, within a share of the Sakura request budget, and published
/// as Events, the BackendsHealthy condition and metrics through the status feed.
/// </summary>
public sealed class HealthOptions
{
    public const string SectionName = "Health";

    /// <summary>Read the load balancers' health at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The most of <c>Sakura:RequestsPerSecond</c> the health reads may use (0.2 = 20 %): reads (and the listing
    /// of the cluster's load balancers) are spaced at least 1 / (rate × share) seconds apart.
    /// </summary>
    public double BudgetShare { get; set; } = 0.2;

    /// <summary>
    /// How often each load balancer is read, when the budget allows (with many, the budget sets the pace). Reading
    /// more often than the appliance checks (its DelayLoop, at least 10 seconds) shows nothing new.
    /// </summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long one timer run may go on reading (keep it below the period of <c>HealthSchedule</c>; the next run
    /// goes on where it stopped).
    /// </summary>
    public TimeSpan PassDuration { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>How long a transition stays in the feed for the relay to record it as an Event.</summary>
    public TimeSpan EventRetention { get; set; } = TimeSpan.FromMinutes(10);
}
