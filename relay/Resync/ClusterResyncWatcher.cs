using System.Threading.Channels;
using k8s;
using k8s.Models;
using SakuraLb.Relay.Delivery;
using SakuraLb.Relay.Kube;
using SakuraLb.Relay.Options;
using SakuraLb.Relay.Resilience;
using SakuraLb.Relay.Status;
using SakuraLb.Relay.Telemetry;
using SakuraLb.Relay.Watching;

namespace SakuraLb.Relay.Resync;

/// <summary>
/// The leader's answer to a cluster-wide resync asked for through Kubernetes: watches only the ConfigMap
/// <see cref="RelayOptions.ResyncConfigMap"/> in the relay's namespace, and on a new value of its resync annotation resends
/// every Service and the node set and asks the function app for its cluster resync, then records an Event on the
/// ConfigMap and writes the value back as answered. So whoever may annotate that ConfigMap may resync the cluster, each
/// value costs one resync, and a value already answered (seen again after a restart or a leader change) costs nothing.
/// </summary>
/// <param name="synced">True once the term's lists are in, so a resend covers every Service.</param>
/// <param name="services">How many Services a resend covers.</param>
/// <param name="resync">The relay's full resync and the function app's cluster resync.</param>
public sealed class ClusterResyncWatcher(
    IKubeApi kube,
    RelayOptions options,
    RelayMetrics metrics,
    TimeProvider time,
    ILogger logger,
    Func<bool> synced,
    Func<int> services,
    Func<CancellationToken, Task<ResyncResult>> resync) : IWatchHandler<V1ConfigMap>
{
    /// <summary>Attempts of a resync the function app failed transiently (no answer, 5xx), and of each write.</summary>
    public const int MaxAttempts = 3;

    private readonly Channel<bool> signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Lock gate = new();
    private readonly RelayOptions options = options ?? throw new ArgumentNullException(nameof(options));
    private V1ConfigMap? latest;
    private string? answeredHere;
    private int evaluated;

    public string Namespace => options.LeaseNamespace;

    public string Name => options.ResyncConfigMap;

    /// <summary>How many states of the ConfigMap were looked at for a request (answered or not), for health and tests.</summary>
    public int Evaluated => Volatile.Read(ref evaluated);

    /// <summary>One leadership term: list and watch the ConfigMap, and answer its requests, until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            latest = null;
        }

        var loop = new ListWatchLoop<V1ConfigMap>(
            "configmap",
            token => kube.ListConfigMapAsync(Namespace, Name, token),
            (version, timeout, onError, token) => kube.WatchConfigMapAsync(Namespace, Name, version, timeout, onError, token),
            this,
            options,
            metrics,
            time,
            logger);
        await Task.WhenAll(loop.RunAsync(cancellationToken), AnswerLoopAsync(cancellationToken));
    }

    public void OnList(IReadOnlyList<V1ConfigMap> items, string resourceVersion) =>
        Observe(items.FirstOrDefault(c => c.Metadata?.Name == Name));

    public void OnEvent(WatchEventType type, V1ConfigMap item) =>
        Observe(type == WatchEventType.Deleted ? null : item);

    public void OnBookmark(string resourceVersion)
    {
    }

    private void Observe(V1ConfigMap? configMap)
    {
        lock (gate)
        {
            latest = configMap;
        }

        signal.Writer.TryWrite(true);
    }

    private async Task AnswerLoopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await signal.Reader.ReadAsync(cancellationToken);

            // The resend must cover every Service: wait for the term's lists (the first lists forward everything anyway).
            while (!synced())
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken);
            }

            V1ConfigMap? configMap;
            lock (gate)
            {
                configMap = latest;
            }

            if (ClusterResyncRules.Pending(configMap, answeredHere) is { } request)
            {
                await AnswerAsync(configMap!, request, cancellationToken);
            }

            Interlocked.Increment(ref evaluated);
        }
    }

    private async Task AnswerAsync(V1ConfigMap configMap, string request, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var backoff = new Backoff(options.DeliveryBackoffMin, options.DeliveryBackoffMax);
        var result = await resync(cancellationToken);
        while (!result.Response.IsSuccess && result.Response.StatusCode is 0 or >= 500 && backoff.Attempts + 1 < MaxAttempts)
        {
            await Task.Delay(backoff.Next(), time, cancellationToken);
            result = await resync(cancellationToken);
        }

        answeredHere = request;
        var text = ClusterResyncRules.Answer(Name, configMap.Metadata.Uid, request, result.Response, result.Started, services(), time.GetElapsedTime(started));
        Logs.ClusterResyncAnswered(logger, Namespace, Name, request, text.Note);
        var recorded = await WriteAsync(
            "event",
            () => kube.CreateEventAsync(ClusterResyncRules.Event(configMap, text, time.GetUtcNow(), options.ReportingController, options.Identity), cancellationToken),
            isEvent: true,
            cancellationToken);
        if (recorded is WriteOutcome.Ok or WriteOutcome.AlreadyRecorded)
        {
            await WriteAsync(
                "annotation",
                () => kube.PatchConfigMapAsync(Namespace, Name, ClusterResyncRules.AnsweredPatch(configMap.Metadata.Uid, request), cancellationToken),
                isEvent: false,
                cancellationToken);
        }
    }

    /// <summary>One write, again after a failure (not after a refusal such as gone or already recorded).</summary>
    private async Task<WriteOutcome> WriteAsync(string what, Func<Task> write, bool isEvent, CancellationToken cancellationToken)
    {
        var backoff = new Backoff(options.DeliveryBackoffMin, options.DeliveryBackoffMax);
        while (true)
        {
            var outcome = await KubeWriteAttempt.RunAsync(
                write,
                isEvent,
                ex => Logs.ClusterResyncWriteFailed(logger, ex, what, Namespace, Name),
                _ => { },
                cancellationToken);
            if (outcome != WriteOutcome.Failed || backoff.Attempts + 1 >= MaxAttempts)
            {
                return outcome;
            }

            await Task.Delay(backoff.Next(), time, cancellationToken);
        }
    }
}
