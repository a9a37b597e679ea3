namespace SakuraSim.RateLimiting;

/// <summary>
/// A token bucket per access token: capacity N, refilled at N per second. The
/// real API throttles with 503 busy, never 429. Time comes from the injected provider, so a fake
/// clock makes the limit fully deterministic.
/// </summary>
internal sealed class TokenRateLimiter(TimeProvider time)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, (double Tokens, long At)> buckets = new(StringComparer.Ordinal);
    private int perSecond;

    public int PerSecond
    {
        get
        {
            lock (gate)
            {
                return perSecond;
            }
        }

        set
        {
            lock (gate)
            {
                perSecond = value;
                buckets.Clear();
            }
        }
    }

    public void Reset()
    {
        lock (gate)
        {
            buckets.Clear();
        }
    }

    public bool TryAcquire(string accessToken)
    {
        lock (gate)
        {
            if (perSecond <= 0)
            {
                return true;
            }

            var now = time.GetTimestamp();
            var (tokens, at) = buckets.TryGetValue(accessToken, out var bucket) ? bucket : (perSecond, now);
            tokens = Math.Min(perSecond, tokens + (time.GetElapsedTime(at, now).TotalSeconds * perSecond));
            if (tokens < 1)
            {
                buckets[accessToken] = (tokens, now);
                return false;
            }

            buckets[accessToken] = (tokens - 1, now);
            return true;
        }
    }
}
