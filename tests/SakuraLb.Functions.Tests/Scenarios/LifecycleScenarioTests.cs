using SakuraLb.Functions.Tests.Infrastructure;
using SakuraLb.Model;

namespace SakuraLb.Functions.Tests.Scenarios;

/// <summary>Create, change and delete one Service end to end: events → durable reconcile → simulator → status.</summary>
public sealed class LifecycleScenarioTests
{
    [Fact]
    public async Task Create_TwoPortsThreeNodes_OneLbOneVipTwoEntriesThreeServersAndOnlyPlannedWrites()
    {
        await using var app = await TestApp.StartAsync();
        var uid = Snapshots.NewUid();

        var (code, _) = await app.PostEventsAsync([Snapshots.Service(uid, "web", [80, 443])], Snapshots.DefaultNodes());
        var status = await app.WaitSettledAsync(uid);

        Assert.Equal(202, code);
        Assert.Equal(ServicePhase.Ready, status.Status.Phase);
        var lb = Assert.Single(await app.Sim.LoadBalancersAsync());
        Assert.Equal("up", lb.Phase);
        var vip = Assert.Single(lb.Vips);
        Assert.Equal([vip], status.Status.IngressIps);
        Assert.Equal(2, lb.StoredSettings.Count);
        Assert.All(lb.StoredSettings, v => Assert.Equal(3, v!["Servers"]!.AsArray().Count));
        Assert.NotNull(lb.AppliedSettings);
        var writes = (await app.Sim.RequestsAsync()).Where(r => r.IsWrite).ToList();
        Assert.Equal(["POST /appliance", $"PUT /appliance/{lb.Id}/config"], writes.Select(w => $"{w.Method} {w.Path}"));
    }
}
