namespace SakuraSim.Lifecycle;

/// <summary>
/// The simulator's "now": the configured <see cref="TimeProvider"/> plus an offset that
/// <c>POST /_sim/clock/advance</c> moves forward, so even a system clock can be fast-forwarded.
/// </summary>
internal sealed class SimClock(TimeProvider provider)
{
    private long offsetTicks;

    public TimeProvider Provider => provider;

    public DateTimeOffset Now => provider.GetUtcNow() + Offset;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);
}
