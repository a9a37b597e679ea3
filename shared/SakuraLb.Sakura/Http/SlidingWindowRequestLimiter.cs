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
    private readonly int _permitLimit;
    private readonly TimeSpan _window;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Queue<long> _grants = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _totalGranted;
    private long? _lastGrant;

    public SlidingWindowRequestLimiter(int permitLimit, TimeSpan window, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(permitLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _permitLimit = permitLimit;
        _window = window;
        _time = timeProvider;
    }

    /// <summary>The number of permits per window.</summary>
    public int PermitLimit => _permitLimit;

    /// <summary>The window length.</summary>
    public TimeSpan Window => _window;

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_lock)
            {
                return _lastGrant is { } last ? _time.GetElapsedTime(last) : null;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_lock)
        {
            Prune(_time.GetTimestamp());
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = _permitLimit - _grants.Count,
                CurrentQueuedCount = _gate.CurrentCount == 0 ? 1 : 0,
                TotalSuccessfulLeases = _totalGranted,
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
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (!TryGrant(permitCount, out var wait))
            {
                // A timer may fire a little early; the loop simply waits again for the remainder.
                var delay = wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait;
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }

            return Lease.Granted;
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gate.Dispose();
        }

        base.Dispose(disposing);
    }

    private bool TryGrant(int permitCount, out TimeSpan wait)
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            Prune(now);
            if (_grants.Count + permitCount <= _permitLimit)
            {
                for (var i = 0; i < permitCount; i++)
                {
                    _grants.Enqueue(now);
                }

                _totalGranted += permitCount;
                _lastGrant = now;
                wait = TimeSpan.Zero;
                return true;
            }

            // The grant that must leave the window before this request fits.
            var blocking = _grants.ElementAt(_grants.Count + permitCount - _permitLimit - 1);
            wait = _window - _time.GetElapsedTime(blocking, now);
            return false;
        }
    }

    private void Prune(long now)
    {
        while (_grants.Count > 0 && _time.GetElapsedTime(_grants.Peek(), now) >= _window)
        {
            _grants.Dequeue();
        }
    }

    private void CheckPermitCount(int permitCount) =>
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, _permitLimit);

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
