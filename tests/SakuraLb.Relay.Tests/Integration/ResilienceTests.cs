using KubeSim;

namespace SakuraLb.Relay.Tests.Integration;

/// <summary>410 Gone, watch failures and an unreachable function lose nothing.</summary>
public sealed class ResilienceTests
{
    [Theory]
    [InlineData(WatchGoneMode.ErrorEvent)]
    [InlineData(WatchGoneMode.HttpGone)]
    public async Task Watch_GoneWhileChangesHappen_RelistsAndLosesNothing(WatchGoneMode mode)
    {
        await using var bed = await RelayTestBed.StartAsync(kube: new KubeApiSimulatorOptions
        {
            SeedDefaultNodes = true,
            BookmarkInterval = TimeSpan.FromMilliseconds(200),
            TooOldWatchResponse = mode,
        });
        await bed.WaitSyncedAsync();
        var a = bed.CreateService("a");
        var b = bed.CreateService("b");
        await Eventually.UntilAsync(() => bed.Function.Latest(a)?.HasCleanupFinalizer == true && bed.Function.Latest(b)?.HasCleanupFinalizer == true, "a and b reached the function");
        var gone = bed.Relay.Metrics.Count("relists", "service", "gone");

        // Cut the Service watch: the stream ends with an in-stream 410, and new watches fail for a while.
        bed.Kube.InjectFault(new KubeFault { Verb = "watch", Resource = "services", StatusCode = 500, Count = 1_000_000 });
        bed.Kube.ExpireOpenWatches("services");
        await Eventually.UntilAsync(() => bed.Kube.OpenWatchCount("services") == 0, "the Service watch is down");

        // Meanwhile: a new Service, a change, and a deletion that completes while nobody watches.
        bed.Objects.MergePatch("services", "default", "a", """{"metadata":{"annotations":{"k8s.usacloud.jp/load-balancer-plan":"premium"}}}""");
        bed.Objects.MergePatch("services", "default", "b", """{"metadata":{"finalizers":null}}""");
        bed.Objects.Delete("services", "default", "b");
        var c = bed.CreateService("c");
        bed.Kube.CompactHistory();
        bed.Kube.ClearFaults();

        await Eventually.UntilAsync(() => bed.Function.Latest(a)?.Annotations.GetValueOrDefault("k8s.usacloud.jp/load-balancer-plan") == "premium", "a's change arrived");
        await Eventually.UntilAsync(() => bed.Function.Latest(b)?.Deleted == true, "b's deletion arrived as a tombstone");
        await Eventually.UntilAsync(() => bed.Function.Latest(c)?.HasCleanupFinalizer == true, "c arrived with its finalizer");
        Assert.True(bed.Relay.Metrics.Count("relists", "service", "gone") >= gone + 1, "the relay re-listed after 410");
    }

    [Fact]
    public async Task Function_DownForAWhileThenUp_ReceivesTheNewestStateOfEveryObjectIncludingDeletions()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        var keep = bed.CreateService("keep");
        var gone = bed.CreateService("gone");
        await Eventually.UntilAsync(() => bed.Function.Latest(keep) is not null && bed.Function.Latest(gone) is not null, "both Services reached the function");

        bed.Function.Mode = StubMode.Abort;
        var failures = bed.Relay.Metrics.Count("delivery_failures");
        for (var i = 1; i <= 20; i++)
        {
            bed.Objects.MergePatch("services", "default", "keep", "{\"metadata\":{\"annotations\":{\"k8s.usacloud.jp/revision\":\"" + i + "\"}}}");
        }

        bed.Objects.MergePatch("services", "default", "gone", """{"metadata":{"finalizers":null}}""");
        bed.Objects.Delete("services", "default", "gone");
        var added = bed.CreateService("added");
        bed.Objects.CreateNode("node-4", "10.0.0.14");
        bed.Objects.Delete("nodes", null, "node-1");

