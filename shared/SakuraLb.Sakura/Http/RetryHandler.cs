using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SakuraLb.Sakura.Telemetry;

namespace SakuraLb.Sakura.Http;

/// <summary>
/// Retries 503 <c>busy</c> and 423 <c>locked</c>, the two answers the API gives for "not now" (the
/// official clients retry exactly these). Delays grow exponentially from
/// <see cref="SakuraClientOptions.RetryBaseDelay"/> up to <see cref="SakuraClientOptions.RetryMaxDelay"/>
/// with jitter, at most <see cref="SakuraClientOptions.MaxRetries"/> times, and stop at once when the
/// caller cancels. Everything else, 409 <c>still_creating</c> included, is returned to the caller:
/// those are waits of minutes that belong in the orchestration, not in an HTTP call.
/// </summary>
internal sealed class RetryHandler : DelegatingHandler
{
    private readonly SakuraClientOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<RetryHandler> logger;
    private readonly Func<double> jitter;

    public RetryHandler(IOptions<SakuraClientOptions> options, TimeProvider timeProvider, ILogger<RetryHandler> logger)
        : this(options, timeProvider, logger, Random.Shared.NextDouble)
    {
    }

    /// <summary>Creates the handler with a jitter source returning values in [0, 1) (for tests).</summary>
    public RetryHandler(IOptions<SakuraClientOptions> options, TimeProvider timeProvider, ILogger<RetryHandler> logger, Func<double> jitter)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options.Value;
        time = timeProvider;
        this.logger = logger;
        this.jitter = jitter;
    }

    /// <summary>True for the statuses this handler retries.</summary>
    public static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.Locked;

    /// <summary>
    /// The delay before retry number <paramref name="attempt"/> (0-based): the capped exponential
    /// <c>min(max, base * 2^attempt)</c>, of which the upper half is jittered ("equal jitter"), so
    /// callers that failed together spread out but never retry immediately.
    /// </summary>
    public static TimeSpan ComputeDelay(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, double jitter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        var exponential = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30));
        var capped = Math.Min(exponential, maxDelay.TotalMilliseconds);
        var sample = Math.Clamp(jitter, 0, 1);
        return TimeSpan.FromMilliseconds((capped / 2) + (capped / 2 * sample));
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Content is not null)
        {
            // A buffered body can be sent again by the next attempt.
            await request.Content.LoadIntoBufferAsync(cancellationToken);
        }

        for (var attempt = 0; ; attempt++)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (!IsRetryable(response.StatusCode))
            {
                return response;
            }

            var path = request.RequestUri?.AbsolutePath ?? "";
            if (attempt >= options.MaxRetries)
            {
                if (options.MaxRetries > 0)
                {
                    Logs.RetriesExhausted(logger, request.Method.Method, path, response.StatusCode, options.MaxRetries);
                }

                return response;
            }

            var delay = ComputeDelay(attempt, options.RetryBaseDelay, options.RetryMaxDelay, jitter());
            if (response.Headers.RetryAfter?.Delta is { } hinted && hinted > delay)
            {
                delay = hinted < options.RetryMaxDelay ? hinted : options.RetryMaxDelay;
            }

            var errorCode = await SakuraErrorMapper.TryReadErrorCodeAsync(response, cancellationToken);
            Logs.RetryScheduled(logger, request.Method.Method, path, response.StatusCode, errorCode, attempt + 1,
                options.MaxRetries, (long)delay.TotalMilliseconds);
            response.Dispose();
            await Task.Delay(delay, time, cancellationToken);
        }
    }
}
