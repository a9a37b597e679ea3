using SakuraLb.Reconcile;
using SakuraLb.Sakura;

namespace SakuraLb.Functions.Cloud;

/// <summary>
/// Which failures of a Sakura call are worth retrying, and how a permanent one is reported. Transient ones
/// (busy and locked after the client's own retries, still creating, 5xx, timeouts, connection errors) are
/// thrown out of activities for the orchestration's retry policy; permanent ones become a status.
/// </summary>
public static class CloudErrors
{
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
