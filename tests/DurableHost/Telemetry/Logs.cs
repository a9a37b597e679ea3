using Microsoft.Extensions.Logging;

namespace DurableHost.Telemetry;

internal static partial class Logs
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Azurite is listening: blob {BlobPort}, queue {QueuePort}, table {TablePort} (process {ProcessId})")]
    public static partial void AzuriteStarted(this ILogger logger, int blobPort, int queuePort, int tablePort, int processId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Task hub {TaskHub} is served on {Address}")]
    public static partial void SidecarStarted(this ILogger logger, string taskHub, Uri address);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "The orchestration service of task hub {TaskHub} failed to start")]
    public static partial void ServiceStartFailed(this ILogger logger, Exception exception, string taskHub);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "The orchestration service of task hub {TaskHub} failed to stop")]
    public static partial void ServiceStopFailed(this ILogger logger, Exception exception, string taskHub);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "The dispatchers of task hub {TaskHub} did not stop within {Timeout}; stopping the orchestration service directly")]
    public static partial void DispatchersDidNotStop(this ILogger logger, string taskHub, TimeSpan timeout);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Task hub {TaskHub} deleted")]
    public static partial void TaskHubDeleted(this ILogger logger, string taskHub);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Task hub {TaskHub} could not be deleted")]
    public static partial void TaskHubDeleteFailed(this ILogger logger, Exception exception, string taskHub);
}
