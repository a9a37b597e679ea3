namespace SakuraLb.EndToEnd.Tests.Support;

/// <summary>Waits for a condition by polling with a deadline; never a fixed sleep.</summary>
internal static class Eventually
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        // Monotonic: a wall-clock step (NTP) must neither end the wait early nor stretch it.
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (TimeProvider.System.GetElapsedTime(started) > timeout)
            {
                Assert.Fail($"timed out after {timeout.TotalSeconds:0} s waiting for {what}; last value: {Describe(value)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    private static string Describe<T>(T value) => value switch
    {
        null => "null",
        string s => s,
        System.Collections.IEnumerable list => "[" + string.Join("; ", list.Cast<object?>()) + "]",
        _ => value.ToString() ?? "",
    };
}
