namespace KubeSim.Tests.Api;

public sealed class MoreVerbsTests
{
    private const string Svc = "/api/v1/namespaces/default/services";

    [Fact]
    public async Task DeleteCollection_BySelector_DeletesOnlyMatches()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await api.CreateServiceAsync("a", extra: ""","labels":{"x":"1"}""");
        await api.CreateServiceAsync("b", extra: ""","labels":{"x":"1"}""");
        await api.CreateServiceAsync("c");

        var r = await api.DeleteAsync(Svc + "?labelSelector=x%3D1");

        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal(2, r.Object["items"]!.AsArray().Count);
        Assert.Equal(["c"], sim.Objects.List("services").Select(s => s.Str("metadata.name")));
        Assert.Equal("deletecollection", sim.RequestLog[^1].Verb);
    }

    [Fact]
    public async Task WatchOnItemPath_WatchesThatObjectOnly()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await using var watch = await WatchStream.OpenAsync(api.Http, $"{Svc}/web?watch=true&resourceVersion={sim.Objects.ResourceVersion}");

        await api.CreateServiceAsync("other");
        await api.CreateServiceAsync("web");

        Assert.Equal("web", (await watch.NextAsync())!.Value.Object.Str("metadata.name"));
        Assert.Equal(("watch", "web"), (sim.RequestLog[0].Verb, sim.RequestLog[0].Name));
    }

    [Fact]
    public async Task DryRun_ValidatesButDoesNotStore()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        var rv = sim.Objects.ResourceVersion;

        var created = await api.PostAsync(Svc + "?dryRun=All", """{"metadata":{"name":"web"},"spec":{"ports":[{"port":80}]}}""");
        var invalid = await api.PostAsync(Svc + "?dryRun=All", """{"metadata":{"name":"web"},"spec":{}}""");

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync(Svc + "/web")).Status);
        Assert.Equal(rv, sim.Objects.ResourceVersion);
    }

    [Theory]
    [InlineData("application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io", "", "PartialObjectMetadataList")]
    [InlineData("application/json;as=Table;v=v1;g=meta.k8s.io", "?includeObject=None", "Table")]
    [InlineData("application/json;as=Table;v=v1beta1;g=meta.k8s.io", "?includeObject=Object", "Table")]
    public async Task List_AlternativeShapes_AreServed(string accept, string query, string kind)
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await api.CreateServiceAsync("web");

        var r = (await api.GetAsync(Svc + query, accept)).Object;

        Assert.Equal(kind, r.Str("kind"));
        if (kind == "PartialObjectMetadataList")
        {
            Assert.Equal("web", r.Str("items.0.metadata.name"));
            Assert.Equal("", r.Str("items.0.spec"));
        }
        else
        {
            Assert.Equal(query.Contains("None", StringComparison.Ordinal) ? "" : "Service", r.Str("rows.0.object.kind"));
        }
    }

    [Fact]
    public async Task Accept_OnlyProtobuf_Returns406()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);

        var r = await api.GetAsync(Svc, "application/vnd.kubernetes.protobuf");

        Assert.Equal(HttpStatusCode.NotAcceptable, r.Status);
    }
}
