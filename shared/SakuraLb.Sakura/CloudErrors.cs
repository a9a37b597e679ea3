using SakuraLb.Reconcile;

namespace SakuraLb.Sakura;

/// <summary>
/// Which failures of an <see cref="ISakuraCloud"/> call are worth retrying, and how a permanent one is reported
/// in the planner's reason codes. Transient: busy and locked after the client's own retries, still creating,
/// 5xx, timeouts, connection errors. Everything else is permanent: retrying cannot change the answer.
/// </summary>
public static class CloudErrors
{
    /// <summary>True for a failure that may go away by itself: try again later.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        SakuraApiException api => api.IsTransient,
        TimeoutException or HttpRequestException => true,
        _ => false,
    };

    /// <summary>A reason code and a message for a permanent failure.</summary>
    public static (string ReasonCode, string Message) Describe(SakuraApiException exception, string action)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var code = exception.Kind switch
        {
            SakuraErrorKind.Unauthorized or SakuraErrorKind.Forbidden => ReasonCodes.AuthFailed,
            _ when exception.ErrorCode is { } e && e.Contains("limit", StringComparison.OrdinalIgnoreCase) => ReasonCodes.QuotaExceeded,
            _ => ReasonCodes.CloudError,
        };
        return (code, $"{action} failed: {exception.Message}");
    }
}
