using System.Threading.RateLimiting;

namespace SakuraLb.Sakura.Http;

/// <summary>
/// Lets at most <c>permitLimit</c> requests reach the server in any window of length <c>window</c>, however late a
/// granted request goes out. A granted permit holds its slot from the grant until <c>window</c> after its lease is
/// disposed (the caller disposes it once the answer, or the failure, is in): the request arrives at the server
/// somewhere between the two, so any <c>window</c> of server time that holds the arrivals of k requests also holds
/// one moment (the last of their grants) at which all k slots were taken, and k cannot exceed the limit. Counting
/// only from the grant (a sliding log of grants) is not enough: a request delayed after its grant by a loaded
/// machine arrives together with later ones. The cost is the request's own latency: a slot is busy for
/// latency + <c>window</c> instead of <c>window</c>. A token bucket or fixed window would let twice the limit through
/// around a window boundary, which is exactly what a server-side throttle punishes.
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

    // The slots taken: one per permit of a lease not yet disposed (held), and one per permit disposed within the last
    // window (released, the times of disposal, oldest first: leases are disposed in time order).
    private readonly Queue<long> released = new();
    private readonly PriorityQueue<Waiter, (RequestPriority Priority, long Arrival)> waiters = new();
    private readonly CancellationTokenSource disposed = new();
    private int held;
    private long arrivals;
    private bool pumping;
    private TaskCompletionSource? releaseSignal;
    private long totalGranted;
    private long? lastActivity;

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
                return held == 0 && lastActivity is { } last ? time.GetElapsedTime(last) : null;
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
                CurrentAvailablePermits = permitLimit - held - released.Count,
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
                return ValueTask.FromResult<RateLimitLease>(new Lease(this, permitCount));
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
            return waiters.Count == 0 && TryGrant(permitCount, out _) ? new Lease(this, permitCount) : Lease.Denied;
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
            TimeSpan? wait;
            Task? releasedOne = null;
            var served = new List<Waiter>();
            lock (sync)
            {
                wait = Serve(served);
                if (wait == TimeSpan.Zero)
                {
                    pumping = false;
                }
                else if (wait is null)
                {
                    releaseSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    releasedOne = releaseSignal.Task;
                }
            }

            foreach (var waiter in served)
            {
                // Never refused: a waiter marked granted is no longer cancelled.
                waiter.Completion.TrySetResult(new Lease(this, waiter.Permits));
            }

            if (wait == TimeSpan.Zero)
            {
                return;
            }

            try
            {
                // Every slot is held by a request in flight: when one is released, how long until it frees is known.
                // A timer may fire a little early; the next round simply waits again for the remainder.
                await (releasedOne ?? Task.Delay(wait!.Value, time, disposed.Token)).WaitAsync(disposed.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Grants the head waiters while they fit; how long until the next one fits, zero when the queue is empty, or null
    /// when that depends on a request still in flight.
    /// </summary>
    private TimeSpan? Serve(List<Waiter> served)
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
                return wait is { } known && known < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait;
            }

            waiters.Dequeue();
            head.Granted = true;
            served.Add(head);
        }

        return TimeSpan.Zero;
    }

    private bool TryGrant(int permitCount, out TimeSpan? wait)
    {
        var now = time.GetTimestamp();
        Prune(now);
        if (held + released.Count + permitCount <= permitLimit)
        {
            held += permitCount;
            totalGranted += permitCount;
            lastActivity = now;
            wait = TimeSpan.Zero;
            return true;
        }

        // Released slots free in the order they were released; the one that must free before this request fits.
        var missing = held + released.Count + permitCount - permitLimit;
        wait = missing <= released.Count ? window - time.GetElapsedTime(released.ElementAt(missing - 1), now) : null;
        return false;
    }

    /// <summary>A lease was disposed: its slots stay taken for one window from now.</summary>
    private void Release(int permits)
    {
        TaskCompletionSource? signal;
        lock (sync)
        {
            held -= permits;
            var now = time.GetTimestamp();
            lastActivity = now;
            for (var i = 0; i < permits; i++)
            {
                released.Enqueue(now);
            }

            signal = releaseSignal;
            releaseSignal = null;
        }

        signal?.TrySetResult();
    }

    private void Prune(long now)
    {
        while (released.Count > 0 && time.GetElapsedTime(released.Peek(), now) >= window)
        {
            released.Dequeue();
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

    /// <summary>A granted permit holds its slots until disposed (and one window after); a denied one holds nothing.</summary>
    private sealed class Lease(SlidingWindowRequestLimiter? owner, int permits) : RateLimitLease
    {
        public static readonly Lease Denied = new(null, 0);
        private int disposed;

        public override bool IsAcquired => owner is not null;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (owner is not null && Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner.Release(permits);
            }

            base.Dispose(disposing);
        }
    }
}
