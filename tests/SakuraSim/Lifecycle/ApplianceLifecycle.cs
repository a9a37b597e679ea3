namespace SakuraSim.Lifecycle;

internal enum AppliancePhase
{
    Migrating,
    Booting,
    Up,
    Cleaning,
    Down,
    Failed,
}

/// <summary>A phase still to come; a null duration means the appliance stays in it.</summary>
internal sealed record PlannedPhase(AppliancePhase Phase, TimeSpan? Duration);

/// <summary>
/// Where an appliance is in its life (migrating, booting, up, shutting down). The state is never moved by a timer:
/// <see cref="At"/> derives it from timestamps on each read, so a test clock fully controls it.
/// A phase of zero length (timeScale 0) is still shown once to the next request that looks at the
/// appliance, so "immediate" transitions go through every documented state in order.
/// </summary>
internal sealed record ApplianceLifecycle(
    AppliancePhase Phase,
    DateTimeOffset PhaseStartedAt,
    TimeSpan? PhaseDuration,
    bool Observed,
    IReadOnlyList<PlannedPhase> Upcoming,
    DateTimeOffset StatusChangedAt)
{
    public DateTimeOffset? PhaseEndsAt => PhaseDuration is { } duration ? PhaseStartedAt + duration : null;

    public string Availability => AvailabilityOf(Phase);

    public string InstanceStatus => InstanceStatusOf(Phase);

    public static string AvailabilityOf(AppliancePhase phase) => phase switch
    {
        AppliancePhase.Migrating => "migrating",
        AppliancePhase.Failed => "failed",
        _ => "available",
    };

    public static string InstanceStatusOf(AppliancePhase phase) => phase switch
    {
        AppliancePhase.Up => "up",
        AppliancePhase.Cleaning => "cleaning",
        _ => "down",
    };

    /// <summary>Starts a sequence of phases at <paramref name="now"/>.</summary>
    public static ApplianceLifecycle Start(
        DateTimeOffset now,
        DateTimeOffset statusChangedAt,
        bool observed,
        IReadOnlyList<PlannedPhase> phases)
    {
        ArgumentOutOfRangeException.ThrowIfZero(phases.Count);
        var first = phases[0];
        return new ApplianceLifecycle(first.Phase, now, first.Duration, observed, phases.Skip(1).ToArray(), statusChangedAt);
    }

    /// <summary>Continues from the current state with a new sequence (power on, shutdown).</summary>
    public ApplianceLifecycle Then(DateTimeOffset now, IReadOnlyList<PlannedPhase> phases)
    {
        var changed = InstanceStatusOf(phases[0].Phase) != InstanceStatus;
        return Start(now, changed ? now : StatusChangedAt, observed: false, phases);
    }

    /// <summary>The state at <paramref name="now"/>, without recording that anyone looked.</summary>
    public ApplianceLifecycle At(DateTimeOffset now)
    {
        var current = this;
        while (current.PhaseEndsAt is { } end && end <= now && current.Upcoming.Count > 0)
        {
            if (current.PhaseDuration == TimeSpan.Zero && !current.Observed)
            {
                break;
            }

            var next = current.Upcoming[0];
            var changed = InstanceStatusOf(next.Phase) != current.InstanceStatus;
            current = new ApplianceLifecycle(
                next.Phase,
                end,
                next.Duration,
                Observed: false,
                current.Upcoming.Skip(1).ToArray(),
                changed ? end : current.StatusChangedAt);
        }

        return current;
    }

    /// <summary>The state at <paramref name="now"/> as seen by a request (consumes a zero-length phase).</summary>
    public ApplianceLifecycle Observe(DateTimeOffset now) => At(now) with { Observed = true };
}
