using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SakuraLb.Functions.Telemetry;

/// <summary>
/// The app's OpenTelemetry instruments (meter <see cref="MeterName"/>): reconciles by outcome, Sakura requests
/// by operation and status, time from first sight of a Service to Ready, orphans by action (and passes over the deletion cap),
/// reconcile starts by result, teardown deletions by action.
/// </summary>
public sealed class SakuraLbMetrics
{
    public const string MeterName = "SakuraLb.Functions";

    private readonly Counter<long> reconciles;
    private readonly Counter<long> sakuraRequests;
    private readonly Histogram<double> timeToReady;
    private readonly Counter<long> orphans;
    private readonly Counter<long> ingested;
    private readonly Counter<long> starts;
    private readonly Counter<long> cappedOrphanPasses;
    private readonly Counter<long> teardown;

    public SakuraLbMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        reconciles = meter.CreateCounter<long>("sakuralb.reconciles", "{reconcile}", "Reconcile passes by outcome.");
        sakuraRequests = meter.CreateCounter<long>("sakuralb.sakura.requests", "{request}", "Sakura API requests (every attempt) by operation and status.");
        timeToReady = meter.CreateHistogram<double>("sakuralb.service.time_to_ready", "s", "Time from the first sight of a Service to its first Ready status.");
        orphans = meter.CreateCounter<long>("sakuralb.orphans", "{loadbalancer}", "Orphaned load balancers by action (seen, deleted, reported, withheld) and load balancers not ours to collect (unowned, other-owner).");
        ingested = meter.CreateCounter<long>("sakuralb.ingest.snapshots", "{snapshot}", "Service snapshots received by result (stored, stale).");
        starts = meter.CreateCounter<long>("sakuralb.reconcile.starts", "{start}", "Reconcile starts by result (started, running, restarted, missed).");
        cappedOrphanPasses = meter.CreateCounter<long>("sakuralb.orphans.capped", "{pass}", "Orphan passes that deleted nothing because more orphans were due than the deletion cap allows.");
        teardown = meter.CreateCounter<long>("sakuralb.teardown", "{loadbalancer}", "Load balancers of a teardown by action (would-delete, deleted, failed, skipped).");
    }

    public void ReconcileFinished(string outcome) =>
        reconciles.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void SakuraRequest(string operation, string status) =>
        sakuraRequests.Add(1, new TagList { { "operation", operation }, { "status", status } });

    public void ServiceReady(TimeSpan sinceFirstSeen) =>
        timeToReady.Record(Math.Max(0, sinceFirstSeen.TotalSeconds));

    public void ReconcileStart(string result) =>
        starts.Add(1, new KeyValuePair<string, object?>("result", result));

    public void Orphan(string action, int count = 1) =>
        orphans.Add(count, new KeyValuePair<string, object?>("action", action));

    public void OrphanPassCapped() => cappedOrphanPasses.Add(1);

    public void Teardown(string action, int count = 1)
    {
        if (count > 0)
        {
            teardown.Add(count, new KeyValuePair<string, object?>("action", action));
        }
    }

    public void Snapshots(string result, int count)
    {
        if (count > 0)
        {
            ingested.Add(count, new KeyValuePair<string, object?>("result", result));
        }
    }
}
