using SakuraLb.Relay.Kube;
using SakuraLb.Relay.Options;
using SakuraLb.Relay.Telemetry;
using SakuraLb.Relay.Tracking;
using k8s;
using k8s.Models;

namespace SakuraLb.Relay.Watching;

/// <summary>
/// One list/watch of EndpointSlices per Service whose real servers follow its endpoints (in scope and
/// <c>externalTrafficPolicy: Local</c>), label-selected by <c>kubernetes.io/service-name</c> in the Service's
/// namespace: the API server filters, so the thousands of other slices of a cluster cost the relay nothing. Watches
/// start and stop as Services enter and leave Local; each feeds <see cref="EndpointTracker"/> and reports a Service
/// whose endpoint nodes changed. Per watch: the same resume, re-list on 410 and backoff as the Service watch.
/// </summary>
public sealed class EndpointSliceWatches : IDisposable
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, CancellationTokenSource> running = new(StringComparer.Ordinal);
    private readonly IKubeApi kube;
    private readonly EndpointTracker tracker;
    private readonly Action<string> changed;
    private readonly RelayOptions options;
    private readonly RelayMetrics metrics;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private CancellationToken term = new(canceled: true);

    /// <param name="changed">Called with a Service's "namespace/name" when its endpoint nodes changed (or were first listed).</param>
    public EndpointSliceWatches(IKubeApi kube, EndpointTracker tracker, Action<string> changed, RelayOptions options, RelayMetrics metrics, TimeProvider time, ILogger logger)
    {
        this.kube = kube;
        this.tracker = tracker;
        this.changed = changed;
        this.options = options;
        this.metrics = metrics;
        this.time = time;
        this.logger = logger;
    }

    /// <summary>The Services whose slices are watched now.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return running.Count;
            }
        }
    }

    public bool IsWatching(string key)
    {
        lock (gate)
        {
            return running.ContainsKey(key);
        }
    }

    /// <summary>Starts a leadership term: watches run until <paramref name="cancellationToken"/> fires or they are stopped.</summary>
    public void StartTerm(CancellationToken cancellationToken)
    {
        StopAll();
        lock (gate)
        {
            term = cancellationToken;
        }
    }

    /// <summary>Makes the watch of the Service <paramref name="key"/> run (<paramref name="wanted"/>) or not.</summary>
    public void Set(string key, bool wanted)
    {
        lock (gate)
        {
            if (wanted == running.ContainsKey(key) || (wanted && term.IsCancellationRequested))
            {
                return;
            }

            if (!wanted)
            {
                Stop(key);
                return;
            }

            var slash = key.IndexOf('/', StringComparison.Ordinal);
            var (ns, name) = (key[..slash], key[(slash + 1)..]);
            var stop = CancellationTokenSource.CreateLinkedTokenSource(term);
            running[key] = stop;
            tracker.Track(key);
            var loop = new ListWatchLoop<V1EndpointSlice>(
                "endpointslice",
                token => kube.ListEndpointSlicesAsync(ns, name, token),
                (rv, timeout, onError, token) => kube.WatchEndpointSlicesAsync(ns, name, rv, timeout, onError, token),
                new Handler(this, key, stop.Token),
                options,
                metrics,
                time,
                logger);
            _ = RunAsync(loop, stop.Token);
        }
    }

    public void StopAll()
    {
        lock (gate)
        {
            foreach (var key in running.Keys.ToArray())
            {
                Stop(key);
            }
        }
    }

    public void Dispose() => StopAll();

    private void Stop(string key)
    {
        if (running.Remove(key, out var stop))
        {
            stop.Cancel();
            stop.Dispose();
        }

        tracker.Forget(key);
    }

    private async Task RunAsync(ListWatchLoop<V1EndpointSlice> loop, CancellationToken cancellationToken)
    {
        try
        {
            await loop.RunAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // The loop handles its own failures; anything else must not go unobserved.
            Logs.LoopCrashed(logger, ex, "endpointslice-watch");
        }
    }

    /// <summary>What a watch that was stopped meanwhile still delivers changes nothing (the Service may be watched again by a newer one).</summary>
    private sealed class Handler(EndpointSliceWatches owner, string key, CancellationToken stopped) : IWatchHandler<V1EndpointSlice>
    {
        public void OnList(IReadOnlyList<V1EndpointSlice> items, string resourceVersion)
        {
            if (!stopped.IsCancellationRequested && owner.tracker.Replace(key, items, resourceVersion))
            {
                owner.changed(key);
            }
        }

        public void OnEvent(WatchEventType type, V1EndpointSlice item)
        {
            if (stopped.IsCancellationRequested)
            {
                return;
            }

            if (owner.tracker.Apply(key, type, item))
            {
                owner.changed(key);
            }
            else
            {
                owner.metrics.Irrelevant("endpointslice", "unchanged");
            }
        }

        public void OnBookmark(string resourceVersion)
        {
        }
    }
}
