namespace SakuraSim.Lifecycle;

/// <summary>
/// Realistic durations (timeScale 1) of the appliance lifecycle. The real API takes 20–60 s migrating,
/// 30–90 s to boot and 5–20 s to shut down; fixed values inside these ranges keep runs repeatable.
/// </summary>
internal sealed record LifecycleTimings(TimeSpan Migrating, TimeSpan Boot, TimeSpan Shutdown, TimeSpan NotFoundAfterCreate)
{
    public LifecycleTimings Scaled(double timeScale) => new(
        Scale(Migrating, timeScale),
        Scale(Boot, timeScale),
        Scale(Shutdown, timeScale),
        Scale(NotFoundAfterCreate, timeScale));

    private static TimeSpan Scale(TimeSpan duration, double timeScale) =>
        timeScale <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)(duration.Ticks * timeScale));

    public static IReadOnlyList<PlannedPhase> CreatePlan(LifecycleTimings scaled, CreationOutcome outcome) => outcome switch
    {
        CreationOutcome.Failed => [new(AppliancePhase.Migrating, scaled.Migrating), new(AppliancePhase.Failed, null)],
        CreationOutcome.PoweredOff => [new(AppliancePhase.Migrating, scaled.Migrating), new(AppliancePhase.Down, null)],
        _ =>
        [
            new(AppliancePhase.Migrating, scaled.Migrating),
            new(AppliancePhase.Booting, scaled.Boot),
            new(AppliancePhase.Up, null),
        ],
    };

    public static IReadOnlyList<PlannedPhase> BootPlan(LifecycleTimings scaled) =>
        [new(AppliancePhase.Booting, scaled.Boot), new(AppliancePhase.Up, null)];

    public static IReadOnlyList<PlannedPhase> ShutdownPlan(LifecycleTimings scaled) =>
        [new(AppliancePhase.Cleaning, scaled.Shutdown), new(AppliancePhase.Down, null)];
}

/// <summary>How a creation ends; anything but <see cref="Up"/> is injected by a fault.</summary>
internal enum CreationOutcome
{
    Up,
    Failed,
    PoweredOff,
}
