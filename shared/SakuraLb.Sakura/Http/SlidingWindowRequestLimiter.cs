using System.Threading.RateLimiting;

namespace SakuraLb.Sakura.Http;

/// <summary>
/// Grants at most <c>permitLimit</c> permits in any window of length <c>window</c>, measured at the
/// moment each permit is granted (a sliding log). A token bucket or fixed window would let twice the
/// limit through around a window boundary, which is exactly what a server-side throttle punishes.
/// Waiters are served one at a time, by <see cref="RequestPriority"/> (lower first) and in arrival order within one
/// priority, so a delete queued behind a burst of creates goes out with the next free permit; waiting honours
/// cancellation. Time comes from the <see cref="TimeProvider"/>, so tests can drive it.
/// </summary>
public sealed class SlidingWindowRequestLimiter : RateLimiter
{
    private readonly int permitLimit;
    private readonly TimeSpan window;
    private readonly TimeProvider time;
    private readonly Lock sync = new();
    private readonly Queue<long> grants = new();
    private readonly PriorityQueue<Waiter, (RequestPriority Priority, long Arrival)> waiters = new();
    private readonly CancellationTokenSource disposed = new();
    private long arrivals;
    private bool pumping;
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
                CurrentQueuedCount = waiters.UnorderedItems.Count(w => !w.Element.Cancelled),
                TotalSuccessfulLeases = totalGranted,
                TotalFailedLeases = 0,
            };
        }
    }

    /// <summary>
    /// Waits for <paramref name="permitCount"/> permits; among the waiters, those of a lower <paramref name="priority"/>
    /// are served first. Granted at once only when nobody waits and the window has room.
    /// </summary>
    public ValueTask<RateLimitLease> AcquireAsync(int permitCount, RequestPriority priority, CancellationToken cancellationToken = default)
    {
        CheckPermitCount(permitCount);
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(disposed.IsCancellationRequested, this);
        Waiter waiter;
        bool startPump;
        lock (sync)
        {
            if (waiters.Count == 0 && TryGrant(permitCount, out _))
            {
                return ValueTask.FromResult<RateLimitLease>(Lease.Granted);
            }

            waiter = new Waiter(permitCount);
            waiters.Enqueue(waiter, (priority, arrivals++));
            startPump = !pumping;
            pumping = true;
        }

        if (startPump)
        {
            _ = PumpAsync();
        }

        return WaitAsync(waiter, cancellationToken);
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        CheckPermitCount(permitCount);
        lock (sync)
        {
            return waiters.Count == 0 && TryGrant(permitCount, out _) ? Lease.Granted : Lease.Denied;
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        AcquireAsync(permitCount, RequestPriority.Normal, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            disposed.Cancel();
            disposed.Dispose();
        }

        base.Dispose(disposing);
    }

    private async ValueTask<RateLimitLease> WaitAsync(Waiter waiter, CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(() => Cancel(waiter, cancellationToken));
        return await waiter.Completion.Task.ConfigureAwait(false);
    }

    private void Cancel(Waiter waiter, CancellationToken cancellationToken)
    {
        lock (sync)
        {
            if (waiter.Granted)
            {
                return;
            }

            // Left in the queue and skipped by the pump: a cancelled waiter is never granted.
            waiter.Cancelled = true;
        }

        waiter.Completion.TrySetCanceled(cancellationToken);
    }

    /// <summary>Serves the queue while it is not empty: the head when the window has room, else waits until it will.</summary>
    private async Task PumpAsync()
    {
        while (true)
        {
            TimeSpan wait;
            var served = new List<Waiter>();
            lock (sync)
            {
                wait = Serve(served);
                if (wait == TimeSpan.Zero)
                {
                    pumping = false;
                }
            }

            foreach (var waiter in served)
            {
                waiter.Completion.TrySetResult(Lease.Granted);
            }

            if (wait == TimeSpan.Zero)
            {
                return;
            }

            try
            {
                // A timer may fire a little early; the next round simply waits again for the remainder.
                await Task.Delay(wait, time, disposed.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Grants the head waiters while they fit; how long until the next one fits, or zero when the queue is empty.</summary>
    private TimeSpan Serve(List<Waiter> served)
    {
        while (waiters.TryPeek(out var head, out _))
        {
            if (head.Cancelled)
            {
                waiters.Dequeue();
                continue;
            }

            if (!TryGrant(head.Permits, out var wait))
            {
                return wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait;
            }

            waiters.Dequeue();
            head.Granted = true;
            served.Add(head);
        }

        return TimeSpan.Zero;
    }

    private bool TryGrant(int permitCount, out TimeSpan wait)
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

    private void Prune(long now)
    {
        while (grants.Count > 0 && time.GetElapsedTime(grants.Peek(), now) >= window)
        {
            grants.Dequeue();
        }
    }

    private void CheckPermitCount(int permitCount) =>
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, permitLimit);

    /// <summary>One queued request; <see cref="Granted"/> and <see cref="Cancelled"/> change only under the limiter's lock.</summary>
    private sealed class Waiter(int permits)
    {
        public int Permits { get; } = permits;

        public TaskCompletionSource<RateLimitLease> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Granted { get; set; }

        public bool Cancelled { get; set; }
    }

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
