using Microsoft.DurableTask;
using SakuraLb.Functions.Activities;
using SakuraLb.Functions.Options;

namespace SakuraLb.Functions.Orchestrations;

/// <summary>
/// Every duration and bound the orchestrations use, fixed at start-up from <see cref="ReconcileOptions"/> and
/// constant for the life of an instance (a change would make replays diverge; drain instances before changing
/// them in production).
/// </summary>
public sealed record ReconcileTimings
{
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan BootTimeout { get; init; } = TimeSpan.FromMinutes(20);

    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan NodeDebounce { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan NodeDebounceMax { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan NotFoundGrace { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan PoweredOffGrace { get; init; } = TimeSpan.FromMinutes(3);

    public int MaxPasses { get; init; } = 10;

    public int MaxPlansPerPass { get; init; } = 12;

    public TimeSpan RetryFirstInterval { get; init; } = TimeSpan.FromSeconds(5);

    public double RetryBackoffCoefficient { get; init; } = 2.0;

    public TimeSpan RetryMaxInterval { get; init; } = TimeSpan.FromMinutes(2);

    public int RetryMaxAttempts { get; init; } = 5;

    public static ReconcileTimings From(ReconcileOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ReconcileTimings
        {
            PollInterval = options.PollInterval,
            BootTimeout = options.BootTimeout,
            ShutdownTimeout = options.ShutdownTimeout,
            NodeDebounce = options.NodeDebounce,
            NodeDebounceMax = options.NodeDebounceMax,
            NotFoundGrace = options.NotFoundGrace,
            PoweredOffGrace = options.PoweredOffGrace,
            MaxPasses = options.MaxPasses,
            MaxPlansPerPass = options.MaxPlansPerPass,
            RetryFirstInterval = options.ActivityRetry.FirstRetryInterval,
            RetryBackoffCoefficient = options.ActivityRetry.BackoffCoefficient,
            RetryMaxInterval = options.ActivityRetry.MaxRetryInterval,
            RetryMaxAttempts = options.ActivityRetry.MaxAttempts,
        };
    }

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
    public TaskOptions ActivityRetry() =>
        TaskOptions.FromRetryPolicy(new RetryPolicy(RetryMaxAttempts, RetryFirstInterval, RetryBackoffCoefficient, RetryMaxInterval)
        {
            HandleFailure = TransientFailures.IsTransient,
        });
}
