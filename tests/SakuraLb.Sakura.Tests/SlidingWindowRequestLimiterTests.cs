using System.Threading.RateLimiting;

namespace SakuraLb.Sakura.Tests;

public sealed class SlidingWindowRequestLimiterTests
{
    [Fact]
    public void AttemptAcquire_UpToTheLimit_GrantsThenDenies()
    {
        var time = new CountingTimeProvider();
        using var limiter = new SlidingWindowRequestLimiter(3, TimeSpan.FromSeconds(1), time);

        Assert.All(Enumerable.Range(0, 3), _ => Assert.True(Answered(limiter.AttemptAcquire())));
        Assert.False(Answered(limiter.AttemptAcquire()));
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(Answered(limiter.AttemptAcquire()));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(Answered(limiter.AttemptAcquire()));
    }

    [Fact]
    public async Task AcquireAsync_OverTheLimit_WaitsUntilTheOldestGrantLeavesTheWindow()
    {
        var time = new CountingTimeProvider();
        using var limiter = new SlidingWindowRequestLimiter(2, TimeSpan.FromSeconds(1), time);
        Assert.True(Answered(await limiter.AcquireAsync()));
        time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.True(Answered(await limiter.AcquireAsync()));

        var third = limiter.AcquireAsync().AsTask();
        await time.WaitForTimersAsync(1);
        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(699));
        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(Answered(await third));
        Assert.Equal(0, limiter.GetStatistics()!.CurrentAvailablePermits);
    }

    [Fact]
    public async Task AcquireAsync_Cancelled_ThrowsAndGrantsNothing()
    {
        var time = new CountingTimeProvider();
        using var limiter = new SlidingWindowRequestLimiter(1, TimeSpan.FromSeconds(1), time);
        Assert.True(Answered(await limiter.AcquireAsync()));
        using var cts = new CancellationTokenSource();

        var waiting = limiter.AcquireAsync(1, cts.Token).AsTask();
        await time.WaitForTimersAsync(1);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(1, limiter.GetStatistics()!.TotalSuccessfulLeases);
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
            return Answered(await limiter.AcquireAsync());
        }));

        // 40 grants at 5 per window need at least 7 full windows after the first burst.
        Assert.All(leases, Assert.True);
        Assert.True(TimeProvider.System.GetElapsedTime(started) >= window * ((callers / limit) - 1));
        Assert.Equal(callers, limiter.GetStatistics()!.TotalSuccessfulLeases);
    }

    [Fact]
    public void AGrantedRequest_HoldsItsSlotWhileInFlight_AndOneWindowAfterItsAnswer()
    {
        var time = new CountingTimeProvider();
        using var limiter = new SlidingWindowRequestLimiter(1, TimeSpan.FromSeconds(1), time);
        var inFlight = limiter.AttemptAcquire();
        Assert.True(inFlight.IsAcquired);

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(Answered(limiter.AttemptAcquire()));
        inFlight.Dispose();
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(Answered(limiter.AttemptAcquire()));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(Answered(limiter.AttemptAcquire()));
    }

    [Fact]
    public async Task AWaiterBehindRequestsInFlight_IsGrantedOneWindowAfterTheFirstAnswer()
    {
        var time = new CountingTimeProvider();
        using var limiter = new SlidingWindowRequestLimiter(2, TimeSpan.FromSeconds(1), time);
        var first = await limiter.AcquireAsync();
        var second = await limiter.AcquireAsync();

        var third = limiter.AcquireAsync().AsTask();
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.False(third.IsCompleted);
        second.Dispose();
        await time.WaitForTimersAsync(1);
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(Answered(await third));
        first.Dispose();
    }

    /// <summary>
    /// However late a granted request reaches the server (delay) and however long its answer takes (latency), the
    /// arrivals in any window of the server's clock stay within the limit, because an arrival lies between the grant
    /// and the lease's disposal. Counting from the grant alone fails this: early grants delayed bunch with later ones.
    /// </summary>
    [Theory]
    [InlineData(5, 1)]
    [InlineData(3, 2)]
    [InlineData(10, 3)]
    [InlineData(1, 4)]
    public void RandomDelaysAfterTheGrant_NeverBringMoreThanTheLimitToTheServerInAnyWindow(int limit, int seed)
    {
        var time = new CountingTimeProvider();
        var window = TimeSpan.FromSeconds(1);
        using var limiter = new SlidingWindowRequestLimiter(limit, window, time);
        var random = new Random(seed);
        var arrivals = new List<DateTimeOffset>();
        var inFlight = new List<(DateTimeOffset AnsweredAt, RateLimitLease Lease)>();

        for (var step = 0; step < 3000; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(random.Next(0, 40)));
            var now = time.GetUtcNow();
            foreach (var answered in inFlight.Where(f => f.AnsweredAt <= now).ToList())
            {
                answered.Lease.Dispose();
                inFlight.Remove(answered);
            }

            for (var attempt = random.Next(0, 4); attempt > 0; attempt--)
            {
                var lease = limiter.AttemptAcquire();
                if (!lease.IsAcquired)
                {
                    continue;
                }

                // Sent up to 1.5 s after the grant (a stalled thread, a slow connection), answered up to 0.5 s later.
                var arrival = now + TimeSpan.FromMilliseconds(random.Next(0, 1500));
                arrivals.Add(arrival);
                inFlight.Add((arrival + TimeSpan.FromMilliseconds(random.Next(0, 500)), lease));
            }
        }

        arrivals.Sort();
        Assert.True(arrivals.Count > limit * 10, "the test should exercise the limit many times");
        for (var i = limit; i < arrivals.Count; i++)
        {
            Assert.True(arrivals[i] - arrivals[i - limit] >= window, $"arrivals {i - limit}..{i} fit in {arrivals[i] - arrivals[i - limit]}");
        }
    }

    /// <summary>A request answered at once: the lease is disposed as soon as it is granted.</summary>
    internal static bool Answered(RateLimitLease lease)
    {
        using (lease)
        {
            return lease.IsAcquired;
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
        Assert.True(SlidingWindowRequestLimiterTests.Answered(await limiter.AcquireAsync(1, RequestPriority.Health)));

        var served = new System.Collections.Concurrent.ConcurrentQueue<int>();
        var waiting = queued.Select((priority, arrival) => limiter.AcquireAsync(1, priority).AsTask()
            .ContinueWith(
                granted =>
                {
                    SlidingWindowRequestLimiterTests.Answered(granted.Result);
                    served.Enqueue(arrival);
                },
                TaskScheduler.Default)).ToList();
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
        Assert.True(SlidingWindowRequestLimiterTests.Answered(await limiter.AcquireAsync()));
        using var cts = new CancellationTokenSource();
        var removal = limiter.AcquireAsync(1, RequestPriority.Removal, cts.Token).AsTask();
        var create = limiter.AcquireAsync(1, RequestPriority.Create).AsTask();
        await time.WaitForTimersAsync(1);

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => removal);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(SlidingWindowRequestLimiterTests.Answered(await create));
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
