namespace KubeSim.Tests.Api;

public sealed class ServiceSemanticsTests
{
    private const string Svc = "/api/v1/namespaces/default/services";

    [Fact]
    public async Task Create_LoadBalancer_FillsServerSideFieldsLikeApiServer()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);

        var svc = await api.CreateServiceAsync("web");

        Assert.Matches("^[0-9a-f-]{36}$", svc.Str("metadata.uid"));
        Assert.NotEqual("", svc.Str("metadata.creationTimestamp"));
        Assert.True(long.Parse(svc.Str("metadata.resourceVersion"), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal("default", svc.Str("metadata.namespace"));
        Assert.StartsWith("10.9", svc.Str("spec.clusterIP"), StringComparison.Ordinal);
        Assert.Equal($"[\"{svc.Str("spec.clusterIP")}\"]", svc.Str("spec.clusterIPs"));
        Assert.Equal("[\"IPv4\"]", svc.Str("spec.ipFamilies"));
        Assert.Equal("SingleStack", svc.Str("spec.ipFamilyPolicy"));
        Assert.Equal("None", svc.Str("spec.sessionAffinity"));
        Assert.Equal("Cluster", svc.Str("spec.externalTrafficPolicy"));
        Assert.Equal("Cluster", svc.Str("spec.internalTrafficPolicy"));
        Assert.Equal("true", svc.Str("spec.allocateLoadBalancerNodePorts"));
        Assert.Equal("TCP", svc.Str("spec.ports.0.protocol"));
        Assert.InRange(int.Parse(svc.Str("spec.ports.0.nodePort"), System.Globalization.CultureInfo.InvariantCulture), 30000, 32767);
        Assert.Equal("""{"loadBalancer":{}}""", svc.Str("status"));
    }

    [Fact]
    public async Task Create_TwoServices_GetDistinctClusterIpsAndNodePorts()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);

        var a = await api.CreateServiceAsync("a");
        var b = await api.CreateServiceAsync("b");

        Assert.NotEqual(a.Str("spec.clusterIP"), b.Str("spec.clusterIP"));
        Assert.NotEqual(a.Str("spec.ports.0.nodePort"), b.Str("spec.ports.0.nodePort"));
    }

    [Fact]
    public async Task Create_UnknownFields_SurviveRoundTrip()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await api.CreateServiceAsync("web", extra: ""","annotations":{"k8s.usacloud.jp/load-balancer-ha":"true"},"futureField":{"x":1}""");

        var got = (await api.GetAsync(Svc + "/web")).Object;

        Assert.Equal("true", got["metadata"]!["annotations"]!["k8s.usacloud.jp/load-balancer-ha"]!.GetValue<string>());
        Assert.Equal("""{"x":1}""", got.Str("metadata.futureField"));
    }

    [Theory]
    [InlineData("""{"metadata":{"name":"Web"},"spec":{"ports":[{"port":80}]}}""", "metadata.name: Invalid value: \"Web\"")]
    [InlineData("""{"metadata":{"name":"web"},"spec":{"type":"LoadBalancer"}}""", "spec.ports: Required value")]
    [InlineData("""{"metadata":{"name":"web"},"spec":{"type":"Magic","ports":[{"port":80}]}}""", "spec.type: Unsupported value: \"Magic\"")]
    [InlineData("""{"metadata":{"name":"web"},"spec":{"ports":[{"port":70000}]}}""", "spec.ports[0].port: Invalid value: 70000")]
    [InlineData("""{"metadata":{"name":"web"},"spec":{"ports":[{"port":80},{"port":81}]}}""", "spec.ports[0].name: Required value")]
    [InlineData("""{"metadata":{"name":"web"},"spec":{"type":"ClusterIP","ports":[{"port":80,"nodePort":30080}]}}""", "spec.ports[0].nodePort: Forbidden")]
    [InlineData("""{"metadata":{"name":"web"},"spec":{"type":"ClusterIP","externalTrafficPolicy":"Local","ports":[{"port":80}]}}""", "spec.externalTrafficPolicy: Invalid value")]
    public async Task Create_InvalidService_Returns422InvalidStatusWithCauses(string body, string expectedMessagePart)
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);

        var r = await api.PostAsync(Svc, body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.Status);
        Assert.Equal("Status", r.Object.Str("kind"));
        Assert.Equal("Failure", r.Object.Str("status"));
        Assert.Equal("Invalid", r.Object.Str("reason"));
        Assert.Equal("422", r.Object.Str("code"));
        Assert.Contains(expectedMessagePart, r.Object.Str("message"), StringComparison.Ordinal);
        Assert.NotEqual("", r.Object.Str("details.causes.0.field"));
    }

    [Fact]
    public async Task Create_Existing_Returns409AlreadyExists()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await api.CreateServiceAsync("web");

        var r = await api.PostAsync(Svc, """{"metadata":{"name":"web"},"spec":{"ports":[{"port":80}]}}""");

        Assert.Equal(HttpStatusCode.Conflict, r.Status);
        Assert.Equal("AlreadyExists", r.Object.Str("reason"));
        Assert.Equal("services \"web\" already exists", r.Object.Str("message"));
    }

    [Theory]
    [InlineData("GET", "/api/v1/namespaces/default/services/nope", 404, "NotFound")]
    [InlineData("DELETE", "/api/v1/namespaces/default/services/nope", 404, "NotFound")]
    [InlineData("GET", "/api/v1/namespaces/default/secrets", 404, "NotFound")]
    [InlineData("GET", "/api/v1/namespaces/default/services/web/proxy", 404, "NotFound")]
    [InlineData("DELETE", "/api/v1/namespaces/default", 405, "MethodNotAllowed")]
    public async Task Errors_AreKubernetesStatusObjects(string method, string path, int code, string reason)
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);

        var r = await api.SendAsync(new HttpMethod(method), path, null, null);

        Assert.Equal(code, (int)r.Status);
        Assert.Equal("Status", r.Object.Str("kind"));
        Assert.Equal(reason, r.Object.Str("reason"));
    }

    [Fact]
    public async Task Create_MalformedJson_Returns400WithoutStackTrace()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);

        var r = await api.PostAsync(Svc, "{not json");

        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal("BadRequest", r.Object.Str("reason"));
        Assert.DoesNotContain(" at ", r.Object.Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_MainResource_IgnoresStatus_AndStatusSubresource_ChangesOnlyStatus()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        var svc = await api.CreateServiceAsync("web");

        svc["status"] = System.Text.Json.Nodes.JsonNode.Parse("""{"loadBalancer":{"ingress":[{"ip":"1.1.1.1"}]}}""");
        svc["metadata"]!["labels"] = new System.Text.Json.Nodes.JsonObject { ["a"] = "b" };
        var updated = await api.PutAsync(Svc + "/web", svc.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, updated.Status);
        Assert.Equal("""{"loadBalancer":{}}""", updated.Object.Str("status"));
        Assert.Equal("b", updated.Object.Str("metadata.labels.a"));

        var viaStatus = updated.Object;
        viaStatus["status"] = System.Text.Json.Nodes.JsonNode.Parse("""{"loadBalancer":{"ingress":[{"ip":"203.0.113.7"}]}}""");
        viaStatus["metadata"]!["labels"] = new System.Text.Json.Nodes.JsonObject { ["a"] = "changed" };
        viaStatus["spec"]!["type"] = "ClusterIP";
        var statusUpdated = await api.PutAsync(Svc + "/web/status", viaStatus.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, statusUpdated.Status);
        Assert.Equal("203.0.113.7", statusUpdated.Object.Str("status.loadBalancer.ingress.0.ip"));
        Assert.Equal("b", statusUpdated.Object.Str("metadata.labels.a"));
        Assert.Equal("LoadBalancer", statusUpdated.Object.Str("spec.type"));
    }

    [Fact]
    public async Task Update_StaleResourceVersion_Returns409Conflict()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        var svc = await api.CreateServiceAsync("web");
        svc["metadata"]!["labels"] = new System.Text.Json.Nodes.JsonObject { ["v"] = "1" };
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsync(Svc + "/web", svc.ToJsonString())).Status);

        svc["metadata"]!["labels"] = new System.Text.Json.Nodes.JsonObject { ["v"] = "2" };
        var stale = await api.PutAsync(Svc + "/web", svc.ToJsonString());

        Assert.Equal(HttpStatusCode.Conflict, stale.Status);
        Assert.Equal("Conflict", stale.Object.Str("reason"));
        Assert.Contains("the object has been modified", stale.Object.Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_ThatChangesNothing_KeepsResourceVersion()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        var svc = await api.CreateServiceAsync("web");

        var again = await api.PatchAsync(Svc + "/web/status", """{"status":{"loadBalancer":{}}}""", "application/merge-patch+json");

        Assert.Equal(svc.Str("metadata.resourceVersion"), again.Rv);
    }

    [Fact]
    public async Task Update_OmittingAllocatedValues_KeepsClusterIpAndNodePorts()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        var svc = await api.CreateServiceAsync("web");

        var r = await api.PutAsync(Svc + "/web", """{"metadata":{"name":"web"},"spec":{"type":"LoadBalancer","ports":[{"port":80,"targetPort":8080}]}}""");

        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal(svc.Str("spec.clusterIP"), r.Object.Str("spec.clusterIP"));
        Assert.Equal(svc.Str("spec.ports.0.nodePort"), r.Object.Str("spec.ports.0.nodePort"));
    }

    [Fact]
    public async Task Patch_TypeFromLoadBalancerToClusterIp_ClearsNodePortsAndLbFields()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await api.CreateServiceAsync("web");

        var r = await api.PatchAsync(Svc + "/web", """{"spec":{"type":"ClusterIP"}}""", "application/merge-patch+json");

        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal("", r.Object.Str("spec.ports.0.nodePort"));
        Assert.Equal("", r.Object.Str("spec.allocateLoadBalancerNodePorts"));
        Assert.Equal("", r.Object.Str("spec.externalTrafficPolicy"));
    }

    [Fact]
    public async Task Patch_ToClusterIpWithANewNodePort_IsRejectedLikeApiServer()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await api.CreateServiceAsync("web");

        var r = await api.PatchAsync(Svc + "/web", """{"spec":{"type":"ClusterIP","ports":[{"port":80,"targetPort":8080,"nodePort":32000}]}}""", "application/merge-patch+json");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.Status);
        Assert.Contains("spec.ports[0].nodePort: Forbidden", r.Object.Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_ExternalTrafficPolicyLocal_AllocatesHealthCheckNodePort()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);

        var r = await api.PostAsync(Svc, """{"metadata":{"name":"web"},"spec":{"type":"LoadBalancer","externalTrafficPolicy":"Local","ports":[{"port":80}]}}""");

        Assert.Equal(HttpStatusCode.Created, r.Status);
        Assert.InRange(int.Parse(r.Object.Str("spec.healthCheckNodePort"), System.Globalization.CultureInfo.InvariantCulture), 30000, 32767);
        Assert.NotEqual(r.Object.Str("spec.ports.0.nodePort"), r.Object.Str("spec.healthCheckNodePort"));
    }

    [Fact]
    public async Task MergeAndStrategicPatch_OnStatus_SetIngress()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await api.CreateServiceAsync("web");

        var merge = await api.PatchAsync(Svc + "/web/status", """{"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.1","ipMode":"VIP"}]}}}""", "application/merge-patch+json");
        var strategic = await api.PatchAsync(Svc + "/web/status", """{"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.2"}]}}}""", "application/strategic-merge-patch+json");

        Assert.Equal("203.0.113.1", merge.Object.Str("status.loadBalancer.ingress.0.ip"));
        Assert.Equal("""[{"ip":"203.0.113.2"}]""", strategic.Object.Str("status.loadBalancer.ingress"));
    }

    [Fact]
    public async Task Patch_UnsupportedContentType_Returns415()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await api.CreateServiceAsync("web");

        var r = await api.PatchAsync(Svc + "/web", "{}", "application/apply-patch+yaml");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, r.Status);
        Assert.Equal("UnsupportedMediaType", r.Object.Str("reason"));
    }

    [Fact]
    public async Task List_WithLimit_PagesWithContinueToken()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        foreach (var n in new[] { "a", "b", "c" })
        {
            await api.CreateServiceAsync(n);
        }

        var first = (await api.GetAsync(Svc + "?limit=2")).Object;
        var token = Uri.EscapeDataString(first.Str("metadata.continue"));
        var second = (await api.GetAsync(Svc + "?limit=2&continue=" + token)).Object;

        Assert.Equal("ServiceList", first.Str("kind"));
        Assert.Equal("a,b", string.Join(",", first["items"]!.AsArray().Select(i => i.Str("metadata.name"))));
        Assert.Equal("1", first.Str("metadata.remainingItemCount"));
        Assert.Equal("c", string.Join(",", second["items"]!.AsArray().Select(i => i.Str("metadata.name"))));
        Assert.Equal("", second.Str("metadata.continue"));
    }

    [Fact]
    public async Task List_AllNamespaces_WithSelectors_FiltersItems()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await api.CreateServiceAsync("web", extra: ""","labels":{"tier":"front"}""");
        await api.CreateServiceAsync("db", ns: "data");
        await api.CreateServiceAsync("cache", ns: "data", type: "ClusterIP");

        string Names(ApiClient.Response r) => string.Join(",", r.Object["items"]!.AsArray().Select(i => i.Str("metadata.namespace") + "/" + i.Str("metadata.name")));

        Assert.Equal("data/cache,data/db,default/web", Names(await api.GetAsync("/api/v1/services")));
        Assert.Equal("default/web", Names(await api.GetAsync("/api/v1/services?labelSelector=tier%3Dfront")));
        Assert.Equal("data/db", Names(await api.GetAsync("/api/v1/services?fieldSelector=metadata.namespace%3Ddata,spec.type%3DLoadBalancer")));
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("/api/v1/services?fieldSelector=spec.nope%3D1")).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/namespaces/data")).Status);
    }
}
