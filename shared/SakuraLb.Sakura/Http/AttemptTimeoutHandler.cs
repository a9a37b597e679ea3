using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SakuraLb.Sakura.Telemetry;

namespace SakuraLb.Sakura.Http;

/// <summary>
/// Bounds one HTTP attempt by <see cref="SakuraClientOptions.Timeout"/>. It sits inside the rate limiter
/// and the retry loop, so waiting for a permit or for a retry delay never counts against it. A timed-out
/// attempt surfaces as <see cref="TimeoutException"/>; the caller's own cancellation stays an
/// <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class AttemptTimeoutHandler(
    IOptions<SakuraClientOptions> options,
    TimeProvider timeProvider,
    ILogger<AttemptTimeoutHandler> logger) : DelegatingHandler
{
    private readonly TimeSpan timeout = options.Value.Timeout;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var timeout = new CancellationTokenSource(this.timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await base.SendAsync(request, linked.Token);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var path = request.RequestUri?.AbsolutePath ?? "";
            Logs.AttemptTimedOut(logger, request.Method.Method, path, (long)this.timeout.TotalMilliseconds);
            throw new TimeoutException(
                $"Sakura Cloud API {request.Method} {path} did not answer within {this.timeout.TotalSeconds:0.###} s.", ex);
        }
    }
}
