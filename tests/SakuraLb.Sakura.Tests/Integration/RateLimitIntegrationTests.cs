using Microsoft.Extensions.DependencyInjection;

namespace SakuraLb.Sakura.Tests.Integration;

/// <summary>
/// Runs alone (no other test class in parallel): the simulator stamps a request when it arrives, and
/// thread-pool starvation caused by unrelated tests would still bunch arrivals and fake a burst.
/// </summary>
[Collection(nameof(RateLimitCollection))]
public sealed class RateLimitIntegrationTests(SimulatorFixture sim) : IClassFixture<SimulatorFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => sim.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task HundredConcurrentCallers_NoOneSecondWindowExceedsTheConfiguredLimit()
    {
        const int limit = 10;
        const int callers = 100;

        // The simulator throttles above the client's limit: a client that overshot would see 503s.
        await sim.ConfigureAsync(new JsonObject { ["rateLimitPerSecond"] = limit });

        // Two containers share the process-wide budget of the same key, as two function instances in one host would.
        var registry = new Http.SakuraRateLimiterRegistry();
        using var first = sim.CreateClient(o => o.RequestsPerSecond = limit, registry);
        using var second = sim.CreateClient(o => o.RequestsPerSecond = limit, registry);

        // Warm up first: a cold client and simulator (JIT, connection set-up) hold the first requests
        // back for hundreds of ms, and they then arrive together, which would fake a burst.
        await first.Cloud.GetAuthStatusAsync(CancellationToken.None);
        await second.Cloud.GetAuthStatusAsync(CancellationToken.None);
        await sim.ClearRequestsAsync();

        var calls = Enumerable.Range(0, callers).Select(i =>
            (i % 2 == 0 ? first : second).Cloud.GetAuthStatusAsync(CancellationToken.None));
        await Task.WhenAll(calls);

        var times = (await sim.RequestsAsync()).Select(r => r.Time).Order().ToArray();
        var statuses = (await sim.RequestsAsync()).Select(r => r.Status).Distinct();
        Assert.Equal([200], statuses);
        Assert.Equal(callers, times.Length);
        AssertNoWindowAboveTheLimit(times, limit);

        var least = TimeSpan.FromSeconds((callers - limit) / (double)limit);
        Assert.True(times[^1] - times[0] >= least, $"{callers} requests took {(times[^1] - times[0]).TotalSeconds:0.00} s; at {limit}/s they need at least {least.TotalSeconds:0.00} s");
    }

    /// <summary>
    /// Alternate runs of requests are held back after their permits were granted (as a stalled thread or a slow
    /// connection would), so that counting grants alone would bring two seconds' grants to the server in one.
    /// </summary>
    [Fact]
    public async Task SendsDelayedAfterTheGrant_StillNeverBringMoreThanTheLimitToTheServerInAnySecond()
    {
        const int limit = DelayAlternateRuns.Run;
        const int callers = 40;
        await sim.ConfigureAsync(new JsonObject { ["rateLimitPerSecond"] = limit });
        using var client = sim.CreateClient(
            o => o.RequestsPerSecond = limit,
            services: s =>
            {
                s.AddTransient<DelayAlternateRuns>();
                s.AddHttpClient(Sakura.ServiceCollectionExtensions.HttpClientName).AddHttpMessageHandler<DelayAlternateRuns>();
            });
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => client.Cloud.GetAuthStatusAsync(CancellationToken.None)));

        var requests = await sim.RequestsAsync();
        Assert.Equal([200], requests.Select(r => r.Status).Distinct());
        Assert.Equal(callers, requests.Count);
        AssertNoWindowAboveTheLimit([.. requests.Select(r => r.Time).Order()], limit);
    }

    [Fact]
    public async Task QueuedBurstOfCreates_ADeleteIssuedLast_OvertakesThem()
    {
        const int limit = 2;
        var registry = new Http.SakuraRateLimiterRegistry();
        using var client = sim.CreateClient(o => o.RequestsPerSecond = limit, registry);
        var cloud = client.Cloud;
        var router = await LoadBalancerSteps.DefaultRouterAsync(cloud);
        var free = await LoadBalancerSteps.FreeAddressesAsync(cloud, router);
        var (target, _) = await LoadBalancerSteps.CreateAsync(cloud, "to-delete", ["@k8s"], 1);
        var limiter = registry.GetOrCreate(sim.Simulator.ApiRoot.AbsoluteUri, "test-token", limit, TimeProvider.System);
        await sim.ClearRequestsAsync();

        var creates = Enumerable.Range(0, 8).Select(i => cloud.CreateLoadBalancerAsync(
            LoadBalancerSteps.Creation(router, $"burst-{i}", ["@k8s"], 10 + i, [free[2]], free[3], []), CancellationToken.None)).ToList();
        var queued = await Eventually.UntilAsync(
            () => Task.FromResult(limiter.GetStatistics()!.CurrentQueuedCount), q => q >= 5, "creates queued in the limiter");
        var delete = DeleteIgnoringRefusalAsync(cloud, target.Id);
        await Task.WhenAll([.. creates, delete]);

        var log = (await sim.RequestsAsync()).OrderBy(r => r.Time).ToList();
        var deletedAt = log.FindIndex(r => r.Method == "DELETE");
        var createsAfter = log.Skip(deletedAt + 1).Count(r => r.Method == "POST");
        Assert.Equal(8, log.Count(r => r.Method == "POST"));
        Assert.True(deletedAt >= 0, "the delete was sent");

        // Queued behind them in arrival order it would have come last; at most one create is granted between the count
        // read above and the delete's arrival in the queue.
        Assert.True(createsAfter >= queued - 1, $"{createsAfter} creates after the delete; {queued} were queued when it was issued");
    }

    /// <summary>The arrivals, stamped by the simulator, in ascending order: no one-second window holds more than the limit.</summary>
    private static void AssertNoWindowAboveTheLimit(IReadOnlyList<DateTimeOffset> times, int limit)
    {
        for (var i = limit; i < times.Count; i++)
        {
            var span = times[i] - times[i - limit];
            Assert.True(span >= TimeSpan.FromSeconds(1), $"requests {i - limit}..{i} came within {span.TotalMilliseconds} ms");
        }
    }

    private static async Task DeleteIgnoringRefusalAsync(ISakuraCloud cloud, long id)
    {
        try
        {
            await cloud.DeleteLoadBalancerAsync(id, CancellationToken.None);
        }
        catch (SakuraApiException)
        {
            // A running appliance refuses the delete; only when the request arrived matters here.
        }
    }
}

[CollectionDefinition(nameof(RateLimitCollection), DisableParallelization = true)]
public sealed class RateLimitCollection;

/// <summary>
/// Between the rate limiter and the wire: holds alternate runs of <see cref="Run"/> requests back 800 ms after their
/// permits were granted, so a run granted in one second arrives together with the next run, granted a second later.
/// </summary>
internal sealed class DelayAlternateRuns : DelegatingHandler
{
    public const int Run = 5;
    private int sent;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if ((Interlocked.Increment(ref sent) - 1) / Run % 2 == 0)
        {
            await Task.Delay(800, cancellationToken);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
