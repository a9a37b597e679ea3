using SakuraLb.Sakura.Http;

namespace SakuraLb.Sakura.Tests;

public sealed class SlidingWindowRequestLimiterTests
{
    [Fact]
    public void AttemptAcquire_UpToTheLimit_GrantsThenDenies()
    {
        var time = new CountingTimeProvider();
        using var limiter = new SlidingWindowRequestLimiter(3, TimeSpan.FromSeconds(1), time);

        Assert.All(Enumerable.Range(0, 3), _ => Assert.True(limiter.AttemptAcquire().IsAcquired));
        Assert.False(limiter.AttemptAcquire().IsAcquired);
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(limiter.AttemptAcquire().IsAcquired);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(limiter.AttemptAcquire().IsAcquired);
    }

    [Fact]
    public async Task AcquireAsync_OverTheLimit_WaitsUntilTheOldestGrantLeavesTheWindow()
    {
        var time = new CountingTimeProvider();
        using var limiter = new SlidingWindowRequestLimiter(2, TimeSpan.FromSeconds(1), time);
        Assert.True((await limiter.AcquireAsync()).IsAcquired);
        time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.True((await limiter.AcquireAsync()).IsAcquired);

        var third = limiter.AcquireAsync().AsTask();
        await time.WaitForTimersAsync(1);
        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(699));
        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True((await third).IsAcquired);
        Assert.Equal(0, limiter.GetStatistics()!.CurrentAvailablePermits);
    }

    [Fact]
    public async Task AcquireAsync_Cancelled_ThrowsAndGrantsNothing()
    {
        var time = new CountingTimeProvider();
        using var limiter = new SlidingWindowRequestLimiter(1, TimeSpan.FromSeconds(1), time);
        Assert.True((await limiter.AcquireAsync()).IsAcquired);
        using var cts = new CancellationTokenSource();

        var waiting = limiter.AcquireAsync(1, cts.Token).AsTask();
        await time.WaitForTimersAsync(1);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(1, limiter.GetStatistics()!.TotalSuccessfulLeases);
    }

    [Theory]
    [InlineData(5, 40)]
    [InlineData(3, 25)]
    [InlineData(10, 60)]
    public async Task AcquireAsync_ManyConcurrentCallers_NeverExceedLimitInAnyWindow(int limit, int callers)
    {
        // Real clock on purpose: this is the property the API's throttle cares about.
        var window = TimeSpan.FromMilliseconds(200);
        using var limiter = new SlidingWindowRequestLimiter(limit, window, TimeProvider.System);
        var grants = new System.Collections.Concurrent.ConcurrentBag<long>();

        await Task.WhenAll(Enumerable.Range(0, callers).Select(async _ =>
        {
            await Task.Yield();
            using var lease = await limiter.AcquireAsync();
            grants.Add(TimeProvider.System.GetTimestamp());
        }));

        var times = grants.Order().ToArray();
        Assert.Equal(callers, times.Length);
        for (var i = limit; i < times.Length; i++)
        {
            var span = TimeProvider.System.GetElapsedTime(times[i - limit], times[i]);
            Assert.True(span >= window, $"grants {i - limit} and {i} are {span.TotalMilliseconds} ms apart (limit {limit} per {window.TotalMilliseconds} ms)");
        }

    }

    [Fact]
    public void Registry_SameKey_SharesOneLimiter_AndRejectsAConflictingRate()
    {
        var registry = new SakuraRateLimiterRegistry();
        var a = registry.GetOrCreate("http://127.0.0.1:1/cloud/zone", "t", 5, TimeProvider.System);
        var b = registry.GetOrCreate("http://127.0.0.1:1/cloud/zone/", "t", 5, TimeProvider.System);
        var other = registry.GetOrCreate("http://127.0.0.1:1/cloud/zone", "u", 5, TimeProvider.System);

        Assert.Same(a, b);
        Assert.NotSame(a, other);
        Assert.Throws<InvalidOperationException>(() => registry.GetOrCreate("http://127.0.0.1:1/cloud/zone", "t", 7, TimeProvider.System));
    }
}
