using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SakuraLb.Sakura.Telemetry;

namespace SakuraLb.Sakura.Http;

/// <summary>
/// Takes a permit from the key's shared limiter before every attempt (retries included) and holds it until the
/// attempt's answer (or failure) is in, so the API never sees more than <see cref="SakuraClientOptions.RequestsPerSecond"/>
/// requests in any second from this process, however late a granted request reaches the wire. A request waits in the limiter's queue with the ambient <see cref="RequestPriority"/>
/// (<see cref="RequestPriorities.Current"/>), which the client's write methods and the callers set.
/// </summary>
internal sealed class RateLimitHandler(
    IOptions<SakuraClientOptions> options,
    SakuraRateLimiterRegistry registry,
    TimeProvider timeProvider,
    ILogger<RateLimitHandler> logger) : DelegatingHandler
{
    private readonly SlidingWindowRequestLimiter limiter = registry.GetOrCreate(
        options.Value.ApiRootUrl, options.Value.AccessToken, options.Value.RequestsPerSecond, timeProvider);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = timeProvider.GetTimestamp();

        // Held until the answer is in: the limiter counts the request against every window its arrival can fall in.
        using var lease = await limiter.AcquireAsync(1, RequestPriorities.Current, cancellationToken);
        if (!lease.IsAcquired)
        {
            throw new InvalidOperationException("The Sakura API rate limiter refused a permit.");
        }

        RequestGrants.Granted();

        var waited = timeProvider.GetElapsedTime(started);
        if (waited >= TimeSpan.FromMilliseconds(1))
        {
            Logs.RateLimited(logger, request.Method.Method, request.RequestUri?.AbsolutePath ?? "", (long)waited.TotalMilliseconds);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
