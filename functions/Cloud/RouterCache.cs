using Microsoft.Extensions.Options;
using SakuraLb.Functions.Options;
using SakuraLb.Reconcile.Desired;

namespace SakuraLb.Functions.Cloud;

/// <summary>
/// The networks every plan starts from: every router+switch carrying the controller's router tags and, read only
/// once a switch-type Service asks, every plain switch carrying its switch tags (a Service's selector narrows
/// them later). Each list is read at most once per <see cref="ReconcileOptions.RouterCacheDuration"/>. Routers
/// and switches are made by hand and change rarely, but reading the routers costs two requests of a budget of
/// five per second on every plan; a burst of creates shares one read (concurrent callers wait for it).
/// </summary>
/// <remarks>
/// The cache lives for the process; the caller's <see cref="ISakuraCloud"/> is passed in on each call rather than
/// held, because the client's HTTP handlers are meant to be short-lived.
/// </remarks>
public sealed class RouterCache(ControllerSettings settings, TimeProvider time, IOptions<ReconcileOptions> options) : IDisposable
{
    private readonly TimedRead<RouterNetwork> routers = new(time, options.Value.RouterCacheDuration);
    private readonly TimedRead<PlainSwitch> switches = new(time, options.Value.RouterCacheDuration);

    /// <summary>The routers carrying the controller's router tags (and, unless shared, the cluster's tag).</summary>
    public Task<IReadOnlyList<RouterNetwork>> GetAsync(ISakuraCloud cloud, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        return routers.GetAsync(ct => cloud.FindRoutersAsync(new RouterQuery(Tags: settings.RequiredRouterTags), ct), cancellationToken);
    }

    /// <summary>The plain switches carrying the controller's switch tags (and, unless shared, the cluster's tag).</summary>
    public Task<IReadOnlyList<PlainSwitch>> GetSwitchesAsync(ISakuraCloud cloud, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        return switches.GetAsync(ct => cloud.FindSwitchesAsync(settings.RequiredSwitchTags, ct), cancellationToken);
    }

    /// <summary>The candidates a Service of <paramref name="type"/> chooses from; the other kind is not read.</summary>
    public async Task<NetworkCandidates> CandidatesAsync(ISakuraCloud cloud, LoadBalancerType type, CancellationToken cancellationToken) =>
        type == LoadBalancerType.Switch
            ? new NetworkCandidates { Switches = await GetSwitchesAsync(cloud, cancellationToken) }
            : new NetworkCandidates { Routers = await GetAsync(cloud, cancellationToken) };

    public void Dispose()
    {
        routers.Dispose();
        switches.Dispose();
    }

    /// <summary>One list, read again once it is older than the duration (every time when the duration is zero).</summary>
    private sealed class TimedRead<T>(TimeProvider time, TimeSpan duration) : IDisposable
    {
        private readonly SemaphoreSlim gate = new(1, 1);
        private IReadOnlyList<T>? value;
        private DateTimeOffset readAt;

        public async Task<IReadOnlyList<T>> GetAsync(Func<CancellationToken, Task<IReadOnlyList<T>>> read, CancellationToken cancellationToken)
        {
            if (duration <= TimeSpan.Zero)
            {
                return await read(cancellationToken);
            }

            await gate.WaitAsync(cancellationToken);
            try
            {
                var now = time.GetUtcNow();
                if (value is null || now - readAt >= duration)
                {
                    value = await read(cancellationToken);
                    readAt = now;
                }

                return value;
            }
            finally
            {
                gate.Release();
            }
        }

        public void Dispose() => gate.Dispose();
    }
}
