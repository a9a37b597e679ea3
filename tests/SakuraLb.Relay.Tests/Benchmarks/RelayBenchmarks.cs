using System.Diagnostics;
using System.Text.Json.Nodes;
using KubeSim;
using Xunit.Abstractions;

namespace SakuraLb.Relay.Tests.Benchmarks;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BenchmarkCollection
{
    public const string Name = "benchmarks";
}

/// <summary>
/// The relay's figures for docs/performance.md. They run at full size with SAKURALB_BENCHMARKS=1
/// (5,000 nodes, 10,000 Services) and at a tenth of it otherwise, so the suite stays quick; the bounds
/// asserted hold at both sizes. Run alone, never in parallel with other tests (memory is process-wide):
///   SAKURALB_BENCHMARKS=1 dotnet test tests/SakuraLb.Relay.Tests --filter Category=Benchmark --logger "console;verbosity=detailed"
/// </summary>
[Collection(BenchmarkCollection.Name)]
[Trait("Category", "Benchmark")]
public sealed class RelayBenchmarks(ITestOutputHelper output)
{
    private static readonly bool Full = Environment.GetEnvironmentVariable("SAKURALB_BENCHMARKS") == "1";

    private static int Nodes => Full ? 5_000 : 500;

    private static int Services => Full ? 10_000 : 1_000;

