using System.Net;
using Microsoft.Extensions.Logging;

namespace SakuraLb.Sakura.Telemetry;

/// <summary>Source-generated log messages of the Sakura client (event ids 3000-3099).</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information,
        Message = "Sakura API {Method} {Path} answered {StatusCode} {ErrorCode}; retry {Attempt} of {MaxRetries} in {DelayMs} ms")]
    public static partial void RetryScheduled(
        ILogger logger, string method, string path, HttpStatusCode statusCode, string? errorCode, int attempt, int maxRetries, long delayMs);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning,
        Message = "Sakura API calls fail fast for {BreakMs} ms: nearly every recent attempt failed with a server error or no answer")]
    public static partial void CircuitOpened(ILogger logger, long breakMs);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug,
        Message = "Sakura API request {Method} {Path} waited {WaitMs} ms for the rate limiter")]
    public static partial void RateLimited(ILogger logger, string method, string path, long waitMs);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning,
        Message = "Sakura API {Method} {Path} did not answer within {TimeoutMs} ms")]
    public static partial void AttemptTimedOut(ILogger logger, string method, string path, long timeoutMs);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning,
        Message = "Sakura API search {Path} ignored paging (asked From {From} Count {Count}, got {Returned} items starting at {ReportedFrom}); using what it returned")]
    public static partial void PagingIgnored(ILogger logger, string path, int from, int count, int returned, int? reportedFrom);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information,
        Message = "Sakura appliance {ApplianceId} was already gone when deleting it")]
    public static partial void DeleteAlreadyGone(ILogger logger, long applianceId);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning,
        Message = "Sakura create of load balancer {Name} had an unknown outcome; it was made (appliance {ApplianceId}), so it is not created again")]
    public static partial void CreateOutcomeFound(ILogger logger, string name, long applianceId);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning,
        Message = "Sakura create of load balancer {Name} had an unknown outcome ({Reason}) and no such load balancer is visible yet; the caller looks again before creating")]
    public static partial void CreateOutcomeUnknown(ILogger logger, string name, string reason);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning,
        Message = "Sakura appliance {ApplianceId} ({Class}) in the appliance list says no switch (no Switch, Remark.Switch or interface switch): its addresses cannot be counted as in use on switch {SwitchId}")]
    public static partial void ApplianceSwitchUnknown(ILogger logger, long applianceId, string? @class, long switchId);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning,
        Message = "Sakura appliance {ApplianceId} ({Class}) on switch {SwitchId} came without {Missing} in the appliance list: the addresses those fields carry cannot be counted as in use")]
    public static partial void ApplianceAddressesUnknown(ILogger logger, long applianceId, string? @class, long switchId, string missing);
}
