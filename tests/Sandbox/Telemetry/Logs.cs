namespace Sandbox.Telemetry;

/// <summary>The sandbox's own log lines (event ids 9xxx, apart from the app's and the relay's).</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 9000, Level = LogLevel.Debug, Message = "Serving function {Name}: {Methods} {Path} (key level {AuthLevel})")]
    public static partial void Serving(this ILogger logger, string name, string methods, string path, string authLevel);

    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "Refused {Method} {Path}: missing or wrong function key")]
    public static partial void KeyRejected(this ILogger logger, string method, string path);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Error, Message = "Function {Name} failed")]
    public static partial void FunctionFailed(this ILogger logger, Exception exception, string name);

    [LoggerMessage(EventId = 9010, Level = LogLevel.Error, Message = "The timer functions failed; next run in {Interval}")]
    public static partial void TimerFailed(this ILogger logger, Exception exception, TimeSpan interval);

    [LoggerMessage(EventId = 9020, Level = LogLevel.Information, Message = "Node {Name} registered uninitialised, as kubelet does; its Sakura server is {ServerId} at {Address}")]
    public static partial void NodeSeeded(this ILogger logger, string name, long serverId, string address);
}