    private static void Seed(KubeObjectStore objects, int nodes, int services)
    {
        for (var i = 0; i < nodes; i++)
        {
            objects.CreateNode($"node-{i:D5}", $"10.{i / 62500}.{i / 250 % 250}.{(i % 250) + 1}", providerId: $"sakuracloud://{113000000000L + i}");
        }

        for (var i = 0; i < services; i++)
        {
            objects.Create("services", new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Service",
                ["metadata"] = new JsonObject
                {
                    ["name"] = $"svc-{i:D5}",
                    ["namespace"] = "default",
                    ["finalizers"] = new JsonArray(WellKnown.LoadBalancerCleanupFinalizer),
                    ["annotations"] = new JsonObject { ["k8s.usacloud.jp/load-balancer-healthz-interval"] = "15" },
                },
                ["spec"] = new JsonObject
                {
                    ["type"] = "LoadBalancer",
                    ["allocateLoadBalancerNodePorts"] = false,
                    ["selector"] = new JsonObject { ["app"] = $"svc-{i:D5}" },
                    ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 80, ["protocol"] = "TCP", ["targetPort"] = 8080 }),
                },
            });
        }
    }

    private static long SettledHeap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    [Fact]
    public async Task Memory_WithTheClusterCached_StaysSmall()
    {
        await using var bed = await RelayTestBed.StartAsync(
            kube: new KubeApiSimulatorOptions { WatchHistoryLimit = 100_000 },
            startRelay: false,
            seed: objects => Seed(objects, Nodes, Services));
        var before = SettledHeap();
        var workingSetBefore = Process.GetCurrentProcess().WorkingSet64;
        var started = Stopwatch.StartNew();

        // A node set of thousands of nodes is over the function's default 1 MiB body limit (see docs/performance.md).
        var relay = await bed.StartRelayAsync(bed.DefaultOptions() with { MaxBodyBytes = 16 * 1024 * 1024 });
        await Eventually.UntilAsync(() => relay.Pipeline.Synced, "the relay listed everything", TimeSpan.FromMinutes(5));
        await Eventually.UntilAsync(
            () => relay.Pipeline.Outbox.IsEmpty && bed.Function.LatestNodes?.Nodes.Count == Nodes && relay.Metrics.Count("forwarded", "service") >= Services,
            "everything was delivered",
            TimeSpan.FromMinutes(5));
        var syncTime = started.Elapsed;

        var after = SettledHeap();
        var retained = after - before;
        var nodeSetBytes = ModelJson.SerializeToUtf8Bytes(bed.Function.LatestNodes!).Length;
        output.WriteLine($"nodes={Nodes} services={Services}");
        output.WriteLine($"relay managed heap retained after sync: {retained / 1048576.0:F1} MiB ({retained / (double)(Nodes + Services):F0} bytes per object)");
        output.WriteLine($"process working set growth: {(Process.GetCurrentProcess().WorkingSet64 - workingSetBefore) / 1048576.0:F1} MiB");
        output.WriteLine($"start to fully delivered: {syncTime.TotalSeconds:F1} s; requests to the function: {bed.Function.EventRequests}");
        output.WriteLine($"node set JSON: {nodeSetBytes} bytes ({nodeSetBytes / (double)Nodes:F0} bytes per node)");

        // 10,000 Services and 5,000 nodes in well under the Deployment's 384 MiB limit.
        Assert.InRange(retained, 0, (Nodes + Services) * 8_000L);
    }

    [Fact]
    public void Filter_NodeHeartbeats_InMemoryRate()
    {
        var tracker = new NodeTracker();
        var nodes = Enumerable.Range(0, Nodes).Select(i => Objects.Node($"node-{i:D5}", rv: "1", ip: $"10.0.{i / 250}.{i % 250}")).ToArray();
        tracker.Replace(nodes, "1");
        var events = Full ? 500_000 : 50_000;
        var relevant = 0;

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < events; i++)
        {
            var node = nodes[i % nodes.Length];
            node.Metadata.ResourceVersion = (i + 2).ToString(System.Globalization.CultureInfo.InvariantCulture);
            node.Status.Conditions[0].LastHeartbeatTime = DateTime.UnixEpoch.AddSeconds(i);
            if (tracker.Apply(WatchEventType.Modified, node))
            {
                relevant++;
            }
        }

        clock.Stop();
        var rate = events / clock.Elapsed.TotalSeconds;
        output.WriteLine($"filtered {events} heartbeats in {clock.Elapsed.TotalMilliseconds:F0} ms: {rate:F0} events/s ({clock.Elapsed.TotalMicroseconds / events:F1} µs each), relevant: {relevant}");
        Assert.Equal(0, relevant);
        Assert.True(rate > 10_000, $"{rate:F0} events/s");
    }

    [Fact]
    public async Task Filter_NodeHeartbeats_EndToEndRate()
    {
        var count = Full ? 20_000 : 3_000;
        await using var bed = await RelayTestBed.StartAsync(
            kube: new KubeApiSimulatorOptions { WatchHistoryLimit = 100_000 },
            startRelay: false,
            seed: objects => Seed(objects, 100, 0));
        var relay = await bed.StartRelayAsync(bed.DefaultOptions());
        await bed.WaitSyncedAsync(relay);
        await Eventually.UntilAsync(() => relay.Pipeline.Outbox.IsEmpty, "the first node set was sent");
        var requests = bed.Function.EventRequests;
        var nodes = bed.Objects.List("nodes").ToArray();

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var node = nodes[i % nodes.Length];
            ((JsonArray)node["status"]!["conditions"]!)[0]!["lastHeartbeatTime"] = DateTime.UnixEpoch.AddSeconds(i).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
            node["metadata"]!.AsObject().Remove("resourceVersion");
            bed.Objects.UpdateStatus("nodes", node);
        }

        var written = clock.Elapsed;
        await Eventually.UntilAsync(() => relay.Metrics.Count("irrelevant", "node") >= count, "the relay filtered every heartbeat", TimeSpan.FromMinutes(5));
        clock.Stop();
        output.WriteLine($"{count} heartbeats written by the fake API server in {written.TotalSeconds:F2} s, all filtered by the relay after {clock.Elapsed.TotalSeconds:F2} s: {count / clock.Elapsed.TotalSeconds:F0} events/s end to end (watch over loopback HTTP)");
        Assert.Equal(requests, bed.Function.EventRequests);
    }

    [Theory]
    [InlineData("update")]
    [InlineData("create")]
    public async Task Burst_OfAThousandChanges_BecomesAFewRequests(string kind)
    {
        const int burst = 1_000;
        await using var bed = await RelayTestBed.StartAsync(
            kube: new KubeApiSimulatorOptions { WatchHistoryLimit = 100_000 },
            startRelay: false,
            seed: objects => Seed(objects, 10, kind == "update" ? burst : 0));

        // Production timings: 300 ms batch window, 500 snapshots per request.
        var relay = await bed.StartRelayAsync(bed.DefaultOptions() with { BatchWindow = TimeSpan.FromMilliseconds(300) });
        await bed.WaitSyncedAsync(relay);
        await Eventually.UntilAsync(() => relay.Pipeline.Outbox.IsEmpty && relay.Metrics.Count("forwarded", "service") >= (kind == "update" ? burst : 0), "the initial state was delivered", TimeSpan.FromMinutes(2));
        var requests = bed.Function.EventRequests;
        var forwarded = relay.Metrics.Count("forwarded", "service");
        bed.Kube.ClearRequestLog();

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < burst; i++)
        {
            if (kind == "update")
            {
                bed.Objects.MergePatch("services", "default", $"svc-{i:D5}", """{"metadata":{"annotations":{"k8s.usacloud.jp/load-balancer-healthz-interval":"20"}}}""");
            }
            else
            {
                bed.CreateService($"new-{i:D5}");
            }
        }

        var written = clock.Elapsed;

        await Eventually.UntilAsync(() => relay.Metrics.Count("forwarded", "service") >= forwarded + burst && relay.Pipeline.Outbox.IsEmpty, "the burst was delivered", TimeSpan.FromMinutes(2));
        clock.Stop();
        var sent = bed.Function.EventRequests - requests;
        var kubeWrites = bed.Kube.RequestLog.Count(r => r.Verb is "patch" or "create" or "update" && r.Resource == "services");
        output.WriteLine($"burst of {burst} Service {kind}s written in {written.TotalSeconds:F2} s: {sent} requests to the function, {kubeWrites} writes to the Kubernetes API, all delivered after {clock.Elapsed.TotalSeconds:F2} s");

        // At most one request per batch window while the burst lasts, plus full batches.
        var bound = (int)Math.Ceiling(clock.Elapsed / relay.Options.BatchWindow) + (burst / relay.Options.MaxBatchServices) + 1;
        Assert.InRange(sent, 2, bound);
    }

    private static int LocalServices => Full ? 300 : 30;

    private static int Endpoints => Full ? 50_000 : 5_000;

    /// <summary>
    /// The first <paramref name="local"/> Services become externalTrafficPolicy Local, with <paramref name="endpoints"/>
    /// endpoints spread over them in slices of at most 100 (as the EndpointSlice controller cuts them), each endpoint on
    /// a node of the cluster.
    /// </summary>
    private static void SeedLocal(KubeObjectStore objects, int nodes, int local, int endpoints)
    {
        var perService = endpoints / local;
        for (var s = 0; s < local; s++)
        {
            objects.MergePatch("services", "default", $"svc-{s:D5}", """{"spec":{"externalTrafficPolicy":"Local"}}""");
            for (var first = 0; first < perService; first += 100)
            {
                var count = Math.Min(100, perService - first);
                var placed = Enumerable.Range(first, count).Select(e =>
                {
                    var n = ((s * 7919) + (e * 104729)) % nodes;
                    return new KubeEndpoint($"10.{128 + (e / 62500)}.{e / 250 % 250}.{(e % 250) + 1}", $"node-{n:D5}", Ready: e % 10 != 0);
                });
                objects.CreateEndpointSlice("default", $"svc-{s:D5}-{first / 100}", $"svc-{s:D5}", placed, ("http", 8080));
            }
        }
    }

    [Fact]
    public async Task Memory_WithLocalServicesAndTheirEndpoints_StaysSmall()
    {
        await using var bed = await RelayTestBed.StartAsync(
            kube: new KubeApiSimulatorOptions { WatchHistoryLimit = 100_000 },
            startRelay: false,
            seed: objects =>
            {
                Seed(objects, Nodes, Services);
                SeedLocal(objects, Nodes, LocalServices, Endpoints);
            });
        var before = SettledHeap();
        var started = Stopwatch.StartNew();

        var relay = await bed.StartRelayAsync(bed.DefaultOptions() with { MaxBodyBytes = 16 * 1024 * 1024 });
        await Eventually.UntilAsync(
            () => relay.Pipeline.Synced
                && relay.Pipeline.Outbox.IsEmpty
                && bed.Function.LatestNodes?.Nodes.Count == Nodes
                && relay.Metrics.Count("forwarded", "service") >= Services
                && Enumerable.Range(0, LocalServices).All(s => bed.Function.LatestByName("default", $"svc-{s:D5}")?.Endpoints is not null),
            "everything was delivered, every Local Service with its endpoints",
            TimeSpan.FromMinutes(5));
        var syncTime = started.Elapsed;

        var after = SettledHeap();
        var retained = after - before;
        var sample = bed.Function.LatestByName("default", "svc-00000")!.Endpoints!;
        output.WriteLine($"nodes={Nodes} services={Services} local={LocalServices} endpoints={Endpoints} slice watches={relay.Pipeline.EndpointWatches.Count}");
        output.WriteLine($"relay managed heap retained after sync: {retained / 1048576.0:F1} MiB");
        output.WriteLine($"start to fully delivered: {syncTime.TotalSeconds:F1} s; requests to the function: {bed.Function.EventRequests}");
        output.WriteLine($"one Local Service's summary: {sample.ReadyNodes.Count} ready nodes, {sample.ServingNodes.Count} serving only");

        Assert.Equal(LocalServices, relay.Pipeline.EndpointWatches.Count);

        // The same bound per object as without endpoints, plus at most 200 bytes per endpoint and 64 KiB per slice
        // watch (its HTTP stream and loop): far under the Deployment's 384 MiB limit at full size.
        Assert.InRange(retained, 0, ((Nodes + Services) * 8_000L) + (Endpoints * 200L) + (LocalServices * 65_536L));
    }

    /// <summary>
    /// A rolling update of a 10-replica Deployment of a Local Service, as the EndpointSlice controller writes it
    /// (maxSurge 1, maxUnavailable 0: a new pod is created, becomes ready, then an old one terminates and goes): the
    /// relay forwards only changes of the node sets, so the function (and the load balancer's settings) sees a few
    /// changes per rollout, not one per pod.
    /// </summary>
    [Fact]
    public async Task RollingUpdate_OfALocalService_ForwardsOnlyNodeSetChanges()
    {
        const int replicas = 10;
        await using var bed = await RelayTestBed.StartAsync(startRelay: false, seed: objects => Seed(objects, 8, 0));
        var relay = await bed.StartRelayAsync(bed.DefaultOptions() with { BatchWindow = TimeSpan.FromMilliseconds(300) });
        await bed.WaitSyncedAsync(relay);

        // Old pods on nodes 0..4 (two each); the new ReplicaSet's pods land on nodes 2..7 (round robin).
        var pods = Enumerable.Range(0, replicas).Select(i => (Name: $"old-{i}", Node: $"node-{i / 2:D5}", Ready: true, Terminating: false)).ToList();
        bed.Objects.CreateEndpointSlice("default", "web-1", "web", Endpoints(pods), ("http", 8080));
        var uid = bed.CreateService("web");
        bed.Objects.MergePatch("services", "default", "web", """{"spec":{"externalTrafficPolicy":"Local"}}""");
        await Eventually.UntilAsync(() => bed.Function.Latest(uid)?.Endpoints is not null, "the Local Service was forwarded");
        await Eventually.UntilAsync(() => relay.Pipeline.Outbox.IsEmpty, "the outbox drained");
        var before = bed.Function.SnapshotsOf(uid).Count;
        var writes = 0;
        var clock = Stopwatch.StartNew();

        void Write()
        {
            var slice = bed.Objects.Get("endpointslices", "default", "web-1")!;
            slice["endpoints"] = new JsonArray([.. Endpoints(pods).Select(e => (JsonNode)new JsonObject
            {
                ["addresses"] = new JsonArray(e.Address),
                ["nodeName"] = e.NodeName,
                ["conditions"] = new JsonObject { ["ready"] = e.Ready, ["serving"] = e.Serving, ["terminating"] = e.Terminating },
            })]);
            bed.Objects.Update("endpointslices", slice);
            writes++;
        }

        // Pods take their time: each step of the controller's is half a batch window after the last, so coalescing
        // by the window alone does not hide the changes.
        async Task Step()
        {
            Write();
            await Task.Delay(relay.Options.BatchWindow / 2);
        }

        for (var i = 0; i < replicas; i++)
        {
            pods.Add(($"new-{i}", $"node-{2 + (i % 6):D5}", false, false));
            await Step();
            pods[^1] = pods[^1] with { Ready = true };
            await Step();
            var old = pods.FindIndex(p => p.Name == $"old-{i}");
            pods[old] = pods[old] with { Ready = false, Terminating = true };
            await Step();
            pods.RemoveAt(old);
            await Step();
        }

        await Eventually.UntilAsync(() => bed.Function.Latest(uid)?.Endpoints?.ReadyNodes.Count == 6 && relay.Pipeline.Outbox.IsEmpty, "the rollout's end was forwarded");
        var forwarded = bed.Function.SnapshotsOf(uid).Count - before;
        var changes = bed.Function.SnapshotsOf(uid).Skip(before).Select(s => string.Join(",", s.Endpoints!.ReadyNodes) + "|" + string.Join(",", s.Endpoints.ServingNodes)).Distinct().Count();
        output.WriteLine($"rolling update of {replicas} replicas: {writes} EndpointSlice writes in {clock.Elapsed.TotalSeconds:F1} s, {forwarded} snapshots forwarded ({changes} distinct node sets)");

        // 40 slice writes; the node sets change 7 times (nodes 0 and 1 each go ready → serving only → gone, nodes 5,
        // 6 and 7 each become ready); changes inside one batch window coalesce into one forward.
        Assert.Equal(4 * replicas, writes);
        Assert.InRange(forwarded, 1, 7);

        static IEnumerable<KubeEndpoint> Endpoints(List<(string Name, string Node, bool Ready, bool Terminating)> pods) =>
            pods.Select((p, i) => new KubeEndpoint($"10.1.0.{i + 1}", p.Node, Ready: p.Ready, Serving: p.Ready || p.Terminating, Terminating: p.Terminating));
    }
}
