using Microsoft.DurableTask;
using SakuraLb.Functions.Activities;

namespace SakuraLb.Functions.Options;

/// <summary>
/// Every duration and bound of the orchestrations (configuration section <c>Reconcile</c>). Tests set
/// milliseconds. Read once at start-up and constant for the life of an instance: a changed duration makes replays
/// of in-flight histories diverge, so drain instances before changing them in production.
/// </summary>
public sealed class ReconcileOptions
{
    public const string SectionName = "Reconcile";

    /// <summary>Time between reads while waiting for an LB to boot or shut down.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait for an LB to become up (creation takes minutes).</summary>
    public TimeSpan BootTimeout { get; init; } = TimeSpan.FromMinutes(20);

    /// <summary>Longest wait for an LB to become down.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Quiet period after a node-set change: a reconcile started by node changes waits until the node set has not
    /// changed for this long, so a burst of joins becomes one settings write per LB.
    /// </summary>
    public TimeSpan NodeDebounce { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest total debounce wait, so endless churn cannot starve a reconcile.</summary>
    public TimeSpan NodeDebounceMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// While real servers drain, how often the reconcile looks for a newer Service or node set (one table read), so
    /// a node that comes back, or any other change, is planned before the drain ends.
    /// </summary>
    public TimeSpan DrainRecheckInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a load balancer the orchestration just created may read 404 before it counts as gone (the
    /// API hides new appliances for a short while).
    /// </summary>
    public TimeSpan NotFoundGrace { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long an appliance may stay available but down while waiting for it to come up (it boots by itself
    /// after a create) before it counts as powered off and is booted explicitly.
    /// </summary>
    public TimeSpan PoweredOffGrace { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>
    /// How long a read of the routers (a search and a switch read per router) serves every plan, and likewise a
    /// search of the plain switches (read only when a switch-type Service asks); both are made by hand and
    /// change rarely. Zero reads them for every plan.
    /// </summary>
    public TimeSpan RouterCacheDuration { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How old a shared read (the account's appliance list, the switch's servers of the same node set) may be for a
    /// verifying plan: the plan made after every step of the previous one ran. It asks whether our own writes took
    /// effect, and they are in the shared copies, so a copy this old answers it without a new read waiting for the
    /// request budget (at the end of a burst, about a second each). Changes made by others in that time are seen by
    /// the next plan that chooses something, and by the resync. Zero: the copies' own durations decide.
    /// </summary>
    public TimeSpan VerifyingPlanReadAge { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Passes (load desired → converge → publish) one orchestration makes while newer state keeps arriving.</summary>
    public int MaxPasses { get; init; } = 10;

    /// <summary>Plans one pass may make (each after a cloud transition or a lost reservation race).</summary>
    public int MaxPlansPerPass { get; init; } = 12;

    /// <summary>Retries of an activity that failed transiently (the Sakura client already retried busy/locked).</summary>
    public ActivityRetryOptions ActivityRetry { get; init; } = new();

    /// <summary>Reconcile starts one request (an events batch, a timer run) makes at once.</summary>
    public int StartParallelism { get; init; } = 16;

    /// <summary>
    /// How long a start refused by an instance that passed its completion fence is tried again (it completes within
    /// one of its turns). Past it the relay's resend of what no status reflects starts the reconcile. It is spent
    /// inside the events request, so it stays well under the relay's request timeout.
    /// </summary>
    public TimeSpan CompletionWait { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A hard bound on the polls of one wait: the deadline ends a wait first; this bound only keeps every loop of
    /// the orchestration finite (history stays bounded) even if the clock misbehaved.
    /// </summary>
    public int MaxPolls(TimeSpan timeout) =>
        (int)Math.Min(100_000, Math.Ceiling(timeout / PollInterval) + 2);

    /// <summary>
    /// Retries of activities that failed transiently (the Sakura client has already retried busy/locked with its
    /// own backoff; what reaches here is an exhausted budget, a 5xx, a timeout or a storage hiccup), recognised by
    /// type (<see cref="TransientFailures"/>). Permanent cloud failures come back as results; any other exception is
    /// a failure retrying cannot fix and is not retried. With the defaults: 5 attempts at +0, +5 s, +15 s, +35 s, +75 s.
    /// </summary>
    public TaskOptions ActivityTaskOptions() =>
        TaskOptions.FromRetryPolicy(new RetryPolicy(ActivityRetry.MaxAttempts, ActivityRetry.FirstRetryInterval, ActivityRetry.BackoffCoefficient, ActivityRetry.MaxRetryInterval)
        {
            HandleFailure = TransientFailures.IsTransient,
        });
}

/// <summary>Retry policy of activities: first interval, growth, cap, attempts.</summary>
public sealed class ActivityRetryOptions
{
    public TimeSpan FirstRetryInterval { get; init; } = TimeSpan.FromSeconds(5);

    public double BackoffCoefficient { get; init; } = 2.0;

    public TimeSpan MaxRetryInterval { get; init; } = TimeSpan.FromMinutes(2);

    public int MaxAttempts { get; init; } = 5;
}
