using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using SakuraLb.Functions.Telemetry;

namespace SakuraLb.Functions.Tests.Scenarios;

/// <summary>The app's metrics during a real create.</summary>
public sealed class TelemetryScenarioTests
{
    [Theory]
    [BothEngines]
    public async Task Create_RecordsSakuraRequestsByOperationAndStatus_ReconcileOutcome_AndTimeToReady(DurableEngineKind engine)
    {
        await using var app = await TestApp.StartAsync(engine: engine);
        var meters = app.Get<IMeterFactory>();
        using var requests = new MetricCollector<long>(meters, SakuraLbMetrics.MeterName, "sakuralb.sakura.requests");
        using var reconciles = new MetricCollector<long>(meters, SakuraLbMetrics.MeterName, "sakuralb.reconciles");
        using var toReady = new MetricCollector<double>(meters, SakuraLbMetrics.MeterName, "sakuralb.service.time_to_ready");
        var uid = Snapshots.NewUid();

        await app.PostEventsAsync([Snapshots.Service(uid, "web", [80])], Snapshots.DefaultNodes());
        await app.WaitSettledAsync(uid);

        var logged = await app.Sim.RequestsAsync();
        var measured = requests.GetMeasurementSnapshot();
        Assert.Equal(logged.Count, measured.Sum(m => m.Value));
        Assert.Contains(measured, m => (string?)m.Tags["operation"] == "POST /appliance" && (string?)m.Tags["status"] == "201");
        Assert.Contains(measured, m => (string?)m.Tags["operation"] == "PUT /appliance/{id}/config" && (string?)m.Tags["status"] == "200");
        Assert.Contains(reconciles.GetMeasurementSnapshot(), m => (string?)m.Tags["outcome"] == "ready");
        var ready = Assert.Single(toReady.GetMeasurementSnapshot());
        Assert.InRange(ready.Value, 0, 60);
    }
}
