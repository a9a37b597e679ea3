using System.Collections;
using System.Diagnostics;
using System.Globalization;

namespace SakuraLb.Testing;

/// <summary>
/// Waits for state by polling with a deadline: tests never sleep a fixed time to wait for state. On timeout it
/// throws a <see cref="TimeoutException"/> that names what was awaited and, where there is one, the last value read.
/// </summary>
public static class Eventually
{
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(20);

    public static TimeSpan DefaultInterval { get; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Reads until <paramref name="done"/> holds for the value read, and returns that value.</summary>
    /// <param name="what">What is awaited, as it reads after "waiting for".</param>
    /// <param name="interval">The pause between reads; a longer one suits a read that is expensive (a process).</param>
    public static async Task<T> UntilAsync<T>(
        Func<Task<T>> read,
        Func<T, bool> done,
        string what,
        TimeSpan? timeout = null,
        TimeSpan? interval = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(done);
        var limit = timeout ?? DefaultTimeout;
        // Monotonic: a wall-clock step (NTP) must neither end the wait early nor stretch it.
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (Stopwatch.GetElapsedTime(started) > limit)
            {
                throw new TimeoutException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"timed out after {limit.TotalSeconds:0.###} s waiting for {what}; last value: {Describe(value)}"));
            }

            await Task.Delay(interval ?? DefaultInterval, cancellationToken);
        }
    }

    /// <summary>Checks until <paramref name="condition"/> holds.</summary>
    /// <param name="what">The awaited condition, as it reads after "waiting until".</param>
    public static async Task UntilAsync(
        Func<bool> condition,
        string what,
        TimeSpan? timeout = null,
        TimeSpan? interval = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var limit = timeout ?? DefaultTimeout;
        var started = Stopwatch.GetTimestamp();
        while (!condition())
        {
            if (Stopwatch.GetElapsedTime(started) > limit)
            {
                throw new TimeoutException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"timed out after {limit.TotalSeconds:0.###} s waiting until {what}"));
            }

            await Task.Delay(interval ?? DefaultInterval, cancellationToken);
        }
    }

    /// <summary>Probes until it returns something, and returns that.</summary>
    /// <param name="what">What is awaited, as it reads after "waiting until".</param>
    public static async Task<T> ValueAsync<T>(Func<T?> probe, string what, TimeSpan? timeout = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(probe);
        T? value = null;
        await UntilAsync(() => (value = probe()) is not null, what, timeout);
        return value!;
    }

    /// <summary>A value as the timeout message shows it: strings quoted (an empty one is visible), collections listed.</summary>
    internal static string Describe(object? value) => value switch
    {
        null => "null",
        string s => "\"" + s + "\"",
        IEnumerable items => "[" + string.Join("; ", items.Cast<object?>().Select(Describe)) + "]",
        _ => value.ToString() ?? "",
    };
}
