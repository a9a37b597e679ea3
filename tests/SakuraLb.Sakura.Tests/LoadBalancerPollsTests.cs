using Microsoft.Extensions.Time.Testing;

namespace SakuraLb.Sakura.Tests;

public sealed class LoadBalancerPollsTests
{
    private readonly FakeTimeProvider time = new();
    private readonly LoadBalancerPolls polls;
    private readonly List<long[]> reads = [];
    private readonly Lock gate = new();
    private TaskCompletionSource<bool> release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LoadBalancerPollsTests() => polls = new LoadBalancerPolls(time);

    /// <summary>A read that waits for <see cref="release"/>, then finds every appliance asked for but 404.</summary>
    private async Task<IReadOnlyList<SakuraAppliance>> Read(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        Task gateTask;
        lock (gate)
        {
            reads.Add([.. ids.Order()]);
            gateTask = release.Task;
        }

        await gateTask;
        return [.. ids.Where(id => id != 404).Select(id => new SakuraAppliance { Id = id, Name = $"read{reads.Count}" })];
    }

    private Task<SakuraAppliance?> Poll(long id, TimeSpan maxAge = default, CancellationToken cancellationToken = default) =>
        polls.GetAsync(id, maxAge, Read, cancellationToken);

    private int ReadCount()
    {
        lock (gate)
        {
            return reads.Count;
        }
    }

    private Task ReadsStarted(int count) => Eventually.UntilAsync(() => ReadCount() == count, $"{count} reads started");

    private void Release()
    {
        lock (gate)
        {
            release.SetResult(true);
            release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    [Fact]
    public async Task PollsArrivingWhileAReadIsInFlight_ShareTheNextRead_OfJustTheirAppliances()
    {
        var first = Poll(1);
        await ReadsStarted(1);
        var waiting = Enumerable.Range(2, 50).Select(id => Poll(id)).Append(Poll(404)).ToList();

        Release();
        Assert.Equal(1, (await first)!.Id);
        await ReadsStarted(2);
        Release();
        var found = await Task.WhenAll(waiting);

        Assert.Equal([.. Enumerable.Range(2, 50).Select(i => (long)i)], found.Take(50).Select(a => a!.Id));
        Assert.Null(found[50]);
        Assert.Equal([[1L], [.. Enumerable.Range(2, 50).Select(i => (long)i), 404L]], reads);
    }

    [Fact]
    public async Task APollForAnApplianceTheReadInFlightCovers_JoinsIt()
    {
        var first = Poll(1);
        await ReadsStarted(1);
        var again = Poll(1);

        Release();

        Assert.Same(await first, await again);
        Assert.Equal(1, ReadCount());
    }

    [Fact]
    public async Task AFinishedRead_ServesPollsForItsAppliances_UpToTheirMaxAge()
    {
        var maxAge = TimeSpan.FromSeconds(10);
        var first = await ReadThroughAsync(1, maxAge, reads: 1);

        time.Advance(maxAge);
        var within = await Poll(1, maxAge);
        await ReadThroughAsync(2, maxAge, reads: 2);
        time.Advance(TimeSpan.FromSeconds(1));
        await ReadThroughAsync(2, TimeSpan.FromMilliseconds(500), reads: 3);

        Assert.Same(first, within);
        Assert.Equal([[1L], [2L], [2L]], reads);
    }

    [Fact]
    public async Task AFailedRead_FailsItsPolls_AndIsNotKept()
    {
        var calls = 0;
        Task<IReadOnlyList<SakuraAppliance>> Fail(IReadOnlyCollection<long> ids, CancellationToken ct)
        {
            Interlocked.Increment(ref calls);
            return Task.FromException<IReadOnlyList<SakuraAppliance>>(new HttpRequestException("down"));
        }

        await Assert.ThrowsAsync<HttpRequestException>(() => polls.GetAsync(1, TimeSpan.FromMinutes(1), Fail, CancellationToken.None));
        var next = await ReadThroughAsync(1, TimeSpan.FromMinutes(1), reads: 1);

        Assert.Equal(1, next!.Id);
        Assert.Equal(1, calls);
    }

    /// <summary>A poll that needs a read of its own: waits until that read (the <paramref name="reads"/>th) started, lets it finish.</summary>
    private async Task<SakuraAppliance?> ReadThroughAsync(long id, TimeSpan maxAge, int reads)
    {
        var poll = Poll(id, maxAge);
        await ReadsStarted(reads);
        Release();
        return await poll;
    }

    [Fact]
    public async Task OnePollCancelled_TheOthersStillGetTheSharedRead()
    {
        using var cancelled = new CancellationTokenSource();
        var leaving = Poll(1, cancellationToken: cancelled.Token);
        var staying = Poll(1);
        await ReadsStarted(1);

        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving);
        Release();

        Assert.Equal(1, (await staying)!.Id);
        Assert.Equal(1, ReadCount());
    }
}
