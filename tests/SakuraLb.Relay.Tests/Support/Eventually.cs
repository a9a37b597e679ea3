namespace SakuraLb.Relay.Tests.Support;

/// <summary>Polls a condition until it holds or a deadline passes (tests never sleep to wait for state).</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        // A monotonic clock: a wall-clock step on the machine must not end or stretch the wait.
        var limit = timeout ?? DefaultTimeout;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (!condition())
        {
            if (System.Diagnostics.Stopwatch.GetElapsedTime(started) > limit)
            {
                throw new TimeoutException($"timed out waiting until {what}");
            }

            await Task.Delay(20);
        }
    }

    public static async Task<T> ValueAsync<T>(Func<T?> probe, string what, TimeSpan? timeout = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(probe);
        T? value = null;
        await UntilAsync(() => (value = probe()) is not null, what, timeout);
        return value!;
    }
}
