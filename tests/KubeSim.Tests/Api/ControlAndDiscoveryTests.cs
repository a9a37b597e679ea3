namespace KubeSim.Tests.Api;

public sealed class ControlAndDiscoveryTests
{
    [Fact]
    public async Task Discovery_ListsServedResourcesAndSubresources()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);

        var core = (await api.GetAsync("/api/v1")).Object;
        var groups = (await api.GetAsync("/apis")).Object;
        var coordination = (await api.GetAsync("/apis/coordination.k8s.io/v1")).Object;
        var version = (await api.GetAsync("/version")).Object;

        var coreNames = core["resources"]!.AsArray().Select(r => r.Str("name")).ToList();
        Assert.Contains("services", coreNames);
        Assert.Contains("services/status", coreNames);
        Assert.Contains("nodes/status", coreNames);
        Assert.Contains("events", coreNames);
        Assert.Equal("[\"svc\"]", core["resources"]!.AsArray().First(r => r.Str("name") == "services").Str("shortNames"));
        Assert.Equal(["apps", "events.k8s.io", "coordination.k8s.io", "discovery.k8s.io"], groups["groups"]!.AsArray().Select(g => g.Str("name")));
        Assert.Equal("leases", coordination.Str("resources.0.name"));
        Assert.Equal("1", version.Str("major"));
        Assert.Equal("32", version.Str("minor"));
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/openapi/v2")).Status);
        Assert.Contains("api/v1", (await api.GetAsync("/openapi/v3")).Object["paths"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Get_WithTableAccept_ReturnsTableWithExternalIp()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await api.CreateServiceAsync("web");
        await api.PatchAsync("/api/v1/namespaces/default/services/web/status", """{"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.4"}]}}}""", "application/merge-patch+json");

        var r = await api.GetAsync("/api/v1/namespaces/default/services", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json");

        Assert.Contains("as=Table", r.ContentType, StringComparison.Ordinal);
        Assert.Equal("meta.k8s.io/v1", r.Object.Str("apiVersion"));
        Assert.Equal("203.0.113.4", r.Object.Str("rows.0.cells.3"));
    }

    [Fact]
    public async Task Get_AggregatedDiscoveryOnlyAccept_FallsBackToLegacyJson()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);

        var r = await api.GetAsync("/apis", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json");

        Assert.Equal("application/json", r.ContentType);
        Assert.Equal("APIGroupList", r.Object.Str("kind"));
    }

    [Fact]
    public async Task FailNextRequests_AnswersInjectedStatusThenServesNormally()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await api.CreateServiceAsync("web");
        sim.FailNextRequests("PATCH", "/api/v1/namespaces/*/services/*/status", 503, count: 2);

        var first = await api.PatchAsync("/api/v1/namespaces/default/services/web/status", """{"status":{}}""", "application/merge-patch+json");
        var second = await api.PatchAsync("/api/v1/namespaces/default/services/web/status", """{"status":{}}""", "application/merge-patch+json");
        var other = await api.GetAsync("/api/v1/namespaces/default/services/web");
        var third = await api.PatchAsync("/api/v1/namespaces/default/services/web/status", """{"status":{}}""", "application/merge-patch+json");

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "ServiceUnavailable"), (first.Status, first.Object.Str("reason")));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.Status);
        Assert.Equal(HttpStatusCode.OK, other.Status);
        Assert.Equal(HttpStatusCode.OK, third.Status);
    }

    [Fact]
    public async Task InjectFault_ByVerbAndResource_WithRetryAfter()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        sim.InjectFault(new KubeFault { Verb = "list", Resource = "nodes", StatusCode = 429, RetryAfterSeconds = 3 });

        using var response = await api.Http.GetAsync("api/v1/nodes");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("3", response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/nodes")).Status);
    }

    [Fact]
    public async Task RequestLog_RecordsVerbResourceSubresourceAndNamespace()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await api.CreateServiceAsync("web");
        await api.GetAsync("/api/v1/services");
        await api.PatchAsync("/api/v1/namespaces/default/services/web/status", """{"status":{}}""", "application/merge-patch+json");
        await api.GetAsync("/_sim/requests");

        var log = sim.RequestLog;

        Assert.Equal(
            [("create", "services", "", "default"), ("list", "services", "", ""), ("patch", "services", "status", "default")],
            log.Select(r => (r.Verb, r.Resource, r.Subresource, r.Namespace)));
        Assert.Equal("application/merge-patch+json", log[2].ContentType);
        Assert.Equal(200, log[2].StatusCode);
        Assert.Equal(201, log[0].StatusCode);
    }

    [Fact]
    public async Task ControlEndpoints_OverHttp_CompactFaultsLogAndSettings()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        var old = (await api.CreateServiceAsync("web")).Str("metadata.resourceVersion");
        await api.CreateServiceAsync("db");

        var compact = await api.PostAsync("/_sim/compact", "{}");
        var settings = await api.PutAsync("/_sim/settings", """{"tooOldWatchResponse":"HttpGone"}""");
        var gone = await api.GetAsync($"/api/v1/services?watch=true&resourceVersion={old}");
        var fault = await api.PostAsync("/_sim/faults", """{"method":"GET","pathPattern":"/api/v1/nodes","statusCode":500}""");
        var faulted = await api.GetAsync("/api/v1/nodes");
        var requests = JsonNode.Parse((await api.GetAsync("/_sim/requests")).Body)!.AsArray();
        var badFault = await api.PostAsync("/_sim/faults", """{"statusCode":200}""");

        Assert.Equal(sim.Objects.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), compact.Object.Str("resourceVersion"));
        Assert.Equal("HttpGone", settings.Object.Str("tooOldWatchResponse"));
        Assert.Equal(HttpStatusCode.Gone, gone.Status);
        Assert.Equal(HttpStatusCode.Created, fault.Status);
        Assert.Equal(HttpStatusCode.InternalServerError, faulted.Status);
        Assert.Equal("InternalError", faulted.Object.Str("reason"));
        Assert.Equal("watch", requests[2].Str("verb"));
        Assert.Equal(HttpStatusCode.BadRequest, badFault.Status);
    }

    [Fact]
    public async Task Objects_Helper_UsesApiSemanticsAndFeedsWatches()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await using var watch = await WatchStream.OpenAsync(api.Http, $"/api/v1/nodes?watch=true&resourceVersion={sim.Objects.ResourceVersion}");

        sim.Objects.CreateNode("n1", "10.0.0.5", new Dictionary<string, string> { ["node.kubernetes.io/exclude-from-external-load-balancers"] = "true" });
        sim.Objects.SetNodeReady("n1", ready: false);
        var svc = sim.Objects.CreateService("default", "web", "LoadBalancer", 80, 443);

        Assert.Equal("ADDED", (await watch.NextAsync())!.Value.Type);
        var notReady = await watch.NextAsync();
        Assert.Equal("MODIFIED", notReady!.Value.Type);
        Assert.Equal("False", notReady.Value.Object.Str("status.conditions.0.status"));
        Assert.Equal("p443", svc.Str("spec.ports.1.name"));
        Assert.NotEqual("", svc.Str("spec.ports.1.nodePort"));
        Assert.Throws<KubeApiException>(() => sim.Objects.CreateService("default", "web"));
        Assert.Null(sim.Objects.Get("services", "default", "nope"));
        Assert.Single(sim.Objects.List("nodes", labelSelector: "node.kubernetes.io/exclude-from-external-load-balancers=true"));
    }

    [Fact]
    public async Task Options_Invalid_AreRejectedAtStart()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => KubeApiSimulator.StartAsync(new KubeApiSimulatorOptions { WatchHistoryLimit = 0, Urls = "ftp://x" }));
        Assert.Contains("WatchHistoryLimit", e.Message, StringComparison.Ordinal);
        Assert.Contains("Urls", e.Message, StringComparison.Ordinal);
    }
}
