using System.Text;
using SakuraLb.Functions.Triggers;

namespace SakuraLb.Functions.Tests.Triggers;

public sealed class StatusFunctionTests
{
    private static async Task<(int Status, string Body, string? ETag)> GetAsync(FunctionHarness harness, Microsoft.AspNetCore.Http.HttpRequest request)
    {
        var (status, body) = TestApp.Read(await harness.Get<StatusFunction>().Run(request, harness.Client, CancellationToken.None));
        return (status, body, request.HttpContext.Response.Headers.ETag.FirstOrDefault());
    }

    [Fact]
    public async Task Status_Feed_HasETag_AndIfNoneMatchGives304UntilSomethingChanges()
    {
        using var harness = FunctionHarness.Create();
        var statuses = harness.Get<IStatusStore>();
        var record = new StatusRecord
        {
            ClusterId = FunctionHarness.ClusterId,
            Status = new ServiceStatus { Uid = "u1", Namespace = "default", Name = "web", Phase = ServicePhase.Provisioning, ReasonCode = "Provisioning" },
        };
        await statuses.PutAsync(record, default);

        var (status, body, etag) = await GetAsync(harness, SignedRequests.Status());
        var (again, againBody, _) = await GetAsync(harness, SignedRequests.Status(ifNoneMatch: etag));
        await statuses.PutAsync(record with { Status = record.Status with { Phase = ServicePhase.Ready, IngressIps = ["203.0.113.104"] } }, default);
        var (changed, changedBody, newEtag) = await GetAsync(harness, SignedRequests.Status(ifNoneMatch: etag));

        Assert.Equal(200, status);
        var feed = ModelJson.Deserialize<StatusFeed>(body)!;
        Assert.Equal(etag, feed.ETag);
        Assert.Equal(FunctionHarness.ClusterId, feed.ClusterId);
        Assert.Equal(ServicePhase.Provisioning, Assert.Single(feed.Services).Phase);
        Assert.Equal((304, ""), (again, againBody));
        Assert.Equal(200, changed);
        Assert.NotEqual(etag, newEtag);
        Assert.Equal(["203.0.113.104"], Assert.Single(ModelJson.Deserialize<StatusFeed>(changedBody)!.Services).IngressIps);
    }

    [Fact]
    public async Task Status_CarriesTheNodeResults_AndTheirChangesMoveTheETag()
    {
        using var harness = FunctionHarness.Create();
        var store = harness.Get<INodeResultStore>();
        var result = new NodeResult { Name = "w1", Uid = "u1", ReasonCode = "ServerNotFound", Message = "no server" };
        await store.PutAsync(new NodeResultsRecord(FunctionHarness.ClusterId, [result], [], DateTimeOffset.UtcNow), default);

        var (_, body, etag) = await GetAsync(harness, SignedRequests.Status());
        await store.PutAsync(new NodeResultsRecord(FunctionHarness.ClusterId, [result with { ReasonCode = "NodeInitialized" }], [], DateTimeOffset.UtcNow), default);
        var (changed, _, newEtag) = await GetAsync(harness, SignedRequests.Status(ifNoneMatch: etag));

        Assert.Equal("ServerNotFound", Assert.Single(ModelJson.Deserialize<StatusFeed>(body)!.Nodes!).ReasonCode);
        Assert.Equal(200, changed);
        Assert.NotEqual(etag, newEtag);
    }

