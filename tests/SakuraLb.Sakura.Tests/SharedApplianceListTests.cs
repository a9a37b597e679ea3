using SakuraLb.Sakura.Wire;

namespace SakuraLb.Sakura.Tests;

public sealed class SharedApplianceListTests
{
    private readonly SharedApplianceList list = new();

    [Fact]
    public async Task GetAsync_OneWaiterCancelled_TheOthersStillGetTheSharedRead()
    {
        var release = new TaskCompletionSource<IReadOnlyList<SakuraAppliance>>();
        var reads = 0;
        Task<IReadOnlyList<SakuraAppliance>> Read(CancellationToken ct)
        {
            Interlocked.Increment(ref reads);
            return release.Task;
        }

        using var cancelled = new CancellationTokenSource();
        var leaving = list.GetAsync(Read, cancelled.Token);
        var staying = list.GetAsync(Read, CancellationToken.None);
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving);
        release.SetResult([new SakuraAppliance { Id = 1 }]);

        Assert.Equal([1L], (await staying).Select(a => a.Id));
        Assert.Equal(1, Volatile.Read(ref reads));
    }

    [Fact]
    public async Task GetAsync_AfterAFailedOrFinishedRead_StartsAFreshOne()
    {
        var reads = 0;
        Task<IReadOnlyList<SakuraAppliance>> Fail(CancellationToken ct)
        {
            Interlocked.Increment(ref reads);
            throw new HttpRequestException("down");
        }

        Task<IReadOnlyList<SakuraAppliance>> Succeed(CancellationToken ct)
        {
            Interlocked.Increment(ref reads);
            return Task.FromResult<IReadOnlyList<SakuraAppliance>>([new SakuraAppliance { Id = reads }]);
        }

        await Assert.ThrowsAsync<HttpRequestException>(() => list.GetAsync(Fail, CancellationToken.None));
        var first = await list.GetAsync(Succeed, CancellationToken.None);
        var second = await list.GetAsync(Succeed, CancellationToken.None);

        // Nothing is kept after a read: a finished list is never handed to a later caller.
        Assert.Equal((2L, 3L), (first.Single().Id, second.Single().Id));
        Assert.Equal(3, reads);
    }
}
