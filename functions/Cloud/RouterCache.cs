using Microsoft.Extensions.Options;
using SakuraLb.Functions.Options;

namespace SakuraLb.Functions.Cloud;

/// <summary>
/// The routers every plan starts from: every router+switch carrying the controller's router tags (a Service's
/// selector narrows it later), read at most once per <see cref="ReconcileOptions.RouterCacheDuration"/>.
/// A router+switch is created by hand and changes rarely, but reading it costs two requests of a budget of
/// five per second on every plan; a burst of creates shares one read (concurrent callers wait for it).
/// </summary>
/// <remarks>
/// The cache lives for the process; the caller's <see cref="ISakuraCloud"/> is passed in on each call rather than
/// held, because the client's HTTP handlers are meant to be short-lived.
/// </remarks>
public sealed class RouterCache(ControllerSettings settings, TimeProvider time, IOptions<ReconcileOptions> options) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly TimeSpan duration = options.Value.RouterCacheDuration;
    private IReadOnlyList<RouterNetwork>? routers;
    private DateTimeOffset readAt;

    public async Task<IReadOnlyList<RouterNetwork>> GetAsync(ISakuraCloud cloud, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        if (duration <= TimeSpan.Zero)
        {
            return await ReadAsync(cloud, cancellationToken);
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            if (routers is null || now - readAt >= duration)
            {
                routers = await ReadAsync(cloud, cancellationToken);
                readAt = now;
            }

            return routers;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();

    private Task<IReadOnlyList<RouterNetwork>> ReadAsync(ISakuraCloud cloud, CancellationToken cancellationToken) =>
        cloud.FindRoutersAsync(new RouterQuery(Tags: settings.RouterTags), cancellationToken);
}
