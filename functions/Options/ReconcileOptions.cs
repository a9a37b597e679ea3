namespace SakuraLb.Functions.Options;

/// <summary>
/// Every duration and bound of the reconcile orchestration (configuration section <c>Reconcile</c>).
/// Tests set milliseconds. They become a <see cref="Orchestrations.ReconcileTimings"/> at start-up and
/// must not change while instances run (a changed duration breaks replay of in-flight histories).
/// </summary>
public sealed class ReconcileOptions
{
    public const string SectionName = "Reconcile";

    /// <summary>Time between reads while waiting for an LB to boot or shut down.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait for an LB to become up (creation takes minutes).</summary>
    public TimeSpan BootTimeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>Longest wait for an LB to become down.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Quiet period after a node-set change: a reconcile started by node changes waits until the node set has not
    /// changed for this long, so a burst of joins becomes one settings write per LB.
    /// </summary>
    public TimeSpan NodeDebounce { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest total debounce wait, so endless churn cannot starve a reconcile.</summary>
    public TimeSpan NodeDebounceMax { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a load balancer the orchestration just created may read 404 before it counts as gone (the
    /// API hides new appliances for a short while).
    /// </summary>
    public TimeSpan NotFoundGrace { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long an appliance may stay available but down while waiting for it to come up (it boots by itself
    /// after a create) before it counts as powered off and is booted explicitly.
    /// </summary>
    public TimeSpan PoweredOffGrace { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>
    /// How long a read of the routers (a search and a switch read per router) serves every plan, and likewise a
    /// search of the plain switches (read only when a switch-type Service asks); both are made by hand and
    /// change rarely. Zero reads them for every plan.
    /// </summary>
    public TimeSpan RouterCacheDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Passes (load desired → converge → publish) one orchestration makes while newer state keeps arriving.</summary>
    public int MaxPasses { get; set; } = 10;

    /// <summary>Plans one pass may make (each after a cloud transition or a lost reservation race).</summary>
    public int MaxPlansPerPass { get; set; } = 12;

    /// <summary>Retries of an activity that failed transiently (the Sakura client already retried busy/locked).</summary>
    public ActivityRetryOptions ActivityRetry { get; set; } = new();
}

/// <summary>Retry policy of activities: first interval, growth, cap, attempts.</summary>
public sealed class ActivityRetryOptions
{
    public TimeSpan FirstRetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    public double BackoffCoefficient { get; set; } = 2.0;

    public TimeSpan MaxRetryInterval { get; set; } = TimeSpan.FromMinutes(2);

    public int MaxAttempts { get; set; } = 5;
}
