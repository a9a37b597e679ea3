using SakuraLb.Model;
using SakuraLb.Relay.Options;
using SakuraLb.Relay.Outbox;
using SakuraLb.Relay.Resilience;
using SakuraLb.Relay.Telemetry;
using SakuraLb.Relay.Tracking;

namespace SakuraLb.Relay.Delivery;

/// <summary>
/// Drains the outbox into signed POST /api/events requests. Waits <see cref="RelayOptions.BatchWindow"/>
/// after the first change so a burst becomes one request, keeps every batch under the size limits, and
/// on failure puts the batch back (newer state enqueued meanwhile wins) and backs off.
/// </summary>
public sealed class BatchSender(
    SnapshotOutbox outbox,
    NodeTracker nodes,
    FunctionClient client,
    RelayOptions options,
    RelayMetrics metrics,
    TimeProvider time,
    ILogger logger,
    Action requestFullResync,
    Action? nodeSetDelivered = null)
{
    private long lastSuccessTicks;

    /// <summary>When the function last accepted a batch (null: never in this process).</summary>
    public DateTimeOffset? LastSuccess
    {
        get
        {
            var ticks = Interlocked.Read(ref lastSuccessTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    /// <summary>Consecutive failed requests (0 after a success).</summary>
    public int ConsecutiveFailures { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = new Backoff(options.DeliveryBackoffMin, options.DeliveryBackoffMax);
        var limit = options.MaxBatchServices;
        while (!cancellationToken.IsCancellationRequested)
        {
            await outbox.WaitAsync(cancellationToken);
            if (options.BatchWindow > TimeSpan.Zero)
            {
                await Task.Delay(options.BatchWindow, time, cancellationToken);
            }

            while (outbox.Take(limit) is { } batch)
            {
                var pause = await SendOneAsync(batch, limit, backoff, cancellationToken);
                limit = pause.NextLimit;
                if (pause.Delay > TimeSpan.Zero)
                {
                    await Task.Delay(pause.Delay, time, cancellationToken);
                }
                else if (outbox.PendingServices < limit && !outbox.NodesDue)
                {
                    // Full batches go at once; what arrived during the send waits one window to fill up,
                    // so a steady trickle of changes costs one request per window, not one per change.
                    break;
                }
            }
        }
    }

    private async Task<(TimeSpan Delay, int NextLimit)> SendOneAsync(OutboxBatch batch, int limit, Backoff backoff, CancellationToken cancellationToken)
    {
        var nodeSet = batch.IncludeNodes ? nodes.Current() : null;
        if (batch.Services.Count == 0 && nodeSet is null)
        {
            return (TimeSpan.Zero, limit);
        }

        var body = FunctionClient.Encode(Serialize(batch.Services, nodeSet), options.CompressAboveBytes);
        if (body.Bytes.Length > options.MaxBodyBytes)
        {
            return await ShrinkAsync(batch, nodeSet, body.Bytes.Length, "is over the configured MaxBodyBytes", limit, backoff, cancellationToken);
        }

        var response = await client.PostEventsAsync(body, cancellationToken);
        var verdict = DeliveryClassifier.Classify(response);
        metrics.DeliveryRequest(verdict == DeliveryVerdict.Delivered ? "delivered" : DeliveryClassifier.Reason(response));
        if (verdict == DeliveryVerdict.Delivered)
        {
            Delivered(batch, nodeSet, body.Bytes.Length);
            backoff.Reset();
            return (TimeSpan.Zero, Math.Min(options.MaxBatchServices, limit * 2));
        }

        ConsecutiveFailures++;
        metrics.DeliveryFailure(DeliveryClassifier.Reason(response));
        switch (verdict)
        {
            case DeliveryVerdict.TooLarge:
                return await ShrinkAsync(batch, nodeSet, body.Bytes.Length, "was refused as too large (413)", limit, backoff, cancellationToken);

            case DeliveryVerdict.Invalid:
                DropRejected(batch, nodeSet, response);
                return (TimeSpan.Zero, limit);

            case DeliveryVerdict.RetrySlowly:
                outbox.Return(batch);
                Logs.DeliveryRejected(logger, response.StatusCode, response.Detail ?? "", options.RejectedRetryInterval);
                return (options.RejectedRetryInterval, limit);

            default:
                outbox.Return(batch);
                var delay = backoff.Next();
                Logs.DeliveryFailed(logger, response.StatusCode, response.Detail ?? "", backoff.Attempts, delay, outbox.PendingServices);
                return (delay, limit);
        }
    }

    /// <summary>
    /// A batch too large for the function: send the node set on its own, or put the Services back to be
    /// sent in smaller batches (the limit halves), or, for a single object too large on its own, drop it loudly.
    /// </summary>
    private async Task<(TimeSpan Delay, int NextLimit)> ShrinkAsync(
        OutboxBatch batch, NodeSetSnapshot? nodeSet, int bytes, string why, int limit, Backoff backoff, CancellationToken cancellationToken)
    {
        if (nodeSet is not null && batch.Services.Count > 0)
        {
            outbox.Return(batch with { IncludeNodes = false });
            return await SendOneAsync(new OutboxBatch([], IncludeNodes: true), limit, backoff, cancellationToken);
        }

        if (batch.Services.Count > 1)
        {
            outbox.Return(batch);
            return (TimeSpan.Zero, Math.Max(1, batch.Services.Count / 2));
        }

        metrics.Dropped("too_large");
        if (nodeSet is not null)
        {
            Logs.NodeSetTooLarge(logger, nodeSet.Nodes.Count, bytes, why);
        }
        else
        {
            var service = batch.Services[0];
            Logs.SnapshotTooLarge(logger, service.Key, service.Uid, bytes, why);
        }

        return (TimeSpan.Zero, limit);
    }

    private void Delivered(OutboxBatch batch, NodeSetSnapshot? nodeSet, int bytes)
    {
        var tombstones = batch.Services.Count(s => s.Deleted);
        metrics.Forwarded("service", batch.Services.Count - tombstones);
        metrics.Forwarded("tombstone", tombstones);
        if (nodeSet is not null)
        {
            metrics.Forwarded("nodeset", 1);
            nodeSetDelivered?.Invoke();
        }

        metrics.BatchSize(batch.Services.Count);
        Interlocked.Exchange(ref lastSuccessTicks, time.GetUtcNow().UtcTicks);
        if (ConsecutiveFailures > 0)
        {
            Logs.DeliveryRecovered(logger, ConsecutiveFailures);
        }

        ConsecutiveFailures = 0;
        Logs.BatchDelivered(logger, batch.Services.Count, tombstones, nodeSet?.Nodes.Count ?? -1, bytes);
        if (outbox.ConsumeResyncNeeded())
        {
            requestFullResync();
        }
    }

    private void DropRejected(OutboxBatch batch, NodeSetSnapshot? nodeSet, FunctionResponse response)
    {
        var blamed = DeliveryClassifier.Blamed(response.Errors);
        var keep = new List<ServiceSnapshot>(batch.Services.Count);
        for (var i = 0; i < batch.Services.Count; i++)
        {
            var service = batch.Services[i];
            if (blamed.ServiceIndexes.Contains(i))
            {
                var problems = string.Join("; ", response.Errors
                    .Where(e => e.Path.StartsWith($"services[{i}]", StringComparison.Ordinal))
                    .Select(e => $"{e.Path} {e.Problem}"));
                metrics.Dropped("rejected");
                Logs.SnapshotRejected(logger, service.Key, service.Uid, problems);
            }
            else
            {
                keep.Add(service);
            }
        }

        if (nodeSet is not null && blamed.NodeSet)
        {
            metrics.Dropped("rejected");
            Logs.NodeSetRejected(logger, string.Join("; ", response.Errors.Where(e => e.Path.StartsWith("nodes", StringComparison.Ordinal)).Select(e => $"{e.Path} {e.Problem}")));
        }

        outbox.Return(new OutboxBatch(keep, nodeSet is not null && !blamed.NodeSet));
    }

    private byte[] Serialize(IReadOnlyList<ServiceSnapshot> services, NodeSetSnapshot? nodeSet) =>
        ModelJson.SerializeToUtf8Bytes(new EventBatch
        {
            ClusterId = options.ClusterId,
            SentAt = time.GetUtcNow(),
            Services = services,
            Nodes = nodeSet,
        });
}
