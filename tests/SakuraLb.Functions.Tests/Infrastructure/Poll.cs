namespace SakuraLb.Functions.Tests.Infrastructure;

/// <summary>Waits for a condition by polling with a deadline; never a fixed sleep.</summary>
internal static class Poll
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        T value;
        while (true)
        {
            value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(25);
        }

        Assert.Fail($"timed out waiting for {what}; last value: {Describe(value)}");
        return value;
    }

    private static string Describe<T>(T value) => value switch
    {
        null => "null",
        System.Collections.IEnumerable list and not string => string.Join("; ", list.Cast<object?>()),
        _ => value.ToString() ?? "",
    };
}
