namespace KubeSim.Tests.Api;

/// <summary>What a cloud node controller does to Nodes: providerID, labels, addresses through status, taints, deletion.</summary>
public sealed class NodeLifecycleTests
{
    private const string Nodes = "/api/v1/nodes";
    private const string Merge = "application/merge-patch+json";
    private const string Strategic = "application/strategic-merge-patch+json";
    private const string JsonPatch = "application/json-patch+json";

    private const string NodeManifest = """
        {"apiVersion":"v1","kind":"Node","metadata":{"name":"n1","labels":{"kubernetes.io/hostname":"n1"}},
         "spec":{"taints":[{"key":"node.cloudprovider.kubernetes.io/uninitialized","value":"true","effect":"NoSchedule"}]},
         "status":{"addresses":[{"type":"Hostname","address":"n1"}]}}
        """;

    [Fact]
    public async Task ProviderId_MaySetOnceFromEmpty_ThenChangingItIs422Forbidden()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync(Nodes, NodeManifest)).Status);

        var set = await api.PatchAsync(Nodes + "/n1", """{"spec":{"providerID":"sakuracloud://113000000001"}}""", Strategic);
        var same = await api.PatchAsync(Nodes + "/n1", """{"spec":{"providerID":"sakuracloud://113000000001"},"metadata":{"labels":{"a":"b"}}}""", Merge);
        var changed = await api.PatchAsync(Nodes + "/n1", """{"spec":{"providerID":"sakuracloud://113000000002"}}""", Merge);
        var cleared = await api.PatchAsync(Nodes + "/n1", """{"spec":{"providerID":null}}""", Merge);

        Assert.Equal(HttpStatusCode.OK, set.Status);
        Assert.Equal("sakuracloud://113000000001", set.Object.Str("spec.providerID"));
        Assert.Equal(HttpStatusCode.OK, same.Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, changed.Status);
        Assert.Equal(
            "Node \"n1\" is invalid: spec.providerID: Forbidden: node updates may not change providerID except from \"\" to valid",
            changed.Object.Str("message"));
        Assert.Equal("Invalid", changed.Object.Str("reason"));
        Assert.Equal("spec.providerID", changed.Object.Str("details.causes.0.field"));
        Assert.Equal("FieldValueForbidden", changed.Object.Str("details.causes.0.reason"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, cleared.Status);
        Assert.Equal("sakuracloud://113000000001", sim.Objects.Get("nodes", null, "n1").Str("spec.providerID"));
    }

    [Fact]
    public async Task StatusSubresource_ChangesOnlyAddresses_AndMainResourceIgnoresStatus()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await api.PostAsync(Nodes, NodeManifest);

        // What a cloud node controller sends: addresses by strategic merge through /status.
        var status = await api.PatchAsync(Nodes + "/n1/status",
            """{"spec":{"providerID":"ignored://1"},"status":{"addresses":[{"type":"InternalIP","address":"10.0.0.21"},{"type":"ExternalIP","address":"203.0.113.21"}]}}""",
            Strategic);
        var main = await api.PatchAsync(Nodes + "/n1", """{"metadata":{"labels":{"zone":"is1a"}},"status":{"addresses":[]}}""", Merge);

        Assert.Equal(HttpStatusCode.OK, status.Status);
        Assert.Equal(["Hostname", "InternalIP", "ExternalIP"], status.Object["status"]!["addresses"]!.AsArray().Select(a => a.Str("type")));
        Assert.Equal("", status.Object.Str("spec.providerID"));
        Assert.Equal(HttpStatusCode.OK, main.Status);
        Assert.Equal("is1a", main.Object.Str("metadata.labels.zone"));
        Assert.Equal(3, main.Object["status"]!["addresses"]!.AsArray().Count);
    }

    [Fact]
    public async Task StatusPut_WithDuplicateAddress_Is422()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        var node = (await api.PostAsync(Nodes, NodeManifest)).Object;
        node["status"] = JsonNode.Parse("""{"addresses":[{"type":"InternalIP","address":"10.0.0.1"},{"type":"InternalIP","address":"10.0.0.1"}]}""");

        var r = await api.PutAsync(Nodes + "/n1/status", node.ToJsonString());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.Status);
        Assert.Contains("status.addresses[1]: Duplicate value: core.NodeAddress{Type:\"InternalIP\", Address:\"10.0.0.1\"}", r.Object.Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Taints_AddedAndRemovedByEveryPatchKind_TheListIsAtomic()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await api.PostAsync(Nodes, NodeManifest);

        // Strategic merge replaces the atomic list, as kubectl taint sends it.
        var strategic = await api.PatchAsync(Nodes + "/n1",
            """{"spec":{"taints":[{"key":"node.cloudprovider.kubernetes.io/uninitialized","value":"true","effect":"NoSchedule"},{"key":"sakura.cloud/draining","effect":"NoExecute"}]}}""",
            Strategic);
        var rv = strategic.Rv;
        var guardedRemove = await api.PatchAsync(Nodes + "/n1",
            $$$"""[{"op":"test","path":"/metadata/resourceVersion","value":"{{{rv}}}"},{"op":"test","path":"/spec/taints/0/key","value":"node.cloudprovider.kubernetes.io/uninitialized"},{"op":"remove","path":"/spec/taints/0"}]""",
            JsonPatch);
        var staleRemove = await api.PatchAsync(Nodes + "/n1",
            $$$"""[{"op":"test","path":"/metadata/resourceVersion","value":"{{{rv}}}"},{"op":"remove","path":"/spec/taints/0"}]""",
            JsonPatch);
        var merged = await api.PatchAsync(Nodes + "/n1", """{"spec":{"taints":null}}""", Merge);

        Assert.Equal(2, strategic.Object["spec"]!["taints"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.OK, guardedRemove.Status);
        Assert.Equal("""[{"key":"sakura.cloud/draining","effect":"NoExecute"}]""", guardedRemove.Object["spec"]!["taints"]!.ToJsonString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, staleRemove.Status);
        Assert.Equal("", merged.Object.Str("spec.taints"));
    }

    [Theory]
    [InlineData("""[{"key":"a","effect":"Sometimes"}]""", "metadata.taints[0].effect: Unsupported value: \"Sometimes\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"")]
    [InlineData("""[{"key":"a"}]""", "metadata.taints[0].effect: Required value")]
    [InlineData("""[{"key":"bad key","effect":"NoSchedule"}]""", "metadata.taints[0].key: Invalid value: \"bad key\": name part must consist of alphanumeric characters")]
    [InlineData("""[{"key":"a","value":"-x","effect":"NoSchedule"}]""", "metadata.taints[0].value: Invalid value: \"-x\": a valid label must be an empty string")]
    [InlineData("""[{"key":"a","effect":"NoSchedule"},{"key":"a","value":"2","effect":"NoSchedule"}]""", "metadata.taints[1]: Duplicate value: core.Taint{Key:\"a\", Value:\"2\", Effect:\"NoSchedule\", TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair")]
    public async Task InvalidTaint_Is422WithTheApiServersMessage(string taints, string expected)
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);

        var r = await api.PostAsync(Nodes, """{"metadata":{"name":"n1"},"spec":{"taints":""" + taints + "}}");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.Status);
        Assert.Contains(expected, r.Object.Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PatchCarryingAnotherUid_Is422Immutable_WhilePutCarryingItIs409Precondition()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        var node = (await api.PostAsync(Nodes, NodeManifest)).Object;
        const string OtherUid = "00000000-0000-0000-0000-000000000001";

        var sameUid = await api.PatchAsync(Nodes + "/n1", $$$$"""{"metadata":{"uid":"{{{{node.Str("metadata.uid")}}}}","labels":{"a":"1"}}}""", Merge);
        var patch = await api.PatchAsync(Nodes + "/n1", $$$$"""{"metadata":{"uid":"{{{{OtherUid}}}}","labels":{"a":"2"}}}""", Merge);
        var statusPatch = await api.PatchAsync(Nodes + "/n1/status", $$$"""{"metadata":{"uid":"{{{OtherUid}}}"},"status":{"phase":"Running"}}""", Strategic);
        node["metadata"]!["uid"] = OtherUid;
        node["metadata"]!["resourceVersion"] = "1";
        var put = await api.PutAsync(Nodes + "/n1", node.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, sameUid.Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, patch.Status);
        Assert.Equal($"Node \"n1\" is invalid: metadata.uid: Invalid value: \"{OtherUid}\": field is immutable", patch.Object.Str("message"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, statusPatch.Status);

        // The uid precondition is checked before the (also stale) resourceVersion.
        Assert.Equal(HttpStatusCode.Conflict, put.Status);
        Assert.Contains($"Precondition failed: UID in precondition: {OtherUid}", put.Object.Str("message"), StringComparison.Ordinal);
        Assert.Equal("1", sim.Objects.Get("nodes", null, "n1").Str("metadata.labels.a"));
    }

    [Fact]
    public async Task Delete_WithPreconditions_ConflictsOnMismatch_AndAMatchingUidDeletesWithAWatchEvent()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        var node = (await api.PostAsync(Nodes, NodeManifest)).Object;
        await using var watch = await WatchStream.OpenAsync(api.Http, $"{Nodes}?watch=true&resourceVersion={node.Str("metadata.resourceVersion")}");

        var wrongUid = await api.DeleteAsync(Nodes + "/n1", """{"preconditions":{"uid":"00000000-0000-0000-0000-000000000009"}}""");
        var staleRv = await api.DeleteAsync(Nodes + "/n1", """{"preconditions":{"resourceVersion":"1"}}""");
        var deleted = await api.DeleteAsync(Nodes + "/n1",
            $$$"""{"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"uid":"{{{node.Str("metadata.uid")}}}","resourceVersion":"{{{node.Str("metadata.resourceVersion")}}}"}}""");
        var ev = await watch.NextChangeAsync();

        Assert.Equal(HttpStatusCode.Conflict, wrongUid.Status);
        Assert.Equal("Conflict", wrongUid.Object.Str("reason"));
        Assert.Contains("Precondition failed: UID in precondition", wrongUid.Object.Str("message"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, staleRv.Status);
        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.Equal("Success", deleted.Object.Str("status"));
        Assert.Equal(node.Str("metadata.uid"), deleted.Object.Str("details.uid"));
        Assert.Equal("DELETED", ev.Type);
        Assert.Equal("n1", ev.Object.Str("metadata.name"));
        Assert.Null(sim.Objects.Get("nodes", null, "n1"));
    }

    [Fact]
    public async Task Delete_OfANodeWithAFinalizer_WaitsForIt()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await api.PostAsync(Nodes, NodeManifest.Replace("\"name\":\"n1\",", "\"name\":\"n1\",\"finalizers\":[\"example.com/cleanup\"],", StringComparison.Ordinal));

        var first = await api.DeleteAsync(Nodes + "/n1");
        var released = await api.PatchAsync(Nodes + "/n1", """{"metadata":{"finalizers":null}}""", Merge);

        Assert.NotEqual("", first.Object.Str("metadata.deletionTimestamp"));
        Assert.Equal(HttpStatusCode.OK, released.Status);
        Assert.Null(sim.Objects.Get("nodes", null, "n1"));
    }

    [Fact]
    public async Task ListAndWatch_ByLabelAndFieldSelector_FollowLabelAndCordonChanges()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        sim.Objects.CreateNode("n1", "10.0.0.11", new Dictionary<string, string> { ["pool"] = "lb" });
        sim.Objects.CreateNode("n2", "10.0.0.12");
        var list = (await api.GetAsync(Nodes + "?labelSelector=pool%20in%20(lb,edge)")).Object;
        await using var labelWatch = await WatchStream.OpenAsync(api.Http, $"{Nodes}?watch=true&labelSelector=pool%3Dlb&resourceVersion={list.Str("metadata.resourceVersion")}");
        await using var fieldWatch = await WatchStream.OpenAsync(api.Http, $"{Nodes}?watch=true&fieldSelector=spec.unschedulable%3Dtrue&resourceVersion={list.Str("metadata.resourceVersion")}");

        sim.Objects.StrategicMergePatch("nodes", null, "n2", """{"metadata":{"labels":{"pool":"lb"}}}""");
        sim.Objects.StrategicMergePatch("nodes", null, "n1", """{"spec":{"unschedulable":true}}""");
        sim.Objects.StrategicMergePatch("nodes", null, "n1", """{"metadata":{"labels":{"pool":null}}}""");

        Assert.Equal(["n1"], list["items"]!.AsArray().Select(i => i.Str("metadata.name")));
        Assert.Equal(("ADDED", "n2"), Summary(await labelWatch.NextChangeAsync()));
        Assert.Equal(("MODIFIED", "n1"), Summary(await labelWatch.NextChangeAsync()));
        Assert.Equal(("DELETED", "n1"), Summary(await labelWatch.NextChangeAsync()));
        Assert.Equal(("ADDED", "n1"), Summary(await fieldWatch.NextChangeAsync()));
        Assert.Equal(("MODIFIED", "n1"), Summary(await fieldWatch.NextChangeAsync()));
    }

    [Fact]
    public async Task NodeEvents_LiveInDefault_AndAreFoundByInvolvedObjectKind()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        var node = sim.Objects.CreateNode("n1", "10.0.0.11");
        string Event(string ns) => $$$"""
            {"metadata":{"generateName":"n1.","namespace":"{{{ns}}}"},"reason":"Synced","message":"providerID set","type":"Normal",
             "source":{"component":"sakura-cloud-controller"},"involvedObject":{"kind":"Node","apiVersion":"v1","name":"n1","uid":"{{{node.Str("metadata.uid")}}}"}}
            """;

        var inDefault = await api.PostAsync("/api/v1/namespaces/default/events", Event("default"));
        var elsewhere = await api.PostAsync("/api/v1/namespaces/kube-system/events", Event("kube-system"));
        var viaEventsV1 = await api.PostAsync("/apis/events.k8s.io/v1/namespaces/kube-system/events", $$$"""
            {"metadata":{"generateName":"n1.","namespace":"kube-system"},"eventTime":"2026-01-01T00:00:00.000000Z","reportingController":"sakura.cloud/relay",
             "reportingInstance":"relay-0","action":"Sync","reason":"Synced","note":"ok","type":"Normal","regarding":{"kind":"Node","apiVersion":"v1","name":"n1"}}
            """);
        var byKind = (await api.GetAsync("/api/v1/events?fieldSelector=involvedObject.kind%3DNode,involvedObject.name%3Dn1,involvedObject.namespace%3D")).Object;

        Assert.Equal(HttpStatusCode.Created, inDefault.Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, elsewhere.Status);
        Assert.Contains("involvedObject.namespace: Invalid value: \"\": does not match event.namespace", elsewhere.Object.Str("message"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, viaEventsV1.Status);
        Assert.Equal(["default", "kube-system"], byKind["items"]!.AsArray().Select(i => i.Str("metadata.namespace")));
    }

    private static (string, string) Summary((string Type, JsonObject Object) ev) => (ev.Type, ev.Object.Str("metadata.name"));
}
