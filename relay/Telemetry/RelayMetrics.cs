using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace SakuraLb.Relay.Telemetry;

/// <summary>
/// The relay's metrics (meter <see cref="MeterName"/>, exported at /metrics by the Prometheus exporter).
/// Every count is also kept in-process (<see cref="Count"/>) for /readyz and for tests.
/// </summary>
public sealed class RelayMetrics : IDisposable
{
    public const string MeterName = "SakuraLb.Relay";

    private readonly Meter meter;
    private readonly ConcurrentDictionary<string, long> counts = new(StringComparer.Ordinal);
    private readonly Counter<long> watchEvents;
    private readonly Counter<long> irrelevant;
    private readonly Counter<long> forwarded;
    private readonly Counter<long> deliveryRequests;
    private readonly Counter<long> deliveryFailures;
    private readonly Counter<long> dropped;
    private readonly Counter<long> kubeWrites;
    private readonly Counter<long> statusPolls;
    private readonly Counter<long> relists;
    private readonly Counter<long> watchErrors;
    private readonly Histogram<int> batchServices;

    public RelayMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        meter = meterFactory.Create(MeterName);
        watchEvents = meter.CreateCounter<long>("sakuralb.relay.watch.events", "{event}", "Watch events seen (added, modified, deleted; bookmarks excluded).");
        irrelevant = meter.CreateCounter<long>("sakuralb.relay.changes.irrelevant", "{event}", "Events dropped: nothing the controller uses changed (unchanged), or not a Service this controller handles (out_of_scope).");
        forwarded = meter.CreateCounter<long>("sakuralb.relay.snapshots.forwarded", "{snapshot}", "Snapshots the function app accepted (services, tombstones, node sets).");
        deliveryRequests = meter.CreateCounter<long>("sakuralb.relay.delivery.requests", "{request}", "Requests sent to the function app, by outcome.");
        deliveryFailures = meter.CreateCounter<long>("sakuralb.relay.delivery.failures", "{request}", "Failed deliveries, by reason (unreachable, server_error, unauthorized, ...).");
        dropped = meter.CreateCounter<long>("sakuralb.relay.snapshots.dropped", "{snapshot}", "Snapshots not delivered, by reason (overflow: resent by a full resync; rejected: the function refused it).");
        kubeWrites = meter.CreateCounter<long>("sakuralb.relay.kube.writes", "{request}", "Writes to the Kubernetes API (finalizer, ingress status, events), by action and outcome.");
        statusPolls = meter.CreateCounter<long>("sakuralb.relay.status.polls", "{request}", "Status-feed polls, by outcome (changed, unchanged, failed).");
        relists = meter.CreateCounter<long>("sakuralb.relay.watch.relists", "{list}", "Full lists, by kind and reason (start, gone).");
        watchErrors = meter.CreateCounter<long>("sakuralb.relay.watch.errors", "{error}", "List/watch failures and bad objects, by kind.");
        batchServices = meter.CreateHistogram<int>("sakuralb.relay.batch.services", "{snapshot}", "Service snapshots per request sent.");
    }

    public Meter Meter => meter;

    public void WatchEvent(string kind, string type) => Add(watchEvents, "watch_events", 1, ("kind", kind), ("type", type));

    public void Irrelevant(string kind, string reason) => Add(irrelevant, "irrelevant", 1, ("kind", kind), ("reason", reason));

    public void Forwarded(string kind, int count) => Add(forwarded, "forwarded", count, ("kind", kind));

    public void DeliveryRequest(string outcome) => Add(deliveryRequests, "delivery_requests", 1, ("outcome", outcome));

    public void DeliveryFailure(string reason) => Add(deliveryFailures, "delivery_failures", 1, ("reason", reason));

    public void Dropped(string reason, int count = 1) => Add(dropped, "dropped", count, ("reason", reason));

    public void KubeWrite(string action, string outcome) => Add(kubeWrites, "kube_writes", 1, ("action", action), ("outcome", outcome));

    public void StatusPoll(string outcome) => Add(statusPolls, "status_polls", 1, ("outcome", outcome));

    public void Relist(string kind, string reason) => Add(relists, "relists", 1, ("kind", kind), ("reason", reason));

    public void WatchError(string kind) => Add(watchErrors, "watch_errors", 1, ("kind", kind));

    public void BatchSize(int services)
    {
        batchServices.Record(services);
        counts.AddOrUpdate("batches", 1, (_, v) => v + 1);
    }

    /// <summary>Registers the gauges; called once by the host with its live state.</summary>
    public void ObserveGauges(Func<int> outboxPending, Func<int> cachedServices, Func<int> cachedNodes, Func<bool> isLeader)
    {
        ArgumentNullException.ThrowIfNull(outboxPending);
        ArgumentNullException.ThrowIfNull(cachedServices);
        ArgumentNullException.ThrowIfNull(cachedNodes);
        ArgumentNullException.ThrowIfNull(isLeader);
        meter.CreateObservableGauge("sakuralb.relay.outbox.pending", outboxPending, "{snapshot}", "Service snapshots waiting for delivery.");
        meter.CreateObservableGauge("sakuralb.relay.cache.services", cachedServices, "{service}", "In-scope Services tracked.");
        meter.CreateObservableGauge("sakuralb.relay.cache.nodes", cachedNodes, "{node}", "Nodes tracked.");
        meter.CreateObservableGauge("sakuralb.relay.leader", () => isLeader() ? 1 : 0, "{replica}", "1 while this replica is the leader.");
    }

    /// <summary>
    /// Registers the backend gauges (<c>sakuralb_backend_up</c>, <c>sakuralb_backend_active_connections</c>,
    /// <c>sakuralb_backend_connections_per_second</c>) over the statuses of the feed; called once by the host.
    /// </summary>
    public void ObserveBackends(Func<IEnumerable<Model.ServiceStatus>> statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        meter.CreateObservableGauge("sakuralb.backend.up", () => Measure(BackendMeasurements.Of(statuses()).Up), "{server}", "1 while the real server passes the load balancer's health check on the port, else 0 (disabled real servers left out).");
        meter.CreateObservableGauge("sakuralb.backend.active_connections", () => Measure(BackendMeasurements.Of(statuses()).ActiveConnections), "{connection}", "Active connections of a Service's port, as its load balancer last reported them.");
        meter.CreateObservableGauge("sakuralb.backend.connections_per_second", () => Measure(BackendMeasurements.Of(statuses()).ConnectionsPerSecond), "{connection}/s", "New connections per second of a Service's port, as its load balancer last reported them.");
    }

    private static IEnumerable<Measurement<double>> Measure(IReadOnlyList<BackendMeasurement> values) =>
        values.Select(v => new Measurement<double>(v.Value, v.Labels));

    /// <summary>
    /// The in-process total of a counter: <paramref name="name"/> is the short name (watch_events,
    /// forwarded, ...), optionally followed by label values, e.g. Count("forwarded", "service").
    /// </summary>
    public long Count(string name, params string[] labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var prefix = labels.Length == 0 ? name : name + "|" + string.Join('|', labels);
        return counts.Where(c => c.Key == prefix || c.Key.StartsWith(prefix + "|", StringComparison.Ordinal)).Sum(c => c.Value);
    }

    /// <summary>Every in-process total, keyed "name|label|label".</summary>
    public IReadOnlyDictionary<string, long> Snapshot() => new SortedDictionary<string, long>(counts, StringComparer.Ordinal);

    public void Dispose() => meter.Dispose();

    private void Add(Counter<long> counter, string name, long value, params (string Key, string Value)[] tags)
    {
        var key = tags.Length == 0 ? name : name + "|" + string.Join('|', tags.Select(t => t.Value));
        counts.AddOrUpdate(key, value, (_, v) => v + value);
        switch (tags.Length)
        {
            case 1:
                counter.Add(value, new KeyValuePair<string, object?>(tags[0].Key, tags[0].Value));
                break;
            case 2:
                counter.Add(value, new KeyValuePair<string, object?>(tags[0].Key, tags[0].Value), new KeyValuePair<string, object?>(tags[1].Key, tags[1].Value));
                break;
            default:
                counter.Add(value);
                break;
        }
    }
}
