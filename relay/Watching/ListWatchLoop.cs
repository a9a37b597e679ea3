using System.Net;
using SakuraLb.Relay.Kube;
using SakuraLb.Relay.Options;
using SakuraLb.Relay.Resilience;
using SakuraLb.Relay.Telemetry;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace SakuraLb.Relay.Watching;

/// <summary>Receives what a <see cref="ListWatchLoop{T}"/> sees.</summary>
public interface IWatchHandler<in T>
{
    /// <summary>A complete list: the first one, or a re-list after the watch fell too far behind.</summary>
    void OnList(IReadOnlyList<T> items, string resourceVersion);

    /// <summary>One added, modified or deleted object.</summary>
    void OnEvent(WatchEventType type, T item);

    /// <summary>A bookmark: the stream is at this resourceVersion, nothing else changed.</summary>
    void OnBookmark(string resourceVersion);
}

/// <summary>
/// List, then watch from the list's resourceVersion, for one resource kind: bookmarks advance the
/// resume point, a normal end of the stream (server timeout) resumes from the last resourceVersion,
/// 410 Gone (as an ERROR event inside the stream, which KubernetesClient hands to onError rather than
/// yielding, or as the answer to the watch request) re-lists, other failures back off with jitter, and
/// an exception from one event is logged and skipped.
/// </summary>
public sealed class ListWatchLoop<T>(
    string kind,
    Func<CancellationToken, Task<KubeList<T>>> list,
    Func<string, TimeSpan, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType Type, T Object)>> watch,
    IWatchHandler<T> handler,
    RelayOptions options,
    RelayMetrics metrics,
    TimeProvider time,
    ILogger logger,
    Random? random = null)
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The resume point: the newest resourceVersion seen (list, event or bookmark).</summary>
    public string ResourceVersion { get; private set; } = "";

    /// <summary>True once the first list was handed to the handler.</summary>
    public bool Synced { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = new Backoff(options.WatchBackoffMin, options.WatchBackoffMax, random);
        var relistReason = "start";
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (relistReason is not null)
                {
                    var result = await list(cancellationToken);
                    metrics.Relist(kind, relistReason);
                    Logs.Listed(logger, kind, result.Items.Count, result.ResourceVersion, relistReason);
                    ResourceVersion = result.ResourceVersion;
                    handler.OnList(result.Items, result.ResourceVersion);
                    Synced = true;
                    relistReason = null;
                }

                var started = time.GetTimestamp();
                var outcome = await WatchOnceAsync(cancellationToken);
                if (outcome == WatchEnd.Gone)
                {
                    Logs.WatchGone(logger, kind, ResourceVersion);
                    relistReason = "gone";
                    continue;
                }

                if (outcome == WatchEnd.Failed || time.GetElapsedTime(started) < TimeSpan.FromSeconds(1))
                {
                    // A stream that fails, or ends at once, again and again must not become a hot loop.
                    await Task.Delay(backoff.Next(), time, cancellationToken);
                }
                else
                {
                    backoff.Reset();
                }
            }
            catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.Gone)
            {
                Logs.WatchGone(logger, kind, ResourceVersion);
                relistReason = "gone";
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                metrics.WatchError(kind);
                var delay = backoff.Next();
                Logs.WatchFailed(logger, ex, kind, relistReason is null ? "watch" : "list", delay);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    private async Task<WatchEnd> WatchOnceAsync(CancellationToken cancellationToken)
    {
        var gone = false;
        var failed = false;

        // Guards against a silently dead connection: the server ends every watch after WatchTimeout,
        // so a stream still open well after that is stuck.
        using var watchdog = new CancellationTokenSource(options.WatchTimeout + TimeSpan.FromSeconds(30), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, watchdog.Token);
        try
        {
            await foreach (var (type, item) in watch(ResourceVersion, options.WatchTimeout, OnError, linked.Token))
            {
                if (gone)
                {
                    break;
                }

                Dispatch(type, item);
            }
        }
        catch (OperationCanceledException) when (watchdog.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Logs.WatchStalled(logger, kind, ResourceVersion);
            return WatchEnd.Failed;
        }

        return gone ? WatchEnd.Gone : failed ? WatchEnd.Failed : WatchEnd.Ended;

        void OnError(Exception ex)
        {
            if (ex is KubernetesException { Status.Code: (int)HttpStatusCode.Gone })
            {
                gone = true;
                return;
            }

            // One undecodable line: the stream goes on, the object will be repaired by the next list or resync.
            metrics.WatchError(kind);
            failed |= ex is not System.Text.Json.JsonException;
            Logs.WatchStreamError(logger, ex, kind);
        }
    }

    private void Dispatch(WatchEventType type, T item)
    {
        try
        {
            var resourceVersion = item?.Metadata?.ResourceVersion;
            switch (type)
            {
                case WatchEventType.Bookmark:
                    if (!string.IsNullOrEmpty(resourceVersion))
                    {
                        handler.OnBookmark(resourceVersion);
                    }

                    break;
                case WatchEventType.Added or WatchEventType.Modified or WatchEventType.Deleted when item is not null:
                    try
                    {
                        handler.OnEvent(type, item);
                    }
                    finally
                    {
                        // Counted once handled, so whoever reads the count also sees what the event caused
                        // (the irrelevant-change counter, the outbox).
                        metrics.WatchEvent(kind, type.ToString().ToLowerInvariant());
                    }

                    break;
                default:
                    metrics.WatchError(kind);
                    Logs.WatchUnexpected(logger, kind, type.ToString());
                    break;
            }

            if (!string.IsNullOrEmpty(resourceVersion))
            {
                ResourceVersion = resourceVersion;
            }
        }
        catch (Exception ex)
        {
            // Never die on one bad object: it is skipped, and the next list or full resync repairs it.
            metrics.WatchError(kind);
            Logs.EventFailed(logger, ex, kind, type.ToString(), item?.Metadata?.NamespaceProperty, item?.Metadata?.Name);
        }
    }

    private enum WatchEnd
    {
        Ended,
        Gone,
        Failed,
    }
}
