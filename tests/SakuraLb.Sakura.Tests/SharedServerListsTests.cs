using Microsoft.Extensions.Time.Testing;

namespace SakuraLb.Sakura.Tests;

public sealed class SharedServerListsTests
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider time = new();
    private readonly SharedServerLists lists;
    private int reads;

    public SharedServerListsTests() =>
        lists = new(TestOptions.Wrap(TestOptions.Valid(o => o.ServerListDuration = Duration)), time);

    private Task<IReadOnlyList<SakuraServer>> Read(CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref reads);
        return Task.FromResult<IReadOnlyList<SakuraServer>>([new SakuraServer { Id = n, Name = $"read{n}" }]);
    }

    private async Task<long> IdAsync(long switchId, long version) =>
        Assert.Single(await lists.GetAsync(switchId, version, Read, CancellationToken.None)).Id;

    [Fact]
    public async Task SameSwitchAndNodeSet_WithinTheDuration_ShareOneRead()
    {
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => IdAsync(11, 7)));
        time.Advance(Duration - TimeSpan.FromMilliseconds(1));

        Assert.All(concurrent, id => Assert.Equal(1, id));
        Assert.Equal(1, await IdAsync(11, 7));
        Assert.Equal(1, reads);
    }

    [Fact]
    public async Task ANewNodeSet_ReadsAgainAtOnce()
    {
        Assert.Equal(1, await IdAsync(11, 7));

        Assert.Equal(2, await IdAsync(11, 8));
        Assert.Equal(2, await IdAsync(11, 8));
    }

    [Fact]
    public async Task OlderThanTheDuration_OrAnotherSwitch_ReadsAgain()
    {
        Assert.Equal(1, await IdAsync(11, 7));
        Assert.Equal(2, await IdAsync(12, 7));
        time.Advance(Duration);

        Assert.Equal(3, await IdAsync(11, 7));
    }

    [Fact]
    public async Task AFlowThatAcceptsOlderReads_IsServedPastTheDuration_ForTheSameNodeSetOnly()
    {
        Assert.Equal(1, await IdAsync(11, 7));
        time.Advance(Duration * 2);

        using (SharedReadAges.Accept(Duration * 3))
        {
            Assert.Equal(1, await IdAsync(11, 7));
            Assert.Equal(2, await IdAsync(11, 8));
        }

        time.Advance(Duration);
        Assert.Equal(3, await IdAsync(11, 8));
    }

    [Fact]
    public async Task AReadOutsideTheSharing_ReplacesTheSharedOne()
    {
        Assert.Equal(1, await IdAsync(11, 7));

        lists.Replace(11, [new SakuraServer { Id = 42 }]);

        Assert.Equal(42, await IdAsync(11, 7));
        Assert.Equal(1, reads);
    }

    [Fact]
    public async Task AFailedRead_IsNotKept()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            lists.GetAsync(11, 7, _ => Task.FromException<IReadOnlyList<SakuraServer>>(new InvalidOperationException("refused")), CancellationToken.None));

        Assert.Equal(1, await IdAsync(11, 7));
    }

    [Fact]
    public async Task WithoutADuration_OnlyAReadInFlightIsShared()
    {
        var none = new SharedServerLists(TestOptions.Wrap(TestOptions.Valid(o => o.ServerListDuration = TimeSpan.Zero)), time);
        var release = new TaskCompletionSource<IReadOnlyList<SakuraServer>>();
        var started = 0;
        Task<IReadOnlyList<SakuraServer>> Slow(CancellationToken ct)
        {
            Interlocked.Increment(ref started);
            return release.Task;
        }

        var first = none.GetAsync(11, 7, Slow, CancellationToken.None);
        var second = none.GetAsync(11, 7, Slow, CancellationToken.None);
        release.SetResult([new SakuraServer { Id = 1 }]);
        await Task.WhenAll(first, second);
        await none.GetAsync(11, 7, Slow, CancellationToken.None);

        Assert.Equal(2, started);
    }
}
