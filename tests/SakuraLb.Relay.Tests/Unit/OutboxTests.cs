using SakuraLb.Relay.Outbox;

namespace SakuraLb.Relay.Tests.Unit;

public sealed class OutboxTests
{
    private static ServiceSnapshot Snapshot(string uid, string rv, bool deleted = false) =>
        new() { Uid = uid, Namespace = "default", Name = uid, ResourceVersion = rv, Type = "LoadBalancer", Deleted = deleted };

    [Fact]
    public void Enqueue_SameService_KeepsOnlyTheNewest()
    {
        var outbox = new SnapshotOutbox(100);
        outbox.Enqueue(Snapshot("a", "1"));
        outbox.Enqueue(Snapshot("b", "2"));
        outbox.Enqueue(Snapshot("a", "3"));

        var batch = outbox.Take(10)!;

        Assert.Equal([("a", "3"), ("b", "2")], batch.Services.Select(s => (s.Uid, s.ResourceVersion)));
        Assert.True(outbox.IsEmpty);
    }

    [Fact]
    public void Tombstone_IsNeverReplacedByALiveSnapshot()
    {
        var outbox = new SnapshotOutbox(100);
        outbox.Enqueue(Snapshot("a", "5", deleted: true));
        outbox.Enqueue(Snapshot("a", "6"));

        Assert.True(Assert.Single(outbox.Take(10)!.Services).Deleted);
    }

    [Fact]
    public void Return_AfterAFailedSend_KeepsNewerStateAndNeverLosesATombstone()
    {
        var outbox = new SnapshotOutbox(100);
        outbox.Enqueue(Snapshot("a", "1"));
        outbox.Enqueue(Snapshot("b", "1", deleted: true));
        outbox.MarkNodesDue();
        var failed = outbox.Take(10)!;
        outbox.Enqueue(Snapshot("a", "2"));

        outbox.Return(failed);
        var retried = outbox.Take(10)!;

        Assert.True(retried.IncludeNodes);
        Assert.Equal("2", retried.Services.Single(s => s.Uid == "a").ResourceVersion);
        Assert.True(retried.Services.Single(s => s.Uid == "b").Deleted);
    }

    [Fact]
    public void Take_RespectsTheLimitAndTheOrderOfFirstEnqueue()
    {
        var outbox = new SnapshotOutbox(100);
        foreach (var uid in new[] { "c", "a", "b" })
        {
            outbox.Enqueue(Snapshot(uid, "1"));
        }

        Assert.Equal(["c", "a"], outbox.Take(2)!.Services.Select(s => s.Uid));
        Assert.Equal(["b"], outbox.Take(2)!.Services.Select(s => s.Uid));
        Assert.Null(outbox.Take(2));
    }

    [Fact]
    public void Full_DropsNewLiveSnapshotsButNotDeletions_AndAsksForAResync()
    {
        var outbox = new SnapshotOutbox(2);
        var dropped = new List<string>();
        outbox.Overflowed += s => dropped.Add(s.Uid);
        outbox.Enqueue(Snapshot("a", "1"));
        outbox.Enqueue(Snapshot("b", "1"));

        outbox.Enqueue(Snapshot("c", "1"));
        outbox.Enqueue(Snapshot("d", "1", deleted: true));
        outbox.Enqueue(Snapshot("a", "2"));

        Assert.Equal(["c"], dropped);
        Assert.Equal(3, outbox.PendingServices);
        Assert.True(outbox.ConsumeResyncNeeded());
        Assert.False(outbox.ConsumeResyncNeeded());
    }

    [Fact]
    public async Task WaitAsync_CompletesWhenSomethingIsEnqueued()
    {
        var outbox = new SnapshotOutbox(10);
        var waiting = outbox.WaitAsync(CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);

        outbox.MarkNodesDue();

        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(outbox.NodesDue);
    }
}