    [Fact]
    public async Task Status_NodeControllerOff_FeedHasNoNodePart()
    {
        using var harness = FunctionHarness.Create(new Dictionary<string, string?>
        {
            ["Nodes:Initialize"] = "false",
            ["Nodes:ShutdownTaint"] = "false",
            ["Nodes:DeleteVanished"] = "false",
        });

        var (status, body, _) = await GetAsync(harness, SignedRequests.Status());

        Assert.Equal(200, status);
        Assert.Null(ModelJson.Deserialize<StatusFeed>(body)!.Nodes);
        Assert.DoesNotContain("\"nodes\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_Unsigned_Is401()
    {
        using var harness = FunctionHarness.Create();

        var (status, body, _) = await GetAsync(harness, SignedRequests.Status(secret: null));

        Assert.Equal(401, status);
        Assert.Equal("https://github.com/sakuralb/errors/unauthorized", (string)JsonNode.Parse(body)!["type"]!);
    }
}

public sealed class ResyncFunctionTests
{
    private static async Task<(int Status, JsonObject? Body)> PostAsync(FunctionHarness harness, string json, string? secret = SignedRequests.Secret)
    {
        var (status, body) = TestApp.Read(await harness.Get<ResyncFunction>().Run(SignedRequests.Resync(Encoding.UTF8.GetBytes(json), secret), harness.Client, CancellationToken.None));
        return (status, string.IsNullOrEmpty(body) ? null : JsonNode.Parse(body)!.AsObject());
    }

    [Fact]
    public async Task Resync_OneKnownService_StartsItsReconcile()
    {
        using var harness = FunctionHarness.Create();
        var service = Snapshots.Service(Snapshots.NewUid(), "web", [80], ns: "shop");
        await harness.Get<IDesiredStore>().PutAsync(FunctionHarness.ClusterId, [service], DateTimeOffset.UtcNow, default);

        var (status, body) = await PostAsync(harness, """{"version":1,"clusterId":"c-test","namespace":"shop","name":"web"}""");

        Assert.Equal(202, status);
        Assert.Equal(["svc-" + service.Uid], body!["startedInstanceIds"]!.AsArray().Select(n => (string)n!));
        Assert.Equal("svc-" + service.Uid, Assert.Single(harness.Starts()).InstanceId);
    }

    [Fact]
    public async Task Resync_ServiceDeletedAndCreatedAgainUnderItsName_StartsBothUids()
    {
        using var harness = FunctionHarness.Create();
        var old = Snapshots.Service(Snapshots.NewUid(), "web", [80], "3", ns: "shop");
        var again = Snapshots.Service(Snapshots.NewUid(), "web", [80], "9", ns: "shop");
        var other = Snapshots.Service(Snapshots.NewUid(), "api", [80], "5", ns: "shop");
        await harness.Get<IDesiredStore>().PutAsync(FunctionHarness.ClusterId, [Snapshots.Tombstone(old), again, other], DateTimeOffset.UtcNow, default);

        var (status, body) = await PostAsync(harness, """{"version":1,"clusterId":"c-test","namespace":"shop","name":"web"}""");

        Assert.Equal(202, status);
        string[] expected = [.. new[] { "svc-" + old.Uid, "svc-" + again.Uid }.Order(StringComparer.Ordinal)];
        Assert.Equal(expected, body!["startedInstanceIds"]!.AsArray().Select(n => (string)n!).Order(StringComparer.Ordinal));
        Assert.Equal(expected, harness.Starts().Select(s => s.InstanceId!).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("""{"version":1,"clusterId":"c-test","namespace":"shop","name":"nope"}""", 404, "not-found")]
    [InlineData("""{"version":1,"clusterId":"c-test","name":"web"}""", 400, "invalid-request")]
    [InlineData("""{"version":3,"clusterId":"c-test"}""", 400, "invalid-request")]
    [InlineData("""{"version":1,"clusterId":"other"}""", 403, "wrong-cluster")]
    [InlineData("""{"version":1,""", 400, "invalid-json")]
    public async Task Resync_BadRequests_AreTheRight4xx(string json, int expected, string type)
    {
        using var harness = FunctionHarness.Create();

        var (status, body) = await PostAsync(harness, json);

        Assert.Equal(expected, status);
        Assert.Equal("https://github.com/sakuralb/errors/" + type, (string)body!["type"]!);
        Assert.Empty(harness.Starts());
    }

    [Fact]
    public async Task Resync_Unsigned_Is401()
    {
        using var harness = FunctionHarness.Create();

        var (status, _) = await PostAsync(harness, """{"version":1,"clusterId":"c-test"}""", secret: null);

        Assert.Equal(401, status);
        Assert.Empty(harness.Starts());
    }
}
