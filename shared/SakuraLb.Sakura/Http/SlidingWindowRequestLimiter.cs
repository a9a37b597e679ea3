using System.Threading.RateLimiting;

namespace SakuraLb.Sakura.Http;

/// <summary>
/// Grants at most <c>permitLimit</c> permits in any window of length <c>window</c>, measured at the
/// moment each permit is granted (a sliding log). A token bucket or fixed window would let twice the
/// limit through around a window boundary, which is exactly what a server-side throttle punishes.
/// Waiters are served one at a time in arrival order; waiting honours cancellation. Time comes from
/// the <see cref="TimeProvider"/>, so tests can drive it.
/// </summary>
public sealed class SlidingWindowRequestLimiter : RateLimiter
{
    private readonly int permitLimit;
    private readonly TimeSpan window;
    private readonly TimeProvider time;
    private readonly Lock sync = new();
    private readonly Queue<long> grants = new();
    private readonly SemaphoreSlim gate = new(1, 1);
    private long totalGranted;
    private long? lastGrant;

    public SlidingWindowRequestLimiter(int permitLimit, TimeSpan window, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(permitLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(timeProvider);
        this.permitLimit = permitLimit;
        this.window = window;
        time = timeProvider;
    }

    /// <summary>The number of permits per window.</summary>
    public int PermitLimit => permitLimit;

    /// <summary>The window length.</summary>
    public TimeSpan Window => window;

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (sync)
            {
                return lastGrant is { } last ? time.GetElapsedTime(last) : null;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (sync)
        {
            Prune(time.GetTimestamp());
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = permitLimit - grants.Count,
                CurrentQueuedCount = gate.CurrentCount == 0 ? 1 : 0,
                TotalSuccessfulLeases = totalGranted,
                TotalFailedLeases = 0,
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        CheckPermitCount(permitCount);
        return TryGrant(permitCount, out _) ? Lease.Granted : Lease.Denied;
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        CheckPermitCount(permitCount);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (!TryGrant(permitCount, out var wait))
            {
                // A timer may fire a little early; the loop simply waits again for the remainder.
                var delay = wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait;
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            }

            return Lease.Granted;
        }
        finally
        {
            gate.Release();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            gate.Dispose();
        }

        base.Dispose(disposing);
    }

    private bool TryGrant(int permitCount, out TimeSpan wait)
    {
        lock (sync)
        {
            var now = time.GetTimestamp();
            Prune(now);
            if (grants.Count + permitCount <= permitLimit)
            {
                for (var i = 0; i < permitCount; i++)
                {
                    grants.Enqueue(now);
                }

                totalGranted += permitCount;
                lastGrant = now;
                wait = TimeSpan.Zero;
                return true;
            }

            // The grant that must leave the window before this request fits.
            var blocking = grants.ElementAt(grants.Count + permitCount - permitLimit - 1);
            wait = window - time.GetElapsedTime(blocking, now);
            return false;
        }
    }

    private void Prune(long now)
    {
        while (grants.Count > 0 && time.GetElapsedTime(grants.Peek(), now) >= window)
        {
            grants.Dequeue();
        }
    }

    private void CheckPermitCount(int permitCount) =>
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, permitLimit);

    private sealed class Lease(bool acquired) : RateLimitLease
    {
        public static readonly Lease Granted = new(true);
        public static readonly Lease Denied = new(false);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
