using SakuraLb.Functions.Ingest;
using SakuraLb.Reconcile.Status;

namespace SakuraLb.Functions.Tests.Scenarios;

/// <summary>
/// A resync a user requested (the Service's resync-requested-at annotation, forwarded as the snapshot's resync
/// request): reconciled now even when nothing else changed, answered once per distinct value in the status.
/// </summary>
public sealed class ResyncRequestScenarioTests
{
    private static async Task<StatusRecord> AnsweredAsync(TestApp app, string uid, string request) =>
        await Eventually.UntilAsync(
            () => app.Statuses.GetAsync(app.ClusterId, uid, default),
            s => s?.Status.Resync?.Request == request,
            $"the status to answer resync request {request}",
            TimeSpan.FromSeconds(90)) ?? throw new InvalidOperationException("unreachable");

    private static EventsAccepted Accepted((int Status, string Body) answer)
    {
        Assert.Equal(202, answer.Status);
        return System.Text.Json.JsonSerializer.Deserialize<EventsAccepted>(answer.Body, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
    }

    [Theory]
    [BothEngines]
    public async Task ResyncRequest_OnAnUnchangedService_IsReconciledAndAnsweredOnce_ARepeatCostsNothing(DurableEngineKind engine)
    {
        await using var app = await TestApp.StartAsync(engine: engine);
        var service = Snapshots.Service(Snapshots.NewUid(), "web", [80]);
        await app.PostEventsAsync([service], Snapshots.DefaultNodes());
        Assert.Null((await app.WaitSettledAsync(service.Uid)).Status.Resync);
        await app.Sim.ClearRequestsAsync();

        var requested = service with { ResourceVersion = "101", ResyncRequest = "2026-12-02T07:00:00Z" };
        Assert.Equal(["svc-" + service.Uid], Accepted(await app.PostEventsAsync([requested])).Reconciling);
        var answered = await AnsweredAsync(app, service.Uid, "2026-12-02T07:00:00Z");

        Assert.Equal(ResyncChanges.None, answered.Status.Resync!.Changes);
        Assert.InRange(answered.Status.Resync.Seconds, 0, 90);
        var requests = await app.Sim.RequestsAsync();
        Assert.NotEmpty(requests);
        Assert.DoesNotContain(requests, r => r.IsWrite);
        Assert.Equal(answered.Status.Resync, (await app.StatusFeedAsync()).Services.Single(s => s.Uid == service.Uid).Resync);

        await app.WaitSettledAsync(service.Uid);
        await app.Sim.ClearRequestsAsync();
        Assert.Empty(Accepted(await app.PostEventsAsync([requested])).Reconciling);
        Assert.Empty(await app.Sim.RequestsAsync());
    }

    [Theory]
    [BothEngines]
    public async Task ResyncRequest_StoredButUnanswered_IsStartedByTheResendOfTheSameSnapshot(DurableEngineKind engine)
    {
        await using var app = await TestApp.StartAsync(engine: engine);
        var service = Snapshots.Service(Snapshots.NewUid(), "web", [80]);
        await app.PostEventsAsync([service], Snapshots.DefaultNodes());
        var settled = await app.WaitSettledAsync(service.Uid);

        // The request reached the store, but its reconcile never ran (the start failed, or the answer was lost).
        var requested = service with { ResourceVersion = "102", ResyncRequest = "r2" };
        await app.Desired.PutAsync(app.ClusterId, [requested], DateTimeOffset.UtcNow, default);
        await app.Statuses.TryPutAsync(settled with { DesiredSeq = long.MaxValue }, settled.Version, default);

        Assert.Equal(["svc-" + service.Uid], Accepted(await app.PostEventsAsync([requested])).Reconciling);
        Assert.Equal(ResyncChanges.None, (await AnsweredAsync(app, service.Uid, "r2")).Status.Resync!.Changes);
    }

    [Fact]
    public void Changes_NameWhatRanInOrderEachOnce_WaitsAndReportsAreNoChange()
    {
        Assert.Equal(ResyncChanges.None, ResyncChanges.Describe([]));
        Assert.Equal(ResyncChanges.None, ResyncChanges.Describe([new Reconcile.Planning.WaitUntilUp(1, "n"), new Reconcile.Planning.Report(ServicePhase.Provisioning, "r", "m")]));
        Assert.Equal(
            "updated VIPs and real servers; applied configuration",
            ResyncChanges.Describe([new Reconcile.Planning.UpdateSettings(1, [], null), new Reconcile.Planning.ApplyConfig(1), new Reconcile.Planning.UpdateSettings(1, [], "h")]));
    }
}
