using System.Threading.Channels;
using SakuraLb.Model;
using SakuraLb.Relay.Delivery;
using SakuraLb.Relay.Options;
using SakuraLb.Relay.Resilience;
using SakuraLb.Relay.Telemetry;

namespace SakuraLb.Relay.Status;

/// <summary>
/// Polls GET /api/status with If-None-Match every <see cref="RelayOptions.StatusPollInterval"/> (sooner
/// when asked) and hands the UIDs whose entry changed to the write-back.
/// </summary>
/// <param name="feedRead">Receives every feed read (200), for the parts of it beyond the Services (the node results).</param>
public sealed class StatusPoller(
    FunctionClient client,
    StatusStore store,
    RelayOptions options,
    RelayMetrics metrics,
    TimeProvider time,
    ILogger logger,
    Action<IReadOnlyList<string>> changed,
    Action<StatusFeed>? feedRead = null)
{
    private readonly Channel<bool> trigger = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>When the feed was last read successfully (200 or 304).</summary>
    public DateTimeOffset? LastSuccess { get; private set; }

    /// <summary>Polls without waiting for the rest of the interval.</summary>
    public void PollNow() => trigger.Writer.TryWrite(true);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = new Backoff(options.DeliveryBackoffMin, options.DeliveryBackoffMax);
        while (!cancellationToken.IsCancellationRequested)
        {
            var delay = await PollOnceAsync(backoff, cancellationToken);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var timer = Task.Delay(delay, time, wait.Token);
            var poke = trigger.Reader.WaitToReadAsync(wait.Token).AsTask();
            await Task.WhenAny(timer, poke);
            trigger.Reader.TryRead(out _);
            await wait.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    internal async Task<TimeSpan> PollOnceAsync(Backoff backoff, CancellationToken cancellationToken)
    {
        var result = await client.GetStatusAsync(store.ETag, cancellationToken);
        if (result.NotModified)
        {
            metrics.StatusPoll("unchanged");
            LastSuccess = time.GetUtcNow();
            backoff.Reset();
            return options.StatusPollInterval;
        }

        if (result.Feed is { } feed)
        {
            if (!string.Equals(feed.ClusterId, options.ClusterId, StringComparison.Ordinal))
            {
                metrics.StatusPoll("failed");
                Logs.StatusFeedForeign(logger, feed.ClusterId, options.ClusterId);
                return options.RejectedRetryInterval;
            }

            var uids = store.Apply(feed, result.ETag);
            feedRead?.Invoke(feed);
            metrics.StatusPoll("changed");
            LastSuccess = time.GetUtcNow();
            backoff.Reset();
            if (uids.Count > 0)
            {
                Logs.StatusFeedChanged(logger, uids.Count, feed.Services.Count);
                changed(uids);
            }

            return options.StatusPollInterval;
        }

        metrics.StatusPoll("failed");
        var slow = DeliveryClassifier.Classify(result.Response) == DeliveryVerdict.RetrySlowly;
        var delay = slow ? options.RejectedRetryInterval : TimeSpan.FromTicks(Math.Max(backoff.Next().Ticks, options.StatusPollInterval.Ticks));
        Logs.StatusPollFailed(logger, result.Response.StatusCode, result.Response.Detail ?? "", delay);
        return delay;
    }
}
