using Microsoft.Extensions.Time.Testing;

namespace SakuraLb.Sakura.Tests;

public sealed class SharedApplianceListTests
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(2);

    private readonly FakeTimeProvider time = new();

    // Without a duration: only reads in flight are shared.
    private readonly SharedApplianceList list = new(TestOptions.Wrap(TestOptions.Valid(o => o.ApplianceListDuration = TimeSpan.Zero)), TimeProvider.System);

    private int reads;

    private SharedApplianceList Cached() => new(TestOptions.Wrap(TestOptions.Valid(o => o.ApplianceListDuration = Duration)), time);

    private Task<IReadOnlyList<SakuraAppliance>> Read(CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref reads);
        return Task.FromResult<IReadOnlyList<SakuraAppliance>>([new SakuraAppliance { Id = 100 + n, Name = $"read{n}" }]);
    }

    [Fact]
    public async Task GetAsync_OneWaiterCancelled_TheOthersStillGetTheSharedRead()
    {
        var release = new TaskCompletionSource<IReadOnlyList<SakuraAppliance>>();
        Task<IReadOnlyList<SakuraAppliance>> Wait(CancellationToken ct)
        {
            Interlocked.Increment(ref reads);
            return release.Task;
        }

        using var cancelled = new CancellationTokenSource();
        var leaving = list.GetAsync(Wait, cancelled.Token);
        var staying = list.GetAsync(Wait, CancellationToken.None);
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving);
        release.SetResult([new SakuraAppliance { Id = 1 }]);

        Assert.Equal([1L], (await staying).Select(a => a.Id));
        Assert.Equal(1, Volatile.Read(ref reads));
    }

    [Fact]
    public async Task GetAsync_AfterAFailedOrFinishedRead_StartsAFreshOne()
    {
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

    [Fact]
    public async Task GetAsync_WithADuration_SharesOneReadUntilItIsThatOld()
    {
        var cached = Cached();

        var first = await cached.GetAsync(Read, CancellationToken.None);
        time.Advance(Duration - TimeSpan.FromMilliseconds(1));
        var within = await cached.GetAsync(Read, CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var after = await cached.GetAsync(Read, CancellationToken.None);

        Assert.Equal((101L, 101L, 102L), (first.Single().Id, within.Single().Id, after.Single().Id));
    }

    [Fact]
    public async Task GetAsync_AShorterMaxAge_ReadsAgainSooner()
    {
        var cached = Cached();
        await cached.GetAsync(Read, CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(500));

        var poll = await cached.GetAsync(Read, CancellationToken.None, maxAge: TimeSpan.FromMilliseconds(400));

        Assert.Equal(102L, poll.Single().Id);
    }

    [Fact]
    public async Task GetAsync_AFlowThatAcceptsOlderReads_IsServedPastTheDuration_UpToItsAge()
    {
        var cached = Cached();
        await cached.GetAsync(Read, CancellationToken.None);
        time.Advance(Duration * 3);

        IReadOnlyList<SakuraAppliance> older, shorter, tooOld;
        using (SharedReadAges.Accept(Duration * 4))
        {
            older = await cached.GetAsync(Read, CancellationToken.None);
            shorter = await cached.GetAsync(Read, CancellationToken.None, maxAge: Duration);
        }

        var outside = await cached.GetAsync(Read, CancellationToken.None);
        time.Advance(Duration * 4);
        using (SharedReadAges.Accept(Duration * 4))
        {
            tooOld = await cached.GetAsync(Read, CancellationToken.None);
        }

        // A shorter age the caller asks for (a poll) still wins; outside the scope the duration decides again.
        Assert.Equal((101L, 102L, 102L, 103L), (older.Single().Id, shorter.Single().Id, outside.Single().Id, tooOld.Single().Id));
    }

    [Fact]
    public async Task GetAsync_AFlowThatAcceptsOlderReads_StillPollsAPoweredApplianceAfresh()
    {
        var cached = Cached();
        await cached.GetAsync(Read, CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(10));
        cached.Powered(7);

        using var scope = SharedReadAges.Accept(TimeSpan.FromMinutes(1));
        var poll = await cached.GetAsync(Read, CancellationToken.None, readAfterPowerOf: 7);

        Assert.Equal(102L, poll.Single().Id);
    }

    [Fact]
    public async Task OurWrites_AreInTheCachedList_OrDropIt()
    {
        var cached = Cached();
        await cached.GetAsync(Read, CancellationToken.None);

        cached.Put(new SakuraAppliance { Id = 7, Name = "created" });
        cached.Put(new SakuraAppliance { Id = 101, Name = "updated" });
        var written = await cached.GetAsync(Read, CancellationToken.None);
        cached.Remove(7);
        var deleted = await cached.GetAsync(Read, CancellationToken.None);
        cached.Invalidate();
        var dropped = await cached.GetAsync(Read, CancellationToken.None);

        Assert.Equal(["created", "updated"], written.Select(a => a.Name));
        Assert.Equal([101L], deleted.Select(a => a.Id));
        Assert.Equal([102L], dropped.Select(a => a.Id));
        Assert.Equal(2, reads);
    }

    [Fact]
    public async Task AReadInFlightDuringOurWrites_IsJoinedAndKept_WithTheWritesLaidOverIt()
    {
        var cached = Cached();
        var release = new TaskCompletionSource<IReadOnlyList<SakuraAppliance>>();
        var slow = cached.GetAsync(_ => { Interlocked.Increment(ref reads); return release.Task; }, CancellationToken.None);

        cached.Put(new SakuraAppliance { Id = 7, Name = "created" });
        cached.Remove(2);
        var afterWrites = cached.GetAsync(Read, CancellationToken.None);
        release.SetResult([new SakuraAppliance { Id = 1, Name = "other" }, new SakuraAppliance { Id = 2, Name = "deleted" }]);
        await slow;
        var later = await cached.GetAsync(Read, CancellationToken.None);

        // The read did not see the create nor the delete; every caller and the kept list do.
        Assert.Equal(["other", "created"], (await slow).Select(a => a.Name));
        Assert.Equal(["other", "created"], (await afterWrites).Select(a => a.Name));
        Assert.Equal(["other", "created"], later.Select(a => a.Name));
        Assert.Equal(1, reads);
    }

    [Fact]
    public async Task AReadInFlightWhenTheListIsDropped_IsNeitherJoinedNorKept()
    {
        var cached = Cached();
        var release = new TaskCompletionSource<IReadOnlyList<SakuraAppliance>>();
        var slow = cached.GetAsync(_ => { Interlocked.Increment(ref reads); return release.Task; }, CancellationToken.None);

        cached.Invalidate();
        var afterDrop = await cached.GetAsync(Read, CancellationToken.None);
        release.SetResult([new SakuraAppliance { Id = 1, Name = "stale" }]);
        await slow;
        var later = await cached.GetAsync(Read, CancellationToken.None);

        // The caller after the drop got a read of its own; the stale read was not kept, the fresh one was.
        Assert.Equal(["read2"], afterDrop.Select(a => a.Name));
        Assert.Equal(["read2"], later.Select(a => a.Name));
        Assert.Equal(2, reads);
    }

    [Fact]
    public async Task APowerCall_LeavesTheListToOthers_ButAPollOfThatApplianceReadsAfterIt()
    {
        var cached = Cached();
        await cached.GetAsync(Read, CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(10));
        cached.Powered(7);
        time.Advance(TimeSpan.FromMilliseconds(10));

        var plan = await cached.GetAsync(Read, CancellationToken.None);
        var otherPoll = await cached.GetAsync(Read, CancellationToken.None, readAfterPowerOf: 8);
        var poll = await cached.GetAsync(Read, CancellationToken.None, readAfterPowerOf: 7);
        var pollAgain = await cached.GetAsync(Read, CancellationToken.None, readAfterPowerOf: 7);
        var planAfter = await cached.GetAsync(Read, CancellationToken.None);

        // Only the poll of the powered appliance needed a newer read; it then serves everyone, that poll included.
        Assert.Equal(["read1"], plan.Select(a => a.Name));
        Assert.Equal(["read1"], otherPoll.Select(a => a.Name));
        Assert.Equal(["read2"], poll.Select(a => a.Name));
        Assert.Equal(["read2"], pollAgain.Select(a => a.Name));
        Assert.Equal(["read2"], planAfter.Select(a => a.Name));
        Assert.Equal(2, reads);
    }

    [Fact]
    public async Task AReadInFlightThatSentARequestBeforeAPowerCall_IsNotJoinedByAPollOfThatAppliance_NorKept()
    {
        var cached = Cached();
        var release = new TaskCompletionSource<IReadOnlyList<SakuraAppliance>>();
        var sent = new TaskCompletionSource();
        var slow = cached.GetAsync(_ => { Interlocked.Increment(ref reads); RequestGrants.Granted(); sent.SetResult(); return release.Task; }, CancellationToken.None);
        await sent.Task;
        time.Advance(TimeSpan.FromMilliseconds(10));
        cached.Powered(7);
        time.Advance(TimeSpan.FromMilliseconds(10));

        var poll = await cached.GetAsync(Read, CancellationToken.None, readAfterPowerOf: 7);
        release.SetResult([new SakuraAppliance { Id = 7, Name = "before the power call" }]);
        await slow;
        var later = await cached.GetAsync(Read, CancellationToken.None, readAfterPowerOf: 7);

        Assert.Equal(["read2"], poll.Select(a => a.Name));
        Assert.Equal(["read2"], later.Select(a => a.Name));
        Assert.Equal(2, reads);
    }

    [Fact]
    public async Task APollOfAPoweredAppliance_JoinsAReadStartedAfterThePowerCall()
    {
        var cached = Cached();
        cached.Powered(7);
        time.Advance(TimeSpan.FromMilliseconds(10));
        var release = new TaskCompletionSource<IReadOnlyList<SakuraAppliance>>();
        var started = cached.GetAsync(_ => { Interlocked.Increment(ref reads); return release.Task; }, CancellationToken.None);

        var poll = cached.GetAsync(Read, CancellationToken.None, readAfterPowerOf: 7);
        release.SetResult([new SakuraAppliance { Id = 7, Name = "after the power call" }]);

        Assert.Equal(["after the power call"], (await poll).Select(a => a.Name));
        Assert.Equal((await started).Select(a => a.Name), (await poll).Select(a => a.Name));
        Assert.Equal(1, reads);
    }

    [Fact]
    public async Task AReadInFlightStillWaitingForItsPermit_ServesAPollOfAnApplianceJustPowered()
    {
        var cached = Cached();
        var release = new TaskCompletionSource<IReadOnlyList<SakuraAppliance>>();
        var queued = new TaskCompletionSource();
        var waiting = cached.GetAsync(_ => { Interlocked.Increment(ref reads); queued.SetResult(); return release.Task; }, CancellationToken.None);
        await queued.Task;
        time.Advance(TimeSpan.FromMilliseconds(10));
        cached.Powered(7);
        time.Advance(TimeSpan.FromMilliseconds(10));

        // Nothing of that read has gone out: what it sends will be after the power call, so the poll joins it.
        var poll = cached.GetAsync(Read, CancellationToken.None, readAfterPowerOf: 7);
        RequestGrants.Granted();
        release.SetResult([new SakuraAppliance { Id = 7, Name = "sent after the power call" }]);

        Assert.Equal(["sent after the power call"], (await poll).Select(a => a.Name));
        Assert.Equal((await waiting).Select(a => a.Name), (await poll).Select(a => a.Name));
        Assert.Equal(1, reads);
    }
}
