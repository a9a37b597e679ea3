using Microsoft.Extensions.Time.Testing;
using SakuraLb.Functions.Cloud;
using SakuraLb.Functions.Options;

namespace SakuraLb.Functions.Tests.Cloud;

public sealed class RouterCacheTests
{
    private static RouterCache Cache(FakeTimeProvider time, TimeSpan duration) =>
        new(time, Microsoft.Extensions.Options.Options.Create(new ReconcileOptions { RouterCacheDuration = duration }));

    [Fact]
    public async Task GetAsync_WithinTheDuration_ReadsOnceForEveryCaller()
    {
        var time = new FakeTimeProvider();
        using var cache = Cache(time, TimeSpan.FromMinutes(1));
        var reads = 0;
        var release = new TaskCompletionSource();
        async Task<IReadOnlyList<RouterInfo>> ReadAsync(CancellationToken ct)
        {
            Interlocked.Increment(ref reads);
            await release.Task;
            return [];
        }

        var concurrent = Enumerable.Range(0, 10).Select(_ => cache.GetAsync(ReadAsync, default)).ToList();
        release.SetResult();
        await Task.WhenAll(concurrent);
        time.Advance(TimeSpan.FromSeconds(59));
        await cache.GetAsync(ReadAsync, default);

        Assert.Equal(1, reads);
    }

    [Fact]
    public async Task GetAsync_AfterTheDuration_ReadsAgain()
    {
        var time = new FakeTimeProvider();
        using var cache = Cache(time, TimeSpan.FromMinutes(1));
        var reads = 0;
        Task<IReadOnlyList<RouterInfo>> ReadAsync(CancellationToken ct)
        {
            reads++;
            return Task.FromResult<IReadOnlyList<RouterInfo>>([]);
        }

        await cache.GetAsync(ReadAsync, default);
        time.Advance(TimeSpan.FromMinutes(1));
        await cache.GetAsync(ReadAsync, default);

        Assert.Equal(2, reads);
    }

    [Fact]
    public async Task GetAsync_ZeroDuration_ReadsEveryTime()
    {
        using var cache = Cache(new FakeTimeProvider(), TimeSpan.Zero);
        var reads = 0;
        Task<IReadOnlyList<RouterInfo>> ReadAsync(CancellationToken ct)
        {
            reads++;
            return Task.FromResult<IReadOnlyList<RouterInfo>>([]);
        }

        await cache.GetAsync(ReadAsync, default);
        await cache.GetAsync(ReadAsync, default);

        Assert.Equal(2, reads);
    }

    [Fact]
    public async Task GetAsync_FailedRead_IsNotCached()
    {
        using var cache = Cache(new FakeTimeProvider(), TimeSpan.FromMinutes(1));
        var reads = 0;
        Task<IReadOnlyList<RouterInfo>> ReadAsync(CancellationToken ct) =>
            ++reads == 1 ? throw new TimeoutException("first read fails") : Task.FromResult<IReadOnlyList<RouterInfo>>([]);

        await Assert.ThrowsAsync<TimeoutException>(() => cache.GetAsync(ReadAsync, default));
        await cache.GetAsync(ReadAsync, default);

        Assert.Equal(2, reads);
    }
}
