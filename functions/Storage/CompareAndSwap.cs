namespace SakuraLb.Functions.Storage;

/// <summary>
/// A read-decide-write over a store's compare-and-swap: each attempt reads the row, decides, and writes only if the
/// row is still the version it read. A lost race means another writer changed the row, so the next attempt reads
/// that change and decides again.
/// </summary>
public static class CompareAndSwap
{
    /// <summary>
    /// Runs <paramref name="attempt"/> until it gives an answer (it gives null when its write lost the race), at most
    /// <paramref name="maxAttempts"/> times; null when every attempt lost.
    /// </summary>
    public static async Task<T?> RetryAsync<T>(int maxAttempts, Func<Task<T?>> attempt)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(attempt);
        for (var i = 1; i <= maxAttempts; i++)
        {
            if (await attempt() is { } answer)
            {
                return answer;
            }
        }

        return null;
    }
}