        await Eventually.UntilAsync(() => bed.Relay.Metrics.Count("delivery_failures") >= failures + 2, "deliveries failed at least twice");
        bed.Function.Mode = StubMode.ServerError;
        await Eventually.UntilAsync(() => bed.Relay.Metrics.Count("delivery_failures", "server_error") >= 1, "a 503 was seen");

        // Coalesced while waiting: one pending entry per Service, however many changes happened. A batch
        // being sent is out of the outbox until it fails, so read the count while the batch is back.
        var pending = 0;
        await Eventually.UntilAsync(() => (pending = bed.Relay.Pipeline.Outbox.PendingServices) > 0, "the failed batch is back in the outbox");
        Assert.InRange(pending, 1, 3);

        bed.Function.Mode = StubMode.Normal;
        await Eventually.UntilAsync(() => bed.Function.Latest(keep)?.Annotations.GetValueOrDefault("k8s.usacloud.jp/revision") == "20", "the newest revision arrived");
        await Eventually.UntilAsync(() => bed.Function.Latest(gone)?.Deleted == true, "the deletion arrived");
        await Eventually.UntilAsync(() => bed.Function.Latest(added)?.HasCleanupFinalizer == true, "the new Service arrived");
        await Eventually.UntilAsync(
            () => bed.Function.LatestNodes!.Nodes.Select(n => n.Name).SequenceEqual(["node-2", "node-3", "node-4"]),
            "the newest node set arrived");
        Assert.Equal(0, bed.Function.SignatureFailures);
    }

    [Fact]
    public async Task Function_AnswersUnauthorized_RelayKeepsEverythingAndDeliversOnceFixed()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        bed.Function.Mode = StubMode.Unauthorized;
        var uid = bed.CreateService("web");
        await Eventually.UntilAsync(() => bed.Relay.Metrics.Count("delivery_failures", "unauthorized") >= 1, "a 401 was seen");
        Assert.Null(bed.Function.Latest(uid));

        bed.Function.Mode = StubMode.Normal;
        await Eventually.UntilAsync(() => bed.Function.Latest(uid) is not null, "the Service arrived after the fix");
    }

    [Fact]
    public async Task Function_RejectsOneSnapshotByPath_OnlyThatOneIsDroppedAndTheRestDelivered()
    {
        await using var bed = await RelayTestBed.StartAsync(o => o with { BatchWindow = TimeSpan.FromMilliseconds(300) });
        await bed.WaitSyncedAsync();
        await Eventually.UntilAsync(() => bed.Relay.Pipeline.Outbox.IsEmpty, "the first batches were sent");
        bed.Function.Responder = (batch, _) =>
        {
            var index = batch.Services.ToList().FindIndex(s => s.Name == "bad");
            return index < 0 ? null : (400, [new FieldError($"services[{index}].ports[0].port", "must be between 1 and 65535")]);
        };

        var bad = bed.CreateService("bad");
        var good = bed.CreateService("good");

        await Eventually.UntilAsync(() => bed.Function.Latest(good) is not null, "the good Service was delivered");
        await Eventually.UntilAsync(() => bed.Relay.Metrics.Count("dropped", "rejected") == 1, "the bad one was dropped");
        await Eventually.UntilAsync(() => bed.Relay.Pipeline.Outbox.IsEmpty, "nothing is left pending");
        Assert.Null(bed.Function.Latest(bad));
    }

    [Fact]
    public async Task Function_RejectsTheWholeBatchWithoutNamingAnObject_RelayKeepsItAndRetriesSlowly()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        await Eventually.UntilAsync(() => bed.Relay.Pipeline.Outbox.IsEmpty, "the first batches were sent");
        bed.Function.Responder = (_, _) => (400, [new FieldError("version", "unsupported protocol version 1")]);

        var uid = bed.CreateService("web");
        await Eventually.UntilAsync(() => bed.Relay.Metrics.Count("delivery_failures", "invalid") >= 1, "the 400 was seen");
        Assert.Null(bed.Function.Latest(uid));
        Assert.Equal(0, bed.Relay.Metrics.Count("dropped"));

        bed.Function.Responder = null;
        await Eventually.UntilAsync(() => bed.Function.Latest(uid) is not null, "the batch was delivered once the function accepted it");
    }

    [Fact]
    public async Task Function_RefusesLargeBatches_RelaySplitsThemAndDeliversEverything()
    {
        await using var bed = await RelayTestBed.StartAsync(o => o with { BatchWindow = TimeSpan.FromMilliseconds(500) });
        await bed.WaitSyncedAsync();
        await Eventually.UntilAsync(() => bed.Relay.Pipeline.Outbox.IsEmpty, "the first batches were sent");
        bed.Function.Responder = (batch, _) => batch.Services.Count > 4 ? (413, null) : null;

        var uids = Enumerable.Range(0, 20).Select(i => bed.CreateService($"svc-{i}")).ToArray();

        await Eventually.UntilAsync(() => uids.All(u => bed.Function.Latest(u) is not null), "every Service was delivered in smaller batches");
        Assert.True(bed.Relay.Metrics.Count("delivery_failures", "too_large") >= 1);
        Assert.All(bed.Function.Batches, b => Assert.InRange(b.Batch.Services.Count, 0, 4));
    }

    [Fact]
    public async Task LargeNodeSet_OverTheBodyLimitAsJson_IsSentGzipCompressedAndArrivesWhole()
    {
        const int Nodes = 600;
        const int Limit = 64 * 1024;
        void Seed(KubeObjectStore objects)
        {
            for (var i = 0; i < Nodes; i++)
            {
                objects.CreateNode($"node-{i:D4}", $"10.1.{i / 250}.{(i % 250) + 1}", providerId: $"sakuracloud://{113000000000L + i}");
            }
        }

        await using var bed = await RelayTestBed.StartAsync(o => o with { MaxBodyBytes = Limit }, seed: Seed);

        await Eventually.UntilAsync(() => bed.Function.LatestNodes?.Nodes.Count >= Nodes, "the whole node set arrived");
        var received = bed.Function.Batches.Last(b => b.Batch.Nodes is not null);
        Assert.True(received.Gzip);
        Assert.InRange(received.Bytes, 1, Limit);
        Assert.True(ModelJson.SerializeToUtf8Bytes(received.Batch).Length > Limit, "the node set is larger than the limit as plain JSON");
        Assert.Equal(0, bed.Relay.Metrics.Count("dropped", "too_large"));
    }

    [Fact]
    public async Task LargeNodeSet_WithCompressionOff_IsDroppedLoudlyInsteadOfSentOverTheLimit()
    {
        void Seed(KubeObjectStore objects)
        {
            for (var i = 0; i < 600; i++)
            {
                objects.CreateNode($"node-{i:D4}", $"10.1.{i / 250}.{(i % 250) + 1}");
            }
        }

        await using var bed = await RelayTestBed.StartAsync(o => o with { MaxBodyBytes = 64 * 1024, CompressAboveBytes = 0 }, seed: Seed);

        await Eventually.UntilAsync(() => bed.Relay.Metrics.Count("dropped", "too_large") >= 1, "the oversized node set was dropped");
        Assert.Null(bed.Function.LatestNodes);
    }

    [Fact]
    public async Task Kubernetes_ListFailsAtStart_RelayRetriesWithBackoffAndSyncs()
    {
        await using var bed = await RelayTestBed.StartAsync(startRelay: false);
        bed.Kube.InjectFault(new KubeFault { Verb = "list", Resource = "services", StatusCode = 500, Count = 3 });
        await bed.StartRelayAsync(bed.DefaultOptions());

        await bed.WaitSyncedAsync();
        Assert.True(bed.Relay.Metrics.Count("watch_errors", "service") >= 3);
    }
}
