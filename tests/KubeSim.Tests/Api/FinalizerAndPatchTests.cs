namespace KubeSim.Tests.Api;

public sealed class FinalizerAndPatchTests
{
    private const string Svc = "/api/v1/namespaces/default/services";
    private const string Finalizer = "service.kubernetes.io/load-balancer-cleanup";

    [Fact]
    public async Task JsonPatch_TestOnCurrentResourceVersion_AddsFinalizer()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        var svc = await api.CreateServiceAsync("web");

        var r = await api.PatchAsync(Svc + "/web",
            $$$"""[{"op":"test","path":"/metadata/resourceVersion","value":"{{{svc.Str("metadata.resourceVersion")}}}"},{"op":"add","path":"/metadata/finalizers","value":["{{{Finalizer}}}"]}]""",
            "application/json-patch+json");

        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal($"[\"{Finalizer}\"]", r.Object.Str("metadata.finalizers"));
    }

    [Fact]
    public async Task JsonPatch_FailedTest_Returns422InvalidExactlyLikeApiServer()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await api.CreateServiceAsync("web");

        var r = await api.PatchAsync(Svc + "/web",
            """[{"op":"test","path":"/metadata/resourceVersion","value":"1"},{"op":"add","path":"/metadata/finalizers","value":["x"]}]""",
            "application/json-patch+json");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.Status);
        Assert.Equal(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server rejected our request due to an error in our request","reason":"Invalid","details":{},"code":422}""",
            r.Body);
        Assert.Equal("", (await api.GetAsync(Svc + "/web")).Object.Str("metadata.finalizers"));
    }

    [Fact]
    public async Task Patch_ChangingResourceVersionInBody_Returns409Conflict()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await api.CreateServiceAsync("web");

        var r = await api.PatchAsync(Svc + "/web", """{"metadata":{"resourceVersion":"1","labels":{"a":"b"}}}""", "application/merge-patch+json");

        Assert.Equal(HttpStatusCode.Conflict, r.Status);
        Assert.Equal("Conflict", r.Object.Str("reason"));
    }

    [Fact]
    public async Task Delete_WithFinalizer_MarksDeletion_ThenRemovingFinalizerDeletes()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await api.CreateServiceAsync("web", extra: $$$""","finalizers":["{{{Finalizer}}}"]""");
        var list = (await api.GetAsync(Svc)).Object;
        await using var watch = await WatchStream.OpenAsync(api.Http, $"{Svc}?watch=true&resourceVersion={list.Str("metadata.resourceVersion")}");

        var deleted = await api.DeleteAsync(Svc + "/web", """{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background"}""");
        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.NotEqual("", deleted.Object.Str("metadata.deletionTimestamp"));
        Assert.Equal("0", deleted.Object.Str("metadata.deletionGracePeriodSeconds"));
        var marked = await watch.NextChangeAsync();
        Assert.Equal("MODIFIED", marked.Type);
        Assert.NotEqual("", marked.Object.Str("metadata.deletionTimestamp"));

        var again = await api.DeleteAsync(Svc + "/web");
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(deleted.Rv, again.Rv);

        var addFinalizer = await api.PatchAsync(Svc + "/web", """{"metadata":{"finalizers":["a","other"]}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, addFinalizer.Status);
        Assert.Contains("no new finalizers can be added if the object is being deleted", addFinalizer.Object.Str("message"), StringComparison.Ordinal);

        var removed = await api.PatchAsync(Svc + "/web", """[{"op":"remove","path":"/metadata/finalizers/0"}]""", "application/json-patch+json");
        Assert.Equal(HttpStatusCode.OK, removed.Status);
        var gone = await watch.NextChangeAsync();
        Assert.Equal("DELETED", gone.Type);
        Assert.Equal(removed.Rv, gone.Object.Str("metadata.resourceVersion"));
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync(Svc + "/web")).Status);
    }

    [Fact]
    public async Task Delete_WithoutFinalizer_RemovesAndFreesClusterIp()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        var first = await api.CreateServiceAsync("web");

        var r = await api.DeleteAsync(Svc + "/web");
        var recreated = await api.CreateServiceAsync("web");

        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal("Service", r.Object.Str("kind"));
        Assert.NotEqual(first.Str("metadata.uid"), recreated.Str("metadata.uid"));
        Assert.Equal(first.Str("spec.clusterIP"), recreated.Str("spec.clusterIP"));
    }

    [Fact]
    public async Task Delete_WithStaleUidPrecondition_Returns409()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await api.CreateServiceAsync("web");

        var r = await api.DeleteAsync(Svc + "/web", """{"preconditions":{"uid":"00000000-0000-0000-0000-000000000000"}}""");

        Assert.Equal(HttpStatusCode.Conflict, r.Status);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(Svc + "/web")).Status);
    }

    [Fact]
    public async Task Delete_Node_ReturnsSuccessStatus()
    {
        await using var sim = await KubeApiSimulator.StartAsync(new KubeApiSimulatorOptions { SeedNodeNames = ["n1"] });
        using var api = new ApiClient(sim.BaseAddress);

        var r = await api.DeleteAsync("/api/v1/nodes/n1");

        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal("Success", r.Object.Str("status"));
        Assert.Equal("n1", r.Object.Str("details.name"));
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/api/v1/nodes/n1")).Status);
    }

    [Fact]
    public async Task Lease_PutWithStaleResourceVersion_Returns409_CurrentOneSucceeds()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        const string Leases = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases";
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync(Leases + "/relay")).Status);

        var created = await api.PostAsync(Leases, """{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"relay"},"spec":{"holderIdentity":"a","leaseDurationSeconds":15}}""");
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var rv = created.Rv;

        var renewedByA = await api.PutAsync(Leases + "/relay",
            $$$"""{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"relay","resourceVersion":"{{{rv}}}"},"spec":{"holderIdentity":"a","leaseDurationSeconds":15,"renewTime":"2026-01-01T00:00:01.000000Z"}}""");
        var takenByB = await api.PutAsync(Leases + "/relay",
            $$$"""{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"relay","resourceVersion":"{{{rv}}}"},"spec":{"holderIdentity":"b","leaseDurationSeconds":15}}""");

        Assert.Equal(HttpStatusCode.OK, renewedByA.Status);
        Assert.Equal(HttpStatusCode.Conflict, takenByB.Status);
        Assert.Equal("Operation cannot be fulfilled on leases.coordination.k8s.io \"relay\": the object has been modified; please apply your changes to the latest version and try again", takenByB.Object.Str("message"));
        Assert.Equal("a", (await api.GetAsync(Leases + "/relay")).Object.Str("spec.holderIdentity"));
    }

    [Fact]
    public async Task Events_CreatedThroughEventsV1_AreReadableAsCoreEventsBySelector()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        var svc = await api.CreateServiceAsync("web");

        var created = await api.PostAsync("/apis/events.k8s.io/v1/namespaces/default/events", $$$"""
            {"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"generateName":"web."},
             "eventTime":"2026-01-01T00:00:00.000000Z","reportingController":"sakura.cloud/relay","reportingInstance":"relay-0",
             "action":"Ensure","reason":"EnsuredLoadBalancer","note":"Ensured","type":"Normal",
             "regarding":{"kind":"Service","apiVersion":"v1","namespace":"default","name":"web","uid":"{{{svc.Str("metadata.uid")}}}"}}
            """);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.StartsWith("web.", created.Object.Str("metadata.name"), StringComparison.Ordinal);
        Assert.Equal("events.k8s.io/v1", created.Object.Str("apiVersion"));

        var core = await api.GetAsync($"/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dweb,involvedObject.kind%3DService,involvedObject.uid%3D{svc.Str("metadata.uid")}");
        var item = core.Object["items"]![0]!;
        Assert.Equal("EnsuredLoadBalancer", item.Str("reason"));
        Assert.Equal("Ensured", item.Str("message"));
        Assert.Equal("sakura.cloud/relay", item.Str("reportingComponent"));
        Assert.Equal("web", item.Str("involvedObject.name"));
    }

    [Fact]
    public async Task Events_V1CreateMissingRequiredFields_Returns422()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);

        var r = await api.PostAsync("/apis/events.k8s.io/v1/namespaces/default/events",
            """{"metadata":{"name":"e1"},"reason":"X","type":"Sometimes","regarding":{"kind":"Service","namespace":"other","name":"web"}}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.Status);
        var message = r.Object.Str("message");
        foreach (var part in new[] { "eventTime: Required value", "reportingController: Required value", "action: Required value", "type: Unsupported value", "regarding.namespace: Invalid value" })
        {
            Assert.Contains(part, message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Events_LegacyCoreCreate_IsAccepted()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);

        var r = await api.PostAsync("/api/v1/namespaces/default/events",
            """{"metadata":{"name":"web.1"},"involvedObject":{"kind":"Service","namespace":"default","name":"web"},"reason":"Synced","message":"ok","type":"Normal","source":{"component":"relay"}}""");

        Assert.Equal(HttpStatusCode.Created, r.Status);
        Assert.Single(sim.Objects.Events("default", "web"));
    }
}
