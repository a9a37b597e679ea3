namespace SakuraLb.Relay.Tests.Support;

/// <summary>Polls a condition until it holds or a deadline passes (tests never sleep to wait for state).</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
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
