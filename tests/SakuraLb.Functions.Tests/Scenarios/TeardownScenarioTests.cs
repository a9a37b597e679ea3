using System.Globalization;
using System.Text;
using SakuraLb.Functions.Triggers;
using SakuraLb.Reconcile.Desired;

namespace SakuraLb.Functions.Tests.Scenarios;

/// <summary>
/// <c>POST /api/teardown</c> and <c>GET /api/teardown/{operationId}</c>: a dry run lists, a confirmed run deletes only
/// this installation's load balancers (another installation's sharing the cluster id, and unowned ones, survive) and
/// forgets the cluster's Services so nothing is created again; a mismatched confirmation is a 400.
/// </summary>
public sealed class TeardownScenarioTests
{
    private static async Task<(int Status, string Body)> TeardownAsync(TestApp app, string json) =>
        TestApp.Read(await app.Get<TeardownFunction>().Run(
            SignedRequests.Create("POST", "/api/teardown", Encoding.UTF8.GetBytes(json), clusterId: app.ClusterId), app.Client, CancellationToken.None));

    private static async Task<(int Status, string Body)> ProgressAsync(TestApp app, string operationId) =>
        TestApp.Read(await app.Get<TeardownFunction>().Status(
            SignedRequests.Create("GET", "/api/teardown/" + operationId, [], clusterId: app.ClusterId), app.Client, CancellationToken.None));

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    [Theory]
    [BothEngines]
    public async Task Teardown_DryRunLists_ConfirmDeletesOnlyOurs_AndForgetsTheServices_OthersAndUnownedSurvive(DurableEngineKind engine)
    {
        await using var a = await TestApp.StartAsync(engine: engine);
        await using var b = await TestApp.StartAsync(new Dictionary<string, string?> { ["Controller:ClusterId"] = a.ClusterId }, engine: engine, sameCloudAs: a);
        var ours = await a.CreateServicesAsync("web", "api");
        var theirs = (await b.CreateServicesAsync("other")).Single();
        var gone = Snapshots.NewUid();
        var unowned = await a.Sim.PlantAsync(ResyncScenarioTests.Planted(LoadBalancerNaming.Name(gone), "203.0.113.110", [.. LoadBalancerNaming.Tags(a.ClusterId, "old", gone)]));
        var lbs = await a.Sim.LoadBalancersAsync();
        var ourIds = ours.Select(s => lbs.Single(l => l.Name == LoadBalancerNaming.Name(s.Uid)).Id).Order().ToList();
        var theirId = lbs.Single(l => l.Name == LoadBalancerNaming.Name(theirs.Uid)).Id;
        var ownerId = await a.OwnerIdAsync();

        // Dry run: 200, everything listed, nothing changed.
        var (dryStatus, dryBody) = await TeardownAsync(a, $$"""{"version":1,"clusterId":"{{a.ClusterId}}"}""");

        Assert.Equal(200, dryStatus);
        var raw = JsonNode.Parse(dryBody)!.AsObject();
        Assert.True(raw.ContainsKey("operationId") && raw["operationId"] is null, dryBody);
        var dry = ModelJson.Deserialize<TeardownReport>(dryBody)!;
        Assert.Equal((1, a.ClusterId, ownerId, true), (dry.Version, dry.ClusterId, dry.OwnerId, dry.DryRun));
        Assert.Equal(ourIds.Append(theirId).Append(unowned).Order(), dry.Items.Select(i => long.Parse(i.Id, CultureInfo.InvariantCulture)));
        Assert.All(dry.Items.Where(i => ourIds.Contains(long.Parse(i.Id, CultureInfo.InvariantCulture))), i =>
        {
            Assert.Equal((TeardownAction.WouldDelete, "LoadBalancer", null), (i.Action, i.Kind, i.Reason));
            Assert.StartsWith("default/", i.Service, StringComparison.Ordinal);
            Assert.NotEmpty(i.Addresses);
        });
        Assert.Contains("another installation", dry.Items.Single(i => i.Id == Id(theirId)).Reason, StringComparison.Ordinal);
        Assert.Contains("no owner tag", dry.Items.Single(i => i.Id == Id(unowned)).Reason, StringComparison.Ordinal);
        Assert.Equal((2, 0, 0, 0, 2), (dry.Summary.WouldDelete, dry.Summary.Deleting, dry.Summary.Deleted, dry.Summary.Failed, dry.Summary.Skipped));
        Assert.Equal(4, (await a.Sim.LoadBalancersAsync()).Count);

        // A confirmation that is not the cluster id: 400, nothing started.
        var (badStatus, badBody) = await TeardownAsync(a, $$"""{"version":1,"clusterId":"{{a.ClusterId}}","confirm":"{{a.ClusterId}}x"}""");

        Assert.Equal(400, badStatus);
        Assert.Equal("https://github.com/sakuralb/errors/invalid-request", (string)JsonNode.Parse(badBody)!["type"]!);
        Assert.Contains("confirm", badBody, StringComparison.Ordinal);

        // Confirmed: 202 with the operation id; the progress advances to Deleted.
        var (status, body) = await TeardownAsync(a, $$"""{"version":1,"clusterId":"{{a.ClusterId}}","confirm":"{{a.ClusterId}}"}""");

        Assert.Equal(202, status);
        var started = ModelJson.Deserialize<TeardownReport>(body)!;
        Assert.False(started.DryRun);
        Assert.StartsWith(TeardownOrchestrator.InstancePrefix, started.OperationId, StringComparison.Ordinal);
        Assert.Equal((0, 2, 2), (started.Summary.WouldDelete, started.Summary.Deleting, started.Summary.Skipped));
        var done = await Eventually.UntilAsync(
            async () =>
            {
                var (progressStatus, progressBody) = await ProgressAsync(a, started.OperationId!);
                Assert.Equal(200, progressStatus);
                return ModelJson.Deserialize<TeardownReport>(progressBody)!;
            },
            r => r.Summary.Deleting == 0,
            "the teardown to finish",
            TimeSpan.FromSeconds(90));

        Assert.Equal((2, 0, 2), (done.Summary.Deleted, done.Summary.Failed, done.Summary.Skipped));
        Assert.Equal(started.OperationId, done.OperationId);
        Assert.Equal([theirId, unowned], (await a.Sim.LoadBalancersAsync()).Select(l => l.Id).Order());
        Assert.Empty(await a.Desired.ListAsync(a.ClusterId, default));
        Assert.Empty(await a.Statuses.ListAsync(a.ClusterId, default));
        Assert.Empty(await a.Reservations.ListByOwnerAsync(ours[0].Uid, default));

        // The timer finds nothing to create again; B's Service is untouched.
        var after = await a.ResyncAsync();
        Assert.Empty(after.Started);
        Assert.Equal([theirId, unowned], (await a.Sim.LoadBalancersAsync()).Select(l => l.Id).Order());
        Assert.NotNull(await b.Desired.GetAsync(b.ClusterId, theirs.Uid, default));

        // An id that is no teardown: 404.
        Assert.Equal(404, (await ProgressAsync(a, TeardownOrchestrator.InstancePrefix + Guid.NewGuid().ToString("N"))).Status);
        Assert.Equal(404, (await ProgressAsync(a, "svc-" + ours[0].Uid)).Status);
    }

    [Fact]
    public async Task Teardown_Unsigned_Is401_AndDeletesNothing()
    {
        await using var app = await TestApp.StartAsync();
        await app.CreateServicesAsync("web");
        var json = Encoding.UTF8.GetBytes($$"""{"version":1,"clusterId":"{{app.ClusterId}}","confirm":"{{app.ClusterId}}"}""");

        var (status, _) = TestApp.Read(await app.Get<TeardownFunction>().Run(
            SignedRequests.Create("POST", "/api/teardown", json, secret: null, clusterId: app.ClusterId), app.Client, CancellationToken.None));

        Assert.Equal(401, status);
        Assert.Single(await app.Sim.LoadBalancersAsync());
        Assert.Single(await app.Desired.ListAsync(app.ClusterId, default));
    }
}
