using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SakuraLb.Functions.Telemetry;

/// <summary>
/// The app's OpenTelemetry instruments (meter <see cref="MeterName"/>): reconciles by outcome, Sakura requests
/// by operation and status, time from first sight of a Service to Ready, orphans by action, reconcile starts by result.
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

    public SakuraLbMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        reconciles = meter.CreateCounter<long>("sakuralb.reconciles", "{reconcile}", "Reconcile passes by outcome.");
        sakuraRequests = meter.CreateCounter<long>("sakuralb.sakura.requests", "{request}", "Sakura API requests (every attempt) by operation and status.");
        timeToReady = meter.CreateHistogram<double>("sakuralb.service.time_to_ready", "s", "Time from the first sight of a Service to its first Ready status.");
        orphans = meter.CreateCounter<long>("sakuralb.orphans", "{loadbalancer}", "Orphaned load balancers by action (seen, deleted, reported).");
        ingested = meter.CreateCounter<long>("sakuralb.ingest.snapshots", "{snapshot}", "Service snapshots received by result (stored, stale).");
        starts = meter.CreateCounter<long>("sakuralb.reconcile.starts", "{start}", "Reconcile starts by result (started, running, restarted, missed).");
    }

    public void ReconcileFinished(string outcome) =>
        reconciles.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void SakuraRequest(string operation, string status) =>
        sakuraRequests.Add(1, new TagList { { "operation", operation }, { "status", status } });

    public void ServiceReady(TimeSpan sinceFirstSeen) =>
        timeToReady.Record(Math.Max(0, sinceFirstSeen.TotalSeconds));

    public void ReconcileStart(string result) =>
        starts.Add(1, new KeyValuePair<string, object?>("result", result));

    public void Orphan(string action) =>
        orphans.Add(1, new KeyValuePair<string, object?>("action", action));

    public void Snapshots(string result, int count)
    {
        if (count > 0)
        {
            ingested.Add(count, new KeyValuePair<string, object?>("result", result));
        }
    }
}
