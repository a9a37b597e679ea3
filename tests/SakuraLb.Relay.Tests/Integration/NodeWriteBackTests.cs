using System.Text.Json.Nodes;
using k8s.Autorest;
using SakuraLb.Relay.Kube;
using SakuraLb.Relay.Nodes;
using SakuraLb.Relay.Status;

namespace SakuraLb.Relay.Tests.Integration;

/// <summary>The node controller's results from the feed become Node writes on a Kubernetes API server (the fake), with their preconditions.</summary>
public sealed class NodeWriteBackTests
{
    private static readonly DateTimeOffset Since = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A Node as a kubelet with --cloud-provider=external registers it: tainted, no providerID, a Hostname only.</summary>
    private static JsonObject Registered(string name) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Node",
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["kubernetes.io/hostname"] = name } },
        ["spec"] = new JsonObject
        {
            ["taints"] = new JsonArray(
                new JsonObject { ["key"] = WellKnown.UninitializedTaint, ["value"] = "true", ["effect"] = "NoSchedule" },
                new JsonObject { ["key"] = "dedicated", ["value"] = "db", ["effect"] = "NoSchedule" }),
        },
        ["status"] = new JsonObject
        {
            ["addresses"] = new JsonArray(new JsonObject { ["type"] = "Hostname", ["address"] = name }),
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True" }),
        },
    };

    private static NodeResult Initialise(string name, string uid) => new()
    {
        Name = name,
        Uid = uid,
        ProviderId = "sakuracloud://113100000003",
        Addresses = [new(WellKnown.NodeInternalIP, "203.0.113.100"), new(WellKnown.NodeExternalIP, "203.0.113.100"), new(WellKnown.NodeHostName, name)],
        Labels = new Dictionary<string, string> { [WellKnown.ZoneLabel] = "is1a", [WellKnown.RegionLabel] = "is1", [WellKnown.InstanceTypeLabel] = "2core-4gb" },
        Initialized = true,
        Shutdown = false,
        ReasonCode = ReasonCodes.NodeInitialized,
        Message = $"node {name} is initialised from Sakura server 113100000003",
        Since = Since,
    };

    private static Task<T> Until<T>(Func<T> read, Func<T, bool> done, string what) =>
        Eventually.UntilAsync(() => Task.FromResult(read()), done, what);

    private static string Uid(JsonObject node) => node["metadata"]!["uid"]!.GetValue<string>();

    private static string[] TaintKeys(JsonObject node) =>
        (node["spec"]?["taints"] as JsonArray ?? []).Select(t => t!["key"]!.GetValue<string>()).ToArray();

    private static IReadOnlyList<JsonObject> NodeEvents(RelayTestBed bed, string name) =>
        bed.Objects.List("events.events.k8s.io", "default").Where(e => e["regarding"]?["kind"]?.GetValue<string>() == "Node" && e["regarding"]?["name"]?.GetValue<string>() == name).ToArray();

    [Fact]
    public async Task RegisteredNode_IsInitialisedFromItsResult_KeepingOtherTaints()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        var uid = Uid(bed.Objects.Create("nodes", Registered("w1")));
        await Eventually.UntilAsync(() => bed.Function.LatestNodes?.Nodes.Any(n => n.Name == "w1" && n.Taints.Any(t => t.Key == WellKnown.UninitializedTaint)) == true, "the tainted node reached the function");

        bed.Function.SetNodeResult(Initialise("w1", uid));
        var node = await Until(() => bed.Objects.Get("nodes", null, "w1")!, n => !TaintKeys(n).Contains(WellKnown.UninitializedTaint), "the uninitialized taint to go");

        Assert.Equal(["dedicated"], TaintKeys(node));
        Assert.Equal("sakuracloud://113100000003", node["spec"]!["providerID"]!.GetValue<string>());
        Assert.Equal("is1a", node["metadata"]!["labels"]![WellKnown.ZoneLabel]!.GetValue<string>());
        Assert.Equal("2core-4gb", node["metadata"]!["labels"]![WellKnown.InstanceTypeLabel]!.GetValue<string>());
        Assert.Equal(["InternalIP 203.0.113.100", "ExternalIP 203.0.113.100", "Hostname w1"], node["status"]!["addresses"]!.AsArray().Select(a => $"{a!["type"]} {a["address"]}"));
        var recorded = await Until(() => NodeEvents(bed, "w1"), e => e.Count == 1, "the NodeInitialized event");
        Assert.Equal((ReasonCodes.NodeInitialized, "Normal", uid), (recorded[0]["reason"]!.GetValue<string>(), recorded[0]["type"]!.GetValue<string>(), recorded[0]["regarding"]!["uid"]!.GetValue<string>()));

        // The addresses went first (status subresource), then one patch of the Node itself.
        var writes = bed.Kube.RequestLog.Where(r => r.Resource == "nodes" && r.Verb == "patch").ToArray();
        Assert.Equal(["status", ""], writes.Select(r => r.Subresource));

        // The relay forwards the initialised Node, so the function sees what was written.
        await Eventually.UntilAsync(() => bed.Function.LatestNodes?.Nodes.Single(n => n.Name == "w1").ProviderId is not null, "the initialised node was forwarded");
        var forwarded = bed.Function.LatestNodes!.Nodes.Single(n => n.Name == "w1");
        Assert.DoesNotContain(forwarded.Taints, t => t.Key == WellKnown.UninitializedTaint);
        Assert.Equal("is1", forwarded.Labels[WellKnown.RegionLabel]);
    }

    [Fact]
    public async Task ShutdownTaint_FollowsTheResult_AndALabelSomeoneSetStays()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        var created = bed.Objects.CreateNode("w1", "203.0.113.100", new Dictionary<string, string> { [WellKnown.ZoneLabel] = "mine" }, providerId: "sakuracloud://113100000003");
        var uid = Uid(created);
        await Eventually.UntilAsync(() => bed.Function.LatestNodes?.Nodes.Any(n => n.Name == "w1") == true, "the node reached the function");

        bed.Function.SetNodeResult(Initialise("w1", uid) with { Initialized = false, Shutdown = true, ReasonCode = ReasonCodes.ServerShutdown, Message = "powered off" });
        await Until(() => TaintKeys(bed.Objects.Get("nodes", null, "w1")!), t => t.Contains(WellKnown.ShutdownTaint), "the shutdown taint");
        var labels = bed.Objects.Get("nodes", null, "w1")!["metadata"]!["labels"]!;
        Assert.Equal("mine", labels[WellKnown.ZoneLabel]!.GetValue<string>());
        Assert.Equal("is1", labels[WellKnown.RegionLabel]!.GetValue<string>());

        bed.Function.SetNodeResult(Initialise("w1", uid) with { Initialized = false, Shutdown = false, Since = Since.AddMinutes(1) });
        await Until(() => TaintKeys(bed.Objects.Get("nodes", null, "w1")!), t => t.Length == 0, "the shutdown taint to go");
        await Until(() => NodeEvents(bed, "w1").Select(e => e["reason"]!.GetValue<string>()).Order().ToArray(), r => r.SequenceEqual([ReasonCodes.NodeInitialized, ReasonCodes.ServerShutdown]), "both events");
    }

    [Fact]
    public async Task NodeRecreatedUnderItsName_NeverGetsTheOldOnesResult()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        var oldUid = Uid(bed.Objects.Create("nodes", Registered("w1")));
        bed.Objects.Delete("nodes", null, "w1");
        var newUid = Uid(bed.Objects.Create("nodes", Registered("w1")));
        var otherUid = Uid(bed.Objects.Create("nodes", Registered("w2")));
        await Eventually.UntilAsync(() => bed.Function.LatestNodes?.Nodes.SingleOrDefault(n => n.Name == "w1")?.Uid == newUid, "the new node reached the function");
        bed.Kube.ClearRequestLog();

        // One feed with the old w1's deletion and w2's initialisation: once w2 is written, the sweep that planned both ran.
        bed.Function.SetNodeResult(Initialise("w1", oldUid) with { Delete = true });
        bed.Function.SetNodeResult(Initialise("w2", otherUid));
        await Until(() => TaintKeys(bed.Objects.Get("nodes", null, "w2")!), t => !t.Contains(WellKnown.UninitializedTaint), "w2 to be initialised");

        Assert.DoesNotContain(bed.Kube.RequestLog, r => r.Resource == "nodes" && r.Name == "w1" && r.Verb is "patch" or "delete");
        Assert.Contains(WellKnown.UninitializedTaint, TaintKeys(bed.Objects.Get("nodes", null, "w1")!));
        Assert.Empty(NodeEvents(bed, "w1"));
    }

    [Fact]
    public async Task Preconditions_APatchOrDeleteForTheOldUid_IsRefusedByTheApiServer()
    {
        await using var kube = await KubeSim.KubeApiSimulator.StartAsync(new KubeSim.KubeApiSimulatorOptions());
        var api = new KubeApi(new Kubernetes(new KubernetesClientConfiguration { Host = kube.BaseAddress.ToString() }));
        var oldUid = Uid(kube.Objects.Create("nodes", Registered("w1")));
        kube.Objects.Delete("nodes", null, "w1");
        kube.Objects.Create("nodes", Registered("w1"));

        var spec = NodeWrites.SpecPatch(new PatchNode("w1", oldUid, "sakuracloud://7", new Dictionary<string, string> { [WellKnown.ZoneLabel] = "is1a" }, [], null));
        var status = NodeWrites.AddressesPatch(new SetNodeAddresses("w1", oldUid, [new(WellKnown.NodeInternalIP, "10.0.0.1")]));
        var patchError = await Assert.ThrowsAsync<HttpOperationException>(() => api.PatchNodeAsync("w1", spec, CancellationToken.None));
        var statusError = await Assert.ThrowsAsync<HttpOperationException>(() => api.PatchNodeStatusAsync("w1", status, CancellationToken.None));
        var deleteError = await Assert.ThrowsAsync<HttpOperationException>(() => api.DeleteNodeAsync("w1", oldUid, CancellationToken.None));

        Assert.Equal(WriteOutcome.Conflict, KubeWrites.Classify(patchError, isEvent: false));
        Assert.Equal(WriteOutcome.Conflict, KubeWrites.Classify(statusError, isEvent: false));
        Assert.Equal(WriteOutcome.Conflict, KubeWrites.Classify(deleteError, isEvent: false));
        var node = kube.Objects.Get("nodes", null, "w1")!;
        Assert.Null(node["spec"]!["providerID"]);
        Assert.Contains(WellKnown.UninitializedTaint, TaintKeys(node));
    }

    [Fact]
    public async Task StaleResourceVersion_TaintWriteIsRetriedFromTheNewestState()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        var uid = Uid(bed.Objects.Create("nodes", Registered("w1")));
        await Eventually.UntilAsync(() => bed.Function.LatestNodes?.Nodes.Any(n => n.Name == "w1") == true, "the node reached the function");
        bed.Kube.FailNextRequests("PATCH", "/api/v1/nodes/w1", 409, count: 1);

        bed.Function.SetNodeResult(Initialise("w1", uid));

        await Until(() => TaintKeys(bed.Objects.Get("nodes", null, "w1")!), t => !t.Contains(WellKnown.UninitializedTaint), "the taint to go after the conflict");
        Assert.True(bed.Relay.Metrics.Count("kube_writes", "node_spec", "conflict") >= 1);
    }

    [Fact]
    public async Task DeleteResult_DeletesThatNode()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        var uid = Uid(bed.Objects.Get("nodes", null, "node-2")!);

        bed.Function.SetNodeResult(new NodeResult { Name = "node-2", Uid = uid, Delete = true, ReasonCode = ReasonCodes.DeletingNode, Message = "its server is gone", Since = Since });

        await Eventually.UntilAsync(() => bed.Objects.Get("nodes", null, "node-2") is null, "the node to be deleted");
        Assert.Equal(ReasonCodes.DeletingNode, Assert.Single(NodeEvents(bed, "node-2"))["reason"]!.GetValue<string>());
        Assert.NotNull(bed.Objects.Get("nodes", null, "node-1"));
        await Eventually.UntilAsync(() => bed.Function.LatestNodes?.Nodes.Count == 2, "the smaller node set was forwarded");
    }

    [Fact]
    public async Task FunctionWithoutNodeResults_NoNodeIsWritten()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        bed.Objects.Create("nodes", Registered("w1"));
        var uid = bed.CreateService("web");
        await Eventually.UntilAsync(() => bed.Function.Latest(uid) is not null, "the Service reached the function");
        bed.Function.SetStatus(RelayTestBed.Status(uid, "web", ServicePhase.Provisioning, "Provisioning", "creating"));
        await Eventually.UntilAsync(() => bed.Relay.Pipeline.NodeResults.Published == false, "the relay read a feed without node results");

        Assert.DoesNotContain(bed.Kube.RequestLog, r => r.Resource == "nodes" && r.Verb is "patch" or "delete");
    }
}
