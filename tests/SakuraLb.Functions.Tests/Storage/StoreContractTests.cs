using Azure.Data.Tables;
using SakuraLb.Reconcile.Addressing;
using SakuraLb.Reconcile.Nodes;
using SakuraLb.Reconcile.Observed;

namespace SakuraLb.Functions.Tests.Storage;

/// <summary>The stores' contract. Both implementations run exactly these tests.</summary>
public abstract class StoreContractTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    protected abstract (IDesiredStore Desired, INodeSetStore Nodes, IStatusStore Statuses, IReservationStore Reservations, IOrphanStore Orphans, INonceStore Nonces) Create();

    private static string Cluster() => "c" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Desired_NewerWins_StaleIsReported_SeqGrows()
    {
        var (desired, _, _, _, _, _) = Create();
        var cluster = Cluster();
        var uid = Snapshots.NewUid();
        var v5 = Snapshots.Service(uid, "web", [80], "5");

        var first = await desired.PutAsync(cluster, [v5], T0, default);
        var stale = await desired.PutAsync(cluster, [v5 with { ResourceVersion = "4" }, v5], T0.AddSeconds(1), default);
        var newer = await desired.PutAsync(cluster, [v5 with { ResourceVersion = "6", Ports = [] }], T0.AddSeconds(2), default);

        Assert.Equal([(DesiredWriteOutcome.Stored, 1L)], first.Select(w => (w.Outcome, w.Seq)));
        Assert.Equal([DesiredWriteOutcome.Stale, DesiredWriteOutcome.Stale], stale.Select(w => w.Outcome));
        Assert.Equal([(false, 1L), (true, 1L)], stale.Select(w => (w.Resent, w.Seq)));
        Assert.Equal([(DesiredWriteOutcome.Stored, 2L)], newer.Select(w => (w.Outcome, w.Seq)));
        var stored = await desired.GetAsync(cluster, uid, default);
        Assert.Equal(("6", 2L, T0, T0.AddSeconds(2)), (stored!.Snapshot.ResourceVersion, stored.Seq, stored.FirstSeenAt, stored.UpdatedAt));
        Assert.Empty(stored.Snapshot.Ports);
    }

    [Fact]
    public async Task Desired_TombstoneWinsAndKeepsTheSpec_LiveSnapshotCannotResurrect()
    {
        var (desired, _, _, _, _, _) = Create();
        var cluster = Cluster();
        var uid = Snapshots.NewUid();
        var live = Snapshots.Service(uid, "web", [80], "10");
        await desired.PutAsync(cluster, [live], T0, default);

        var gone = await desired.PutAsync(cluster, [Snapshots.Tombstone(live)], T0, default);
        var again = await desired.PutAsync(cluster, [Snapshots.Tombstone(live), live with { ResourceVersion = "11" }], T0, default);

        Assert.Equal(DesiredWriteOutcome.Stored, Assert.Single(gone).Outcome);
        Assert.All(again, w => Assert.Equal(DesiredWriteOutcome.Stale, w.Outcome));
        var stored = await desired.GetAsync(cluster, uid, default);
        Assert.True(stored!.Snapshot.Deleted);
        Assert.Equal([80], stored.Snapshot.Ports.Select(p => p.Port));
    }

    [Fact]
    public async Task Desired_ManyInOneBatch_ListIsPerCluster_DeleteNeedsTheSeq()
    {
        var (desired, _, _, _, _, _) = Create();
        var cluster = Cluster();
        var other = Cluster();
        var services = Enumerable.Range(0, 130).Select(i => Snapshots.Service(Snapshots.NewUid(), $"s{i}", [80])).ToList();

        var writes = await desired.PutAsync(cluster, services, T0, default);
        await desired.PutAsync(other, [services[0]], T0, default);

        Assert.Equal(130, writes.Count(w => w.Outcome == DesiredWriteOutcome.Stored));
        Assert.Equal(130, (await desired.ListAsync(cluster, default)).Count);
        Assert.False(await desired.DeleteAsync(cluster, services[0].Uid, 2, default));
        Assert.True(await desired.DeleteAsync(cluster, services[0].Uid, 1, default));
        Assert.Null(await desired.GetAsync(cluster, services[0].Uid, default));
        Assert.NotNull(await desired.GetAsync(other, services[0].Uid, default));
    }

    [Fact]
    public async Task Desired_ConcurrentWriters_NewestSurvives()
    {
        var (desired, _, _, _, _, _) = Create();
        var cluster = Cluster();
        var uid = Snapshots.NewUid();

        await Task.WhenAll(Enumerable.Range(1, 12).Select(rv =>
            desired.PutAsync(cluster, [Snapshots.Service(uid, "web", [80], rv.ToString(System.Globalization.CultureInfo.InvariantCulture))], T0, default)));

        var stored = await desired.GetAsync(cluster, uid, default);
        Assert.Equal("12", stored!.Snapshot.ResourceVersion);
    }

    [Fact]
    public async Task Desired_CompletionFence_SetOnlyAtTheVersionRead_AndEveryStoredChangeClearsIt()
    {
        var (desired, _, _, _, _, _) = Create();
        var cluster = Cluster();
        var service = Snapshots.Service(Snapshots.NewUid(), "web", [80], "1");
        await desired.PutAsync(cluster, [service], T0, default);
        var read = (await desired.GetAsync(cluster, service.Uid, default))!;

        Assert.False(read.Idle);
        Assert.True(await desired.TryMarkIdleAsync(cluster, service.Uid, read.Version!, default));
        Assert.False(await desired.TryMarkIdleAsync(cluster, service.Uid, read.Version!, default));
        Assert.True((await desired.GetAsync(cluster, service.Uid, default))!.Idle);

        var stored = await desired.PutAsync(cluster, [service with { ResourceVersion = "2" }], T0, default);
        var again = await desired.PutAsync(cluster, [service with { ResourceVersion = "3" }], T0, default);

        Assert.Equal([(DesiredWriteOutcome.Stored, true)], stored.Select(w => (w.Outcome, w.WasIdle)));
        Assert.Equal([(DesiredWriteOutcome.Stored, false)], again.Select(w => (w.Outcome, w.WasIdle)));
        Assert.False((await desired.GetAsync(cluster, service.Uid, default))!.Idle);
        Assert.False(await desired.TryMarkIdleAsync(cluster, service.Uid, read.Version!, default));
        Assert.False(await desired.TryMarkIdleAsync(cluster, "no-such-uid", read.Version!, default));
    }

    [Fact]
    public async Task Desired_FenceRacingAStoredChange_EitherFailsOrTheWriterSeesIt()
    {
        var (desired, _, _, _, _, _) = Create();
        var cluster = Cluster();
        var uid = Snapshots.NewUid();
        await desired.PutAsync(cluster, [Snapshots.Service(uid, "web", [80], "1")], T0, default);

        for (var rv = 2; rv <= 21; rv++)
        {
            var read = (await desired.GetAsync(cluster, uid, default))!;
            var fence = Task.Run(() => desired.TryMarkIdleAsync(cluster, uid, read.Version!, default));
            var write = Task.Run(() => desired.PutAsync(cluster, [Snapshots.Service(uid, "web", [80], rv.ToString(System.Globalization.CultureInfo.InvariantCulture))], T0, default));

            // A fence that held must be seen by the write that came after it; never both miss.
            var fenced = await fence;
            var stored = Assert.Single(await write);
            Assert.True(!fenced || stored.WasIdle, $"round {rv}: the fence held but the write did not see it");
        }
    }

    [Fact]
    public async Task Desired_MarkChanged_ClearsTheFence_AndANodeChangeAlwaysMovesTheVersionOnce()
    {
        var (desired, _, _, _, _, _) = Create();
        var cluster = Cluster();
        var service = Snapshots.Service(Snapshots.NewUid(), "web", [80], "1");
        await desired.PutAsync(cluster, [service], T0, default);
        async Task<DesiredService> ReadAsync() => (await desired.GetAsync(cluster, service.Uid, default))!;
        var before = await ReadAsync();

        // Not idle, no node fingerprint: nothing to write.
        var busy = await desired.MarkChangedAsync(cluster, [service.Uid, "no-such-uid"], null, default);
        Assert.Equal([new DesiredMark(service.Uid, false)], busy);
        Assert.Equal(before.Version, (await ReadAsync()).Version);

        // Idle: cleared, and the answer says it was idle.
        await desired.TryMarkIdleAsync(cluster, service.Uid, before.Version!, default);
        Assert.Equal([new DesiredMark(service.Uid, true)], await desired.MarkChangedAsync(cluster, [service.Uid], null, default));
        Assert.False((await ReadAsync()).Idle);

        // A node fingerprint the row does not want yet moves its version even when it is not idle; the same one again does not.
        var unmarked = await ReadAsync();
        Assert.Equal([new DesiredMark(service.Uid, false)], await desired.MarkChangedAsync(cluster, [service.Uid], "f2", default));
        var marked = await ReadAsync();
        Assert.Equal("f2", marked.WantedNodes);
        Assert.NotEqual(unmarked.Version, marked.Version);
        Assert.False(await desired.TryMarkIdleAsync(cluster, service.Uid, unmarked.Version!, default));
        await desired.MarkChangedAsync(cluster, [service.Uid], "f2", default);
        Assert.Equal(marked.Version, (await ReadAsync()).Version);
        Assert.Equal((service.Uid, 1L), ((await ReadAsync()).Uid, (await ReadAsync()).Seq));
    }

    [Fact]
    public async Task Nodes_StoredUnchangedStale_AndTheHeader()
    {
        var (_, nodes, _, _, _, _) = Create();
        var cluster = Cluster();
        var set = Snapshots.DefaultNodes("5");

        var first = await nodes.PutAsync(cluster, set, T0, default);
        var same = await nodes.PutAsync(cluster, set with { ResourceVersion = "6" }, T0.AddSeconds(1), default);
        var older = await nodes.PutAsync(cluster, Snapshots.Nodes("4", Topology.Workers.Take(1)), T0.AddSeconds(2), default);
        var labelOnly = await nodes.PutAsync(
            cluster,
            set with { ResourceVersion = "7", Nodes = [.. set.Nodes.Select(n => n with { Labels = new Dictionary<string, string> { ["team"] = "a" } })] },
            T0.AddSeconds(3),
            default);

        Assert.Equal((NodeSetWriteOutcome.Stored, 1L, true), (first.Outcome, first.Header.Seq, first.EligibleChanged));
        Assert.Equal((NodeSetWriteOutcome.Unchanged, 1L), (same.Outcome, same.Header.Seq));
        Assert.Equal(NodeSetWriteOutcome.Stale, older.Outcome);
        Assert.Equal((NodeSetWriteOutcome.Stored, 2L, false), (labelOnly.Outcome, labelOnly.Header.Seq, labelOnly.EligibleChanged));
        var header = await nodes.GetHeaderAsync(cluster, default);
        Assert.Equal(new NodeSetHeader(2, NodeFingerprint.Eligible(set), T0.AddSeconds(3)), header);
        Assert.Null(await nodes.GetHeaderAsync(Cluster(), default));
    }

    [Fact]
    public async Task Nodes_FiveThousand_FitAndComeBack()
    {
        var (_, nodes, _, _, _, _) = Create();
        var cluster = Cluster();
        var many = Snapshots.Nodes("1", Enumerable.Range(0, 5000).Select(i => ($"worker-{i:D5}.cluster.example", $"10.{i / 65536}.{i / 256 % 256}.{i % 256}")));

        var write = await nodes.PutAsync(cluster, many, T0, default);
        var back = await nodes.GetAsync(cluster, default);

        Assert.Equal(NodeSetWriteOutcome.Stored, write.Outcome);
        Assert.Equal(5000, back!.Snapshot.Nodes.Count);
        Assert.Equal(ModelJson.Serialize(many.Nodes[4321]), ModelJson.Serialize(back.Snapshot.Nodes[4321]));
    }

    [Fact]
    public async Task Nodes_TooLargeEvenCompressed_IsRefusedWithAClearError()
    {
        var (_, nodes, _, _, _, _) = Create();
        var random = new Random(7);
        var huge = new NodeSetSnapshot
        {
            ResourceVersion = "1",
            Nodes = [.. Enumerable.Range(0, 2000).Select(i => Snapshots.Node($"n{i}", "10.0.0.1") with
            {
                Labels = new Dictionary<string, string> { ["noise"] = Convert.ToHexString(Enumerable.Range(0, 1000).Select(_ => (byte)random.Next(256)).ToArray()) },
            })],
        };

        var error = await Assert.ThrowsAsync<PayloadTooLargeException>(() => nodes.PutAsync(Cluster(), huge, T0, default));

        Assert.Contains("node set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_PutGetListDelete()
    {
        var (_, _, statuses, _, _, _) = Create();
        var cluster = Cluster();
        var record = new StatusRecord
        {
            ClusterId = cluster,
            Status = new ServiceStatus
            {
                Uid = "u1", Namespace = "n", Name = "s", Phase = ServicePhase.Ready, IngressIps = ["203.0.113.104"], ReasonCode = "Ready",
                UpdatedAt = T0, Warnings = [new StatusWarning("NodeWithoutServer", "w")],
            },
            DesiredSeq = 3,
            NodeSeq = 2,
            NodeFingerprint = "nf",
            RealServerHash = "rs",
            Settled = true,
            ReadyAt = T0,
        };

        await statuses.PutAsync(record, default);
        await statuses.PutAsync(record with { ClusterId = Cluster() }, default);
        var back = await statuses.GetAsync(cluster, "u1", default);

        Assert.Equal(record with { Status = back!.Status, Version = back.Version }, back);
        Assert.Equal(record.Status.IngressIps, back.Status.IngressIps);
        Assert.Equal(record.Status.Warnings, back.Status.Warnings);
        Assert.Single(await statuses.ListAsync(cluster, default));
        await statuses.DeleteAsync(cluster, "u1", default);
        await statuses.DeleteAsync(cluster, "u1", default);
        Assert.Null(await statuses.GetAsync(cluster, "u1", default));
    }

    [Fact]
    public async Task Status_TryPut_InsertsOnlyWhenAbsent_ThenReplacesOnlyTheVersionRead()
    {
        var (_, _, statuses, _, _, _) = Create();
        var cluster = Cluster();
        var record = new StatusRecord
        {
            ClusterId = cluster,
            Status = new ServiceStatus { Uid = "u1", Namespace = "n", Name = "s", Phase = ServicePhase.Provisioning, UpdatedAt = T0 },
            IssuedAt = T0,
        };

        Assert.True(await statuses.TryPutAsync(record, null, default));
        Assert.False(await statuses.TryPutAsync(record, null, default));
        var first = (await statuses.GetAsync(cluster, "u1", default))!;
        Assert.Equal(T0, first.IssuedAt);
        var ready = record with { Status = record.Status with { Phase = ServicePhase.Ready }, IssuedAt = T0.AddSeconds(1) };
        Assert.True(await statuses.TryPutAsync(ready, first.Version, default));
        Assert.False(await statuses.TryPutAsync(record, first.Version, default));

        var back = (await statuses.GetAsync(cluster, "u1", default))!;
        Assert.Equal((ServicePhase.Ready, T0.AddSeconds(1)), (back.Status.Phase, back.IssuedAt));
    }

    [Fact]
    public async Task Reservations_InsertOnly_AllOrNothing_IdempotentForTheOwner()
    {
        var (_, _, _, reservations, _, _) = Create();
        var switchId = Random.Shared.NextInt64(1, long.MaxValue);
        AddressReservation R(string ip, string owner, AddressRole role = AddressRole.Vip) => new(switchId, Ipv4Address.Parse(ip), owner, role);

        var a = await reservations.TryReserveAsync([R("203.0.113.103", "a", AddressRole.Own), R("203.0.113.104", "a")], default);
        var again = await reservations.TryReserveAsync([R("203.0.113.103", "a", AddressRole.Own), R("203.0.113.104", "a")], default);
        var b = await reservations.TryReserveAsync([R("203.0.113.105", "b", AddressRole.Own), R("203.0.113.104", "b")], default);

        Assert.True(a.Succeeded);
        Assert.True(again.Succeeded);
        Assert.Equal([R("203.0.113.104", "a")], b.Conflicts);
        Assert.Equal(["a", "a"], (await reservations.ListBySwitchAsync(switchId, default)).Select(r => r.OwnerUid));
        Assert.Empty(await reservations.ListByOwnerAsync("b", default));
    }

    [Fact]
    public async Task Reservations_ConcurrentClaims_OneWinnerPerAddress()
    {
        var (_, _, _, reservations, _, _) = Create();
        var switchId = Random.Shared.NextInt64(1, long.MaxValue);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            reservations.TryReserveAsync([new AddressReservation(switchId, Ipv4Address.Parse("203.0.113.110"), $"owner{i}", AddressRole.Vip)], default)));

        Assert.Equal(1, outcomes.Count(o => o.Succeeded));
        Assert.Single(await reservations.ListBySwitchAsync(switchId, default));
    }

    [Fact]
    public async Task Reservations_Release_OnlyTheOwnersRows()
    {
        var (_, _, _, reservations, _, _) = Create();
        var switchId = Random.Shared.NextInt64(1, long.MaxValue);
        var owner = Snapshots.NewUid();
        var mine = new AddressReservation(switchId, Ipv4Address.Parse("203.0.113.103"), owner, AddressRole.Own);
        var theirs = new AddressReservation(switchId, Ipv4Address.Parse("203.0.113.104"), "other", AddressRole.Vip);
        await reservations.TryReserveAsync([mine], default);
        await reservations.TryReserveAsync([theirs], default);

        await reservations.ReleaseAsync([mine, theirs with { OwnerUid = owner }, new AddressReservation(switchId, Ipv4Address.Parse("203.0.113.109"), owner, AddressRole.Vip)], default);

        Assert.Equal([theirs], await reservations.ListBySwitchAsync(switchId, default));
        Assert.Empty(await reservations.ListByOwnerAsync(owner, default));
    }

    [Fact]
    public async Task Orphans_FirstSightingWins()
    {
        var (_, _, _, _, orphans, _) = Create();
        var cluster = Cluster();

        var first = await orphans.AddIfMissingAsync(new OrphanRecord(cluster, 42, "u", T0), default);
        var second = await orphans.AddIfMissingAsync(new OrphanRecord(cluster, 42, "u", T0.AddHours(1)), default);

        Assert.Equal(T0, first.FirstSeenAt);
        Assert.Equal(T0, second.FirstSeenAt);
        Assert.Single(await orphans.ListAsync(cluster, default));
        await orphans.RemoveAsync(cluster, 42, default);
        await orphans.RemoveAsync(cluster, 42, default);
        Assert.Empty(await orphans.ListAsync(cluster, default));
    }

    [Fact]
    public async Task Nonces_ReplayRefused_UntilExpired()
    {
        var (_, _, _, _, _, nonces) = Create();
        var nonce = Guid.NewGuid().ToString("N");

        Assert.True(await nonces.TryAddAsync(nonce, T0.AddMinutes(10), T0, default));
        Assert.False(await nonces.TryAddAsync(nonce, T0.AddMinutes(11), T0.AddMinutes(1), default));
        Assert.True(await nonces.TryAddAsync(nonce, T0.AddMinutes(30), T0.AddMinutes(20), default));
        Assert.True(await nonces.PurgeExpiredAsync(T0.AddHours(1), default) >= 1);
        Assert.True(await nonces.TryAddAsync(nonce, T0.AddHours(2), T0.AddHours(1), default));
    }
}

public sealed class InMemoryStoreContractTests : StoreContractTests
{
    protected override (IDesiredStore, INodeSetStore, IStatusStore, IReservationStore, IOrphanStore, INonceStore) Create()
    {
        var stores = new InMemoryStores();
        return (stores, stores, stores, stores, stores, stores);
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class AzuriteStoreContractTests(AzuriteFixture azurite) : StoreContractTests
{
    protected override (IDesiredStore, INodeSetStore, IStatusStore, IReservationStore, IOrphanStore, INonceStore) Create()
    {
        // A table prefix per test keeps tests independent on one Azurite.
        var storage = new TableStorage(new TableServiceClient(azurite.ConnectionString), "t" + Guid.NewGuid().ToString("N")[..12]);
        return (new TableDesiredStore(storage), new TableNodeSetStore(storage), new TableStatusStore(storage),
            new TableReservationStore(storage), new TableOrphanStore(storage), new TableNonceStore(storage));
    }
}
