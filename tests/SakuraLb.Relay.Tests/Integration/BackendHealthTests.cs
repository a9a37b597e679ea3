using System.Text.Json.Nodes;

namespace SakuraLb.Relay.Tests.Integration;

/// <summary>Backend health in the status feed turns into the BackendsHealthy condition, Events and the backend metrics.</summary>
public sealed class BackendHealthTests
{
    private static BackendHealth Health(DateTimeOffset at, bool worker02Up, params HealthEvent[] events) => new()
    {
        CheckedAt = at,
        Servers =
        [
            new RealServerState("203.0.113.100", 80, "worker01", true, true, at, 4, 9),
            new RealServerState("203.0.113.101", 80, "worker02", worker02Up, true, at, 0, 0),
        ],
        Ports = [new PortLoad(80, 4, 9)],
        Events = events,
        Condition = worker02Up
            ? new StatusCondition("BackendsHealthy", "True", "AllRealServersUp", "2/2 real servers up on port 80")
            : new StatusCondition("BackendsHealthy", "False", "RealServersDown", "1/2 real servers up on port 80 (down: worker02)"),
    };

    private static JsonObject? Condition(JsonObject service) =>
        (service["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().SingleOrDefault(c => c["type"]?.GetValue<string>() == "BackendsHealthy");

    private static string[] Reasons(RelayTestBed bed, string name) =>
        [.. bed.Objects.List("events.events.k8s.io", "default")
            .Where(e => e["regarding"]?["name"]?.GetValue<string>() == name)
            .Select(e => e["reason"]!.GetValue<string>())];

    /// <summary>The value of the one sample of <paramref name="metric"/> carrying every label given, or null.</summary>
    private static string? Sample(string exposition, string metric, params string[] labels) =>
        exposition.Split('\n')
            .Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal) && labels.All(label => l.Contains(label, StringComparison.Ordinal)))
            .Select(l => l[(l.LastIndexOf(' ') + 1)..])
            .SingleOrDefault();

    [Fact]
    public async Task HealthInTheFeed_WritesTheConditionRecordsEachTransitionOnce_AndExportsTheMetrics()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        var uid = bed.CreateService("web");
        await Eventually.UntilAsync(() => bed.Function.Latest(uid) is not null, "the Service reached the function");
        var ready = RelayTestBed.Status(uid, "web", ServicePhase.Ready, "Ready", "up", ips: "203.0.113.101");
        var t0 = DateTimeOffset.UtcNow;

        bed.Function.SetStatus(ready with { Backends = Health(t0, worker02Up: true) });
        await Eventually.UntilAsync(() => Condition(bed.Service("web"))?["status"]?.GetValue<string>() == "True", "the True condition was written");

        var down = new HealthEvent("RealServerDown/203.0.113.101/80/1", "Warning", "RealServerDown", "Real server worker02 (203.0.113.101) is DOWN on port 80", t0.AddMinutes(1));
        bed.Function.SetStatus(ready with { Backends = Health(t0.AddMinutes(1), worker02Up: false, down) });
        await Eventually.UntilAsync(() => Reasons(bed, "web").Contains("RealServerDown"), "the RealServerDown event was recorded");
        var condition = await Eventually.UntilAsync(() => Task.FromResult(Condition(bed.Service("web"))), c => c?["status"]?.GetValue<string>() == "False", "the False condition was written");
        Assert.Equal("RealServersDown", condition!["reason"]!.GetValue<string>());
        Assert.Equal("1/2 real servers up on port 80 (down: worker02)", condition["message"]!.GetValue<string>());

        // The same transition in a later feed (new numbers, same event) is not recorded again.
        bed.Function.SetStatus(ready with { Backends = Health(t0.AddMinutes(2), worker02Up: false, down) with { Ports = [new PortLoad(80, 5, 11)] } });
        bed.Relay.Pipeline.RequestFullResync();
        await Eventually.UntilAsync(() => bed.Relay.Pipeline.LastFullResync is not null, "a full resync ran");
        Assert.Single(Reasons(bed, "web"), r => r == "RealServerDown");

        using var http = new HttpClient { BaseAddress = bed.Relay.BaseAddress };
        var metrics = await Eventually.UntilAsync(
            () => http.GetStringAsync(new Uri("metrics", UriKind.Relative)),
            m => Sample(m, "sakuralb_backend_active_connections", "port=\"80\"", "service=\"web\"") == "5",
            "the newest numbers in the metrics");
        Assert.Equal("0", Sample(metrics, "sakuralb_backend_up", "namespace=\"default\"", "service=\"web\"", "node=\"worker02\"", "port=\"80\""));
        Assert.Equal("1", Sample(metrics, "sakuralb_backend_up", "service=\"web\"", "node=\"worker01\""));
        Assert.Equal("11", Sample(metrics, "sakuralb_backend_connections_per_second", "namespace=\"default\"", "service=\"web\"", "port=\"80\""));
    }
}
