namespace KubeSim.Telemetry;

internal static partial class Logs
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Kubernetes API simulator listening on {BaseAddress}")]
    public static partial void Listening(ILogger logger, Uri baseAddress);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Unexpected failure serving {Method} {Path}")]
    public static partial void Unexpected(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Watch opened: {Resource} namespace '{Namespace}' from resourceVersion '{ResourceVersion}'")]
    public static partial void WatchOpened(ILogger logger, string resource, string @namespace, string? resourceVersion);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Injected fault: {Method} {Path} answered {StatusCode}")]
    public static partial void FaultInjected(ILogger logger, string method, string path, int statusCode);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "JSON patch of {Resource} {Name} not applied: {Reason}")]
    public static partial void PatchNotApplied(ILogger logger, string resource, string name, string reason);
}
