using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using SakuraLb.Functions.Cloud;
using SakuraLb.Functions.Options;
using SakuraLb.Reconcile.Desired;
using SakuraLb.Reconcile.Observed;
using SakuraLb.Sakura;

namespace SakuraLb.Functions.Tests.Cloud;

public sealed class RouterCacheTests
{
    private static readonly ControllerSettings Settings = new() { ClusterId = "c1", RouterTags = ["@k8s", "@k8s.zone=a"], SwitchTags = ["@k8s", "@k8s.private"] };

    private static RouterCache Cache(FakeTimeProvider time, TimeSpan duration) =>
        new(Settings, time, Microsoft.Extensions.Options.Options.Create(new ReconcileOptions { RouterCacheDuration = duration }));

    private static ISakuraCloud Cloud(Func<Task<IReadOnlyList<RouterNetwork>>> read)
    {
        var cloud = Substitute.For<ISakuraCloud>();
        cloud.FindRoutersAsync(Arg.Any<RouterQuery>(), Arg.Any<CancellationToken>()).Returns(_ => read());
        return cloud;
    }

    [Fact]
    public async Task GetAsync_AsksForTheControllersRouterTagsAndTheClustersTag()
    {
        using var cache = Cache(new FakeTimeProvider(), TimeSpan.FromMinutes(1));
        var cloud = Cloud(() => Task.FromResult<IReadOnlyList<RouterNetwork>>([]));

        await cache.GetAsync(cloud, default);

        await cloud.Received(1).FindRoutersAsync(
            Arg.Is<RouterQuery>(q => q.Name == null && q.Tags!.SequenceEqual(new[] { "@k8s", "@k8s.ClusterID=c1", "@k8s.zone=a" })), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task GetAsync_WithinTheDuration_ReadsOnceForEveryCaller()
    {
        var time = new FakeTimeProvider();
        using var cache = Cache(time, TimeSpan.FromMinutes(1));
        var reads = 0;
        var release = new TaskCompletionSource();
        var cloud = Cloud(async () =>
        {
            Interlocked.Increment(ref reads);
            await release.Task;
            return [];
        });

        var concurrent = Enumerable.Range(0, 10).Select(_ => cache.GetAsync(cloud, default)).ToList();
        release.SetResult();
        await Task.WhenAll(concurrent);
        time.Advance(TimeSpan.FromSeconds(59));
        await cache.GetAsync(cloud, default);

        Assert.Equal(1, reads);
    }

    [Fact]
    public async Task GetAsync_AfterTheDuration_ReadsAgain()
    {
        var time = new FakeTimeProvider();
        using var cache = Cache(time, TimeSpan.FromMinutes(1));
        var reads = 0;
        var cloud = Cloud(() =>
        {
            reads++;
            return Task.FromResult<IReadOnlyList<RouterNetwork>>([]);
        });

        await cache.GetAsync(cloud, default);
        time.Advance(TimeSpan.FromMinutes(1));
        await cache.GetAsync(cloud, default);

        Assert.Equal(2, reads);
    }

    [Fact]
    public async Task GetAsync_ZeroDuration_ReadsEveryTime()
    {
        using var cache = Cache(new FakeTimeProvider(), TimeSpan.Zero);
        var reads = 0;
        var cloud = Cloud(() =>
        {
            reads++;
            return Task.FromResult<IReadOnlyList<RouterNetwork>>([]);
        });

        await cache.GetAsync(cloud, default);
        await cache.GetAsync(cloud, default);

        Assert.Equal(2, reads);
    }

    [Fact]
    public async Task GetAsync_FailedRead_IsNotCached()
    {
        using var cache = Cache(new FakeTimeProvider(), TimeSpan.FromMinutes(1));
        var reads = 0;
        var cloud = Cloud(() =>
            ++reads == 1 ? throw new TimeoutException("first read fails") : Task.FromResult<IReadOnlyList<RouterNetwork>>([]));

        await Assert.ThrowsAsync<TimeoutException>(() => cache.GetAsync(cloud, default));
        await cache.GetAsync(cloud, default);

        Assert.Equal(2, reads);
    }

    [Fact]
    public async Task CandidatesAsync_ReadsOnlyTheKindTheServiceAsksFor_EachCachedOnItsOwn()
    {
        var time = new FakeTimeProvider();
        using var cache = Cache(time, TimeSpan.FromMinutes(1));
        var plain = new PlainSwitch(7, "k8s-private", ["@k8s", "@k8s.private"]);
        var cloud = Cloud(() => Task.FromResult<IReadOnlyList<RouterNetwork>>([]));
        cloud.FindSwitchesAsync(Arg.Any<IReadOnlyCollection<string>>(), Arg.Any<CancellationToken>()).Returns([plain]);

        var internet = await cache.CandidatesAsync(cloud, LoadBalancerType.Internet, default);
        await cloud.DidNotReceiveWithAnyArgs().FindSwitchesAsync(default!, default);
        var first = await cache.CandidatesAsync(cloud, LoadBalancerType.Switch, default);
        var second = await cache.CandidatesAsync(cloud, LoadBalancerType.Switch, default);

        Assert.Empty(internet.Switches);
        Assert.Equal([plain], first.Switches);
        Assert.Empty(first.Routers);
        Assert.Same(first.Switches, second.Switches);
        await cloud.Received(1).FindSwitchesAsync(Arg.Is<IReadOnlyCollection<string>>(t => t.SequenceEqual(new[] { "@k8s", "@k8s.ClusterID=c1", "@k8s.private" })), Arg.Any<CancellationToken>());
        await cloud.Received(1).FindRoutersAsync(Arg.Any<RouterQuery>(), Arg.Any<CancellationToken>());
    }
}
