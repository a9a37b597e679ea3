using Microsoft.Extensions.Time.Testing;

namespace KubeSim.Tests.Api;

public sealed class WatchTests
{
    private const string Svc = "/api/v1/namespaces/default/services";

    [Fact]
    public async Task Watch_FromListResourceVersion_DeliversLaterChangesInOrder()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await api.CreateServiceAsync("before");
        var rv = (await api.GetAsync("/api/v1/services")).Object.Str("metadata.resourceVersion");
        await using var watch = await WatchStream.OpenAsync(api.Http, $"/api/v1/services?watch=true&resourceVersion={rv}");

        var created = await api.CreateServiceAsync("web");
        var patched = await api.PatchAsync(Svc + "/web/status", """{"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.9"}]}}}""", "application/merge-patch+json");
        var deleted = await api.DeleteAsync(Svc + "/web");

        var e1 = await watch.NextChangeAsync();
        var e2 = await watch.NextChangeAsync();
        var e3 = await watch.NextChangeAsync();
        Assert.Equal(("ADDED", created.Str("metadata.resourceVersion")), (e1.Type, e1.Object.Str("metadata.resourceVersion")));
        Assert.Equal(("MODIFIED", patched.Rv), (e2.Type, e2.Object.Str("metadata.resourceVersion")));
        Assert.Equal("203.0.113.9", e2.Object.Str("status.loadBalancer.ingress.0.ip"));
        Assert.Equal("DELETED", e3.Type);
        Assert.True(long.Parse(e3.Object.Str("metadata.resourceVersion"), System.Globalization.CultureInfo.InvariantCulture) > long.Parse(deleted.Rv, System.Globalization.CultureInfo.InvariantCulture) - 1);
        Assert.Equal("Service", e1.Object.Str("kind"));
    }

    [Fact]
    public async Task Watch_WithoutResourceVersion_StartsWithSyntheticAddedEvents()
    {
        await using var sim = await KubeApiSimulator.StartAsync(new KubeApiSimulatorOptions { SeedDefaultNodes = true });
        using var api = new ApiClient(sim.BaseAddress);

        await using var watch = await WatchStream.OpenAsync(api.Http, "/api/v1/nodes?watch=true&resourceVersion=0");

        var names = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var ev = await watch.NextChangeAsync();
            Assert.Equal("ADDED", ev.Type);
            names.Add(ev.Object.Str("metadata.name"));
        }

        Assert.Equal(["node-1", "node-2", "node-3"], names);
    }

    [Fact]
    public async Task Watch_Bookmarks_CarryOnlyTheResourceVersion()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var sim = await KubeApiSimulator.StartAsync(new KubeApiSimulatorOptions { TimeProvider = clock, BookmarkInterval = TimeSpan.FromSeconds(5) });
        using var api = new ApiClient(sim.BaseAddress);
        var rv = (await api.GetAsync("/api/v1/services")).Object.Str("metadata.resourceVersion");
        await using var watch = await WatchStream.OpenAsync(api.Http, $"/api/v1/services?watch=true&allowWatchBookmarks=true&resourceVersion={rv}");
        await sim.WaitForWatchesAsync("services");
        var created = await api.CreateServiceAsync("web");
        Assert.Equal("ADDED", (await watch.NextAsync())!.Value.Type);

        clock.Advance(TimeSpan.FromSeconds(5));
        var bookmark = await watch.NextAsync();

        Assert.Equal("BOOKMARK", bookmark!.Value.Type);
        Assert.Equal("""{"kind":"Service","apiVersion":"v1","metadata":{"resourceVersion":"RV"}}""".Replace("RV", created.Str("metadata.resourceVersion"), StringComparison.Ordinal),
            bookmark.Value.Object.ToJsonString());
    }

    [Fact]
    public async Task Watch_SendInitialEvents_EndsInitialStateWithAnnotatedBookmark()
    {
        await using var sim = await KubeApiSimulator.StartAsync(new KubeApiSimulatorOptions { SeedNodeNames = ["n1"] });
        using var api = new ApiClient(sim.BaseAddress);

        await using var watch = await WatchStream.OpenAsync(api.Http, "/api/v1/nodes?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan");

        Assert.Equal("ADDED", (await watch.NextAsync())!.Value.Type);
        var end = await watch.NextAsync();
        Assert.Equal("BOOKMARK", end!.Value.Type);
        Assert.Equal("true", end.Value.Object["metadata"]!["annotations"]!["k8s.io/initial-events-end"]!.GetValue<string>());
    }

    [Fact]
    public async Task Watch_FromCompactedResourceVersion_GetsInStreamGoneByDefault()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        var old = (await api.CreateServiceAsync("web")).Str("metadata.resourceVersion");
        await api.CreateServiceAsync("db");
        var compactedAt = sim.CompactHistory();

        await using var watch = await WatchStream.OpenAsync(api.Http, $"/api/v1/services?watch=true&resourceVersion={old}");
        var ev = await watch.NextAsync();

        Assert.Equal(200, watch.StatusCode);
        Assert.Equal("ERROR", ev!.Value.Type);
        Assert.Equal("410", ev.Value.Object.Str("code"));
        Assert.Equal("Expired", ev.Value.Object.Str("reason"));
        Assert.Equal($"too old resource version: {old} ({compactedAt})", ev.Value.Object.Str("message"));
        Assert.Null(await watch.NextAsync());
    }

    [Fact]
    public async Task Watch_FromCompactedResourceVersion_InHttpGoneMode_Returns410()
    {
        await using var sim = await KubeApiSimulator.StartAsync(new KubeApiSimulatorOptions { TooOldWatchResponse = WatchGoneMode.HttpGone });
        using var api = new ApiClient(sim.BaseAddress);
        var old = (await api.CreateServiceAsync("web")).Str("metadata.resourceVersion");
        await api.CreateServiceAsync("db");
        sim.CompactHistory();

        var r = await api.GetAsync($"/api/v1/services?watch=true&resourceVersion={old}");

        Assert.Equal(HttpStatusCode.Gone, r.Status);
        Assert.Equal("Expired", r.Object.Str("reason"));
    }

    [Fact]
    public async Task Watch_OlderThanHistoryLimit_IsGone_NewerResumes()
    {
        await using var sim = await KubeApiSimulator.StartAsync(new KubeApiSimulatorOptions { WatchHistoryLimit = 2 });
        using var api = new ApiClient(sim.BaseAddress);
        var rvs = new List<string>();
        foreach (var n in new[] { "a", "b", "c", "d" })
        {
            rvs.Add((await api.CreateServiceAsync(n)).Str("metadata.resourceVersion"));
        }

        await using var tooOld = await WatchStream.OpenAsync(api.Http, $"/api/v1/services?watch=true&resourceVersion={rvs[0]}");
        await using var recent = await WatchStream.OpenAsync(api.Http, $"/api/v1/services?watch=true&resourceVersion={rvs[1]}");

        Assert.Equal("ERROR", (await tooOld.NextAsync())!.Value.Type);
        Assert.Equal("c", (await recent.NextAsync())!.Value.Object.Str("metadata.name"));
        Assert.Equal("d", (await recent.NextAsync())!.Value.Object.Str("metadata.name"));
    }

    [Fact]
    public async Task ExpireOpenWatches_SendsInStream410AndEndsTheStream()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await using var watch = await WatchStream.OpenAsync(api.Http, $"/api/v1/services?watch=true&resourceVersion={sim.Objects.ResourceVersion}");
        await sim.WaitForWatchesAsync("services");

        Assert.Equal(1, sim.ExpireOpenWatches("services"));

        var ev = await watch.NextAsync();
        Assert.Equal("ERROR", ev!.Value.Type);
        Assert.Equal("410", ev.Value.Object.Str("code"));
        Assert.Null(await watch.NextAsync());
        Assert.Equal(0, sim.OpenWatchCount("services"));
    }

    [Fact]
    public async Task Watch_TimeoutSeconds_EndsTheStreamWhenTheClockPassesIt()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var sim = await KubeApiSimulator.StartAsync(new KubeApiSimulatorOptions { TimeProvider = clock });
        using var api = new ApiClient(sim.BaseAddress);
        await using var watch = await WatchStream.OpenAsync(api.Http, $"/api/v1/services?watch=true&timeoutSeconds=300&resourceVersion={sim.Objects.ResourceVersion}");
        await sim.WaitForWatchesAsync("services");

        clock.Advance(TimeSpan.FromSeconds(299));
        await api.CreateServiceAsync("web");
        Assert.Equal("ADDED", (await watch.NextAsync())!.Value.Type);
        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Null(await watch.NextAsync());
    }

    [Fact]
    public async Task Watch_LabelSelector_ObjectLeavingSelectorLooksDeleted()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await api.CreateServiceAsync("web", extra: ""","labels":{"tier":"front"}""");
        await using var watch = await WatchStream.OpenAsync(api.Http, "/api/v1/services?watch=true&labelSelector=tier%3Dfront");
        Assert.Equal("ADDED", (await watch.NextAsync())!.Value.Type);

        await api.PatchAsync(Svc + "/web", """{"metadata":{"labels":{"tier":"back"}}}""", "application/merge-patch+json");
        await api.CreateServiceAsync("other");
        await api.PatchAsync(Svc + "/web", """{"metadata":{"labels":{"tier":"front"}}}""", "application/merge-patch+json");

        Assert.Equal("DELETED", (await watch.NextAsync())!.Value.Type);
        var back = await watch.NextAsync();
        Assert.Equal(("ADDED", "web"), (back!.Value.Type, back.Value.Object.Str("metadata.name")));
    }

    [Fact]
    public async Task Watch_SingleObjectByFieldSelector_SeesOnlyThatObject()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await using var watch = await WatchStream.OpenAsync(api.Http, $"{Svc}?watch=true&fieldSelector=metadata.name%3Dweb&resourceVersion={sim.Objects.ResourceVersion}");

        await api.CreateServiceAsync("other");
        await api.CreateServiceAsync("web");

        Assert.Equal("web", (await watch.NextAsync())!.Value.Object.Str("metadata.name"));
    }

    [Fact]
    public async Task Watch_AsTable_SendsOneRowTablesForKubectl()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await using var watch = await WatchStream.OpenAsync(api.Http, $"{Svc}?watch=true&resourceVersion={sim.Objects.ResourceVersion}",
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");

        await api.CreateServiceAsync("web");
        var ev = await watch.NextAsync();

        Assert.Equal("Table", ev!.Value.Object.Str("kind"));
        Assert.Equal("web", ev.Value.Object.Str("rows.0.cells.0"));
        Assert.Equal("<pending>", ev.Value.Object.Str("rows.0.cells.3"));
    }
}
