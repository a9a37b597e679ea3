using System.Collections.Concurrent;

namespace SakuraLb.Sakura.Http;

/// <summary>
/// Hands out one <see cref="SlidingWindowRequestLimiter"/> per (API root, access token), so that every
/// client in the process that spends the same key's budget shares one limiter, however many
/// <see cref="HttpClient"/>s and DI containers there are. <see cref="Shared"/> is the process-wide
/// instance that <c>AddSakuraClient</c> uses unless a registry is registered first.
/// </summary>
public sealed class SakuraRateLimiterRegistry
{
    private readonly ConcurrentDictionary<(string Root, string Token), SlidingWindowRequestLimiter> limiters = new();

    /// <summary>
    /// The window of the limit: one second, as the API counts. No guard band is needed: a request holds its
    /// permit until its answer is in, and one window after (see <see cref="SlidingWindowRequestLimiter"/>), so the
    /// delay between a grant and the request's arrival, however long, cannot bunch arrivals past the limit.
    /// </summary>
    public static TimeSpan Window { get; } = TimeSpan.FromSeconds(1);

    /// <summary>The process-wide registry.</summary>
    public static SakuraRateLimiterRegistry Shared { get; } = new();

    /// <summary>
    /// The limiter for this key. The first caller decides the rate; a later caller asking for a different
    /// rate for the same key gets an <see cref="InvalidOperationException"/>, because two budgets for one
    /// key would silently double the request rate.
    /// </summary>
    public SlidingWindowRequestLimiter GetOrCreate(string apiRootUrl, string accessToken, int requestsPerSecond, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(apiRootUrl);
        ArgumentNullException.ThrowIfNull(accessToken);
        var key = (apiRootUrl.TrimEnd('/').ToUpperInvariant(), accessToken);
        var limiter = limiters.GetOrAdd(
            key,
            static (_, state) => new SlidingWindowRequestLimiter(state.Rps, Window, state.Time),
            (Rps: requestsPerSecond, Time: timeProvider));
        if (limiter.PermitLimit != requestsPerSecond)
        {
            throw new InvalidOperationException(
                $"The Sakura API rate limit for this access token is already {limiter.PermitLimit} requests/s in this process; "
                + $"a second client asked for {requestsPerSecond}. Use one Sakura:RequestsPerSecond value per access token.");
        }

        return limiter;
    }
}
