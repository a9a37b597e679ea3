using Microsoft.Extensions.Options;
using SakuraLb.Functions.Options;

namespace SakuraLb.Functions.Cloud;

/// <summary>
/// The routers every plan starts from, read once per <see cref="ReconcileOptions.RouterCacheDuration"/>.
/// A router+switch is created by hand and changes rarely, but reading it costs two requests of a budget of
/// five per second on every plan; a burst of creates shares one read (concurrent callers wait for it).
/// </summary>
public sealed class RouterCache(TimeProvider time, IOptions<ReconcileOptions> options) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly TimeSpan duration = options.Value.RouterCacheDuration;
    private IReadOnlyList<RouterInfo>? routers;
    private DateTimeOffset readAt;

    public async Task<IReadOnlyList<RouterInfo>> GetAsync(Func<CancellationToken, Task<IReadOnlyList<RouterInfo>>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (duration <= TimeSpan.Zero)
        {
            return await read(cancellationToken);
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            if (routers is null || now - readAt >= duration)
            {
                routers = await read(cancellationToken);
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
}
