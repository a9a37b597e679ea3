namespace SakuraLb.Relay.Resilience;

/// <summary>
/// Exponential backoff with "equal jitter": attempt n waits between half and all of min·2ⁿ (capped at
/// max). The random half spreads retries of many relays (or of the watch and the sender) apart; the
/// fixed half keeps a floor so a flapping endpoint is not hammered. Not thread-safe: one per loop.
/// </summary>
public sealed class Backoff
{
    private readonly TimeSpan min;
    private readonly TimeSpan max;
    private readonly Random random;
    private int attempt;

    public Backoff(TimeSpan min, TimeSpan max, Random? random = null)
    {
        if (min <= TimeSpan.Zero || max < min)
        {
            throw new ArgumentOutOfRangeException(nameof(min), $"need 0 < min <= max, got {min} and {max}");
        }

        this.min = min;
        this.max = max;
        this.random = random ?? Random.Shared;
    }

    /// <summary>Failures since the last <see cref="Reset"/>.</summary>
    public int Attempts => attempt;

    public TimeSpan Next()
    {
        var delay = Compute(attempt, min, max, random.NextDouble());
        if (attempt < 62)
        {
            attempt++;
        }

        return delay;
    }

    public void Reset() => attempt = 0;

    /// <summary>The delay for a given attempt and a jitter sample in [0, 1).</summary>
    public static TimeSpan Compute(int attempt, TimeSpan min, TimeSpan max, double jitter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        var ceiling = Math.Min(max.Ticks, min.Ticks * Math.Pow(2, Math.Min(attempt, 62)));
        var ticks = (ceiling / 2) + (Math.Clamp(jitter, 0, 1) * ceiling / 2);
        return TimeSpan.FromTicks((long)Math.Clamp(ticks, min.Ticks / 2.0, max.Ticks));
    }
}
