using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using SakuraLb.Sakura.Telemetry;

namespace SakuraLb.Sakura.Http;

/// <summary>
/// The client's resilience pipeline (Polly, run by <c>Microsoft.Extensions.Http.Resilience</c>'s handler), outermost first:
/// <list type="number">
/// <item>Retry of 503 and 423, the two answers the API gives for "not now" (the official clients retry exactly these;
/// 503 covers <c>busy</c>, <c>too_many_request</c>, <c>operation_failure</c> and <c>service_temporarily_unavailable</c>,
/// all refused before anything ran). Delays grow exponentially from <see cref="SakuraClientOptions.RetryBaseDelay"/> up to
/// <see cref="SakuraClientOptions.RetryMaxDelay"/> with jitter, longer when <c>Retry-After</c> asks for it, at most
/// <see cref="SakuraClientOptions.MaxRetries"/> times. Everything else is returned to the caller: 409 <c>still_creating</c>
/// is a wait of minutes that belongs in the orchestration, and a 504 to a write may have run, so only the caller can tell
/// whether sending it again is safe.</item>
/// <item>A circuit breaker over every attempt: when nearly all recent attempts failed with a 5xx or no answer, calls fail
/// at once for <see cref="BreakDuration"/> instead of adding load to an API that is down.</item>
/// </list>
/// The sliding-log rate limiter stays a handler inside this pipeline, so every attempt takes a permit.
/// </summary>
internal static class SakuraResilience
{
    /// <summary>The name of the pipeline in Polly's telemetry.</summary>
    public const string PipelineName = "sakura";

    /// <summary>Share of failed attempts in <see cref="SamplingDuration"/> that opens the breaker.</summary>
    public const double FailureRatio = 0.9;

    /// <summary>Attempts in <see cref="SamplingDuration"/> before the ratio counts: a few failures never open it.</summary>
    public const int MinimumThroughput = 20;

    public static readonly TimeSpan SamplingDuration = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(15);

    /// <summary>True for the statuses the pipeline retries.</summary>
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

    /// <summary>Adds the strategies to <paramref name="builder"/>; <paramref name="jitter"/> returns values in [0, 1).</summary>
    public static ResiliencePipelineBuilder<HttpResponseMessage> Configure(
        ResiliencePipelineBuilder<HttpResponseMessage> builder, SakuraClientOptions options, ILogger logger, Func<double> jitter)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } response && IsRetryable(response.StatusCode)),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Delay(args.AttemptNumber, args.Outcome.Result, options, jitter())),
                OnRetry = async args =>
                {
                    var request = args.Outcome.Result!.RequestMessage;
                    var errorCode = await SakuraErrorMapper.TryReadErrorCodeAsync(args.Outcome.Result, args.Context.CancellationToken);
                    Logs.RetryScheduled(logger, request?.Method.Method ?? "", request?.RequestUri?.AbsolutePath ?? "",
                        args.Outcome.Result.StatusCode, errorCode, args.AttemptNumber + 1, options.MaxRetries, (long)args.RetryDelay.TotalMilliseconds);
                },
            });
        }

        builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = FailureRatio,
            MinimumThroughput = MinimumThroughput,
            SamplingDuration = SamplingDuration,
            BreakDuration = BreakDuration,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
            {
                { Result: { } response } => (int)response.StatusCode is >= 500 and <= 599,
                { Exception: HttpRequestException or TimeoutException } => true,
                _ => false,
            }),
            OnOpened = args =>
            {
                Logs.CircuitOpened(logger, (long)args.BreakDuration.TotalMilliseconds);
                return ValueTask.CompletedTask;
            },
        });
        return builder;
    }

    /// <summary>The error a call gets while the breaker is open: transient, so callers wait and try again.</summary>
    public static SakuraApiException CircuitOpen(HttpRequestMessage? request, BrokenCircuitException exception) =>
        new(HttpStatusCode.ServiceUnavailable, "circuit_open",
            "the client stopped calling the API for a while after nearly every recent attempt failed", null,
            request?.Method.Method, request?.RequestUri?.AbsolutePath, SakuraErrorKind.Busy, exception);

    private static TimeSpan Delay(int attempt, HttpResponseMessage? response, SakuraClientOptions options, double jitter)
    {
        var delay = ComputeDelay(attempt, options.RetryBaseDelay, options.RetryMaxDelay, jitter);
        if (response?.Headers.RetryAfter?.Delta is { } hinted && hinted > delay)
        {
            delay = hinted < options.RetryMaxDelay ? hinted : options.RetryMaxDelay;
        }

        return delay;
    }
}
