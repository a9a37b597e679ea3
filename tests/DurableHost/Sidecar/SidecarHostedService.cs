using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DurableHost.Sidecar;

/// <summary>
/// A sidecar as a hosted service of an existing host, whose worker and client were configured with
/// <paramref name="channel"/>: the channel learns the sidecar's port once it listens. Hosted services stop in reverse
/// order of registration, so register this before the worker.
/// </summary>
internal sealed class SidecarHostedService(ISidecar sidecar, SidecarChannel channel, ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await sidecar.StartAsync(cancellationToken);
        channel.SetEndpoint(sidecar.Endpoint);
    }

    public Task StopAsync(CancellationToken cancellationToken) => sidecar.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await sidecar.DisposeAsync();
        channel.Dispose();
        loggerFactory.Dispose();
    }
}
