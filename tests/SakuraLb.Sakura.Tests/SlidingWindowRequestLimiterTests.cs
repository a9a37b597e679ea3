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
    [InlineData(5, 1)]
    [InlineData(3, 2)]
    [InlineData(10, 3)]
    [InlineData(1, 4)]
    public void AttemptAcquire_RandomArrivals_NeverGrantMoreThanTheLimitInAnyWindow(int limit, int seed)
    {
        var time = new CountingTimeProvider();
        var window = TimeSpan.FromSeconds(1);
        using var limiter = new SlidingWindowRequestLimiter(limit, window, time);
        var random = new Random(seed);
        var grants = new List<DateTimeOffset>();

        for (var step = 0; step < 2000; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(random.Next(0, 60)));
            for (var attempt = random.Next(0, 4); attempt > 0; attempt--)
            {
                if (limiter.AttemptAcquire().IsAcquired)
                {
                    grants.Add(time.GetUtcNow());
                }
            }
        }

        Assert.True(grants.Count > limit * 10, "the test should exercise the limit many times");
        for (var i = limit; i < grants.Count; i++)
        {
            Assert.True(grants[i] - grants[i - limit] >= window, $"grants {i - limit}..{i} fit in {grants[i] - grants[i - limit]}");
        }
    }

    [Fact]
    public async Task AcquireAsync_ManyConcurrentCallers_AllGrantedNoFasterThanTheLimitAllows()
    {
        const int limit = 5;
        const int callers = 40;
        var window = TimeSpan.FromMilliseconds(100);
        using var limiter = new SlidingWindowRequestLimiter(limit, window, TimeProvider.System);
        var started = TimeProvider.System.GetTimestamp();

        var leases = await Task.WhenAll(Enumerable.Range(0, callers).Select(async _ =>
        {
            await Task.Yield();
            return await limiter.AcquireAsync();
        }));

        // 40 grants at 5 per window need at least 7 full windows after the first burst.
        Assert.All(leases, l => Assert.True(l.IsAcquired));
        Assert.True(TimeProvider.System.GetElapsedTime(started) >= window * ((callers / limit) - 1));
        Assert.Equal(callers, limiter.GetStatistics()!.TotalSuccessfulLeases);
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

public sealed class RequestPriorityOrderTests
{
    public static TheoryData<RequestPriority[]> Queues => new()
    {
        { [RequestPriority.Health, RequestPriority.Cosmetic, RequestPriority.Normal, RequestPriority.Create, RequestPriority.Removal] },
        { [RequestPriority.Create, RequestPriority.Create, RequestPriority.Removal, RequestPriority.Create, RequestPriority.Removal] },
        { [RequestPriority.Normal, RequestPriority.Health, RequestPriority.Normal, RequestPriority.Cosmetic, RequestPriority.Create, RequestPriority.Normal] },
        { [RequestPriority.Removal, RequestPriority.Removal, RequestPriority.Removal] },
    };

    [Theory]
    [MemberData(nameof(Queues))]
    public async Task QueuedRequests_AreServedByPriority_ThenInArrivalOrder(RequestPriority[] queued)
    {
        var time = new CountingTimeProvider();
        using var limiter = new SlidingWindowRequestLimiter(1, TimeSpan.FromSeconds(1), time);
        Assert.True((await limiter.AcquireAsync(1, RequestPriority.Health)).IsAcquired);

        var served = new System.Collections.Concurrent.ConcurrentQueue<int>();
        var waiting = queued.Select((priority, arrival) => limiter.AcquireAsync(1, priority).AsTask()
            .ContinueWith(_ => served.Enqueue(arrival), TaskScheduler.Default)).ToList();
        await time.WaitForTimersAsync(1);
        Assert.Empty(served);
        for (var i = 1; i <= queued.Length; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Eventually.UntilAsync(() => served.Count >= i, $"{i} requests served");
            Assert.Equal(i, served.Count);
        }

        await Task.WhenAll(waiting);
        var expected = queued.Select((priority, arrival) => (priority, arrival)).OrderBy(w => w.priority).ThenBy(w => w.arrival).Select(w => w.arrival);
        Assert.Equal(expected, served);
    }

    [Fact]
    public async Task ACancelledWaiter_IsSkipped_AndTheNextOneGetsItsPermit()
    {
        var time = new CountingTimeProvider();
        using var limiter = new SlidingWindowRequestLimiter(1, TimeSpan.FromSeconds(1), time);
        Assert.True((await limiter.AcquireAsync()).IsAcquired);
        using var cts = new CancellationTokenSource();
        var removal = limiter.AcquireAsync(1, RequestPriority.Removal, cts.Token).AsTask();
        var create = limiter.AcquireAsync(1, RequestPriority.Create).AsTask();
        await time.WaitForTimersAsync(1);

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => removal);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.True((await create).IsAcquired);
        Assert.Equal(2, limiter.GetStatistics()!.TotalSuccessfulLeases);
    }

    [Fact]
    public async Task AmbientScope_SetsThePriorityOfTheFlow_AndIsRestored()
    {
        Assert.Equal(RequestPriority.Normal, RequestPriorities.Current);
        using (RequestPriorities.Enter(RequestPriority.Health))
        {
            Assert.Equal(RequestPriority.Health, RequestPriorities.Current);
            Assert.Equal(RequestPriority.Removal, await InnerAsync());
            Assert.Equal(RequestPriority.Health, RequestPriorities.Current);
        }

        Assert.Equal(RequestPriority.Normal, RequestPriorities.Current);

        static async Task<RequestPriority> InnerAsync()
        {
            using var scope = RequestPriorities.Enter(RequestPriority.Removal);
            await Task.Yield();
            return RequestPriorities.Current;
        }
    }
}
