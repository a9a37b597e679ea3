namespace SakuraSim.Telemetry;

internal static partial class Logs
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Sakura Cloud simulator listening on {BaseAddress} (API root {ApiRoot})")]
    public static partial void Started(this ILogger logger, Uri baseAddress, Uri apiRoot);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Unhandled error while serving {Method} {Path}")]
    public static partial void UnhandledError(this ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Fault injected on {Method} {Path}: {Status} {ErrorCode}")]
    public static partial void FaultInjected(this ILogger logger, string method, string path, int status, string? errorCode);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Simulator reset (default topology: {Seeded})")]
    public static partial void Reset(this ILogger logger, bool seeded);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "{Method} {Path} -> {Status} {ErrorCode}")]
    public static partial void Served(this ILogger logger, string method, string path, int status, string? errorCode);
}
