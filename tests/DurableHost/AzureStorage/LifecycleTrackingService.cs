using DurableHost.Telemetry;
using DurableTask.Core;
using Microsoft.Extensions.Logging;

namespace DurableHost.AzureStorage;

/// <summary>
/// The orchestration service as the sidecar's dispatchers see it: the same service, but its start and stop are
/// observable and never throw. The test host's gRPC server starts and stops the service from <c>async void</c>
/// handlers (once a worker connects; when the sidecar stops), where an exception would end the process and
/// completion cannot be awaited; the engine awaits <see cref="Started"/> and <see cref="Stopped"/> instead.
/// </summary>
internal sealed class LifecycleTrackingService(IOrchestrationService inner, string taskHub, ILogger logger) : IOrchestrationService
{
    private readonly TaskCompletionSource started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock gate = new();
    private bool startRequested;
    private bool stopRequested;

    /// <summary>Completes when the service has started; faults when it failed to.</summary>
    public Task Started => started.Task;

    /// <summary>Completes when the service has stopped (or was never started and never will be).</summary>
    public Task Stopped => stopped.Task;

    public int TaskOrchestrationDispatcherCount => inner.TaskOrchestrationDispatcherCount;

    public int MaxConcurrentTaskOrchestrationWorkItems => inner.MaxConcurrentTaskOrchestrationWorkItems;

    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => inner.EventBehaviourForContinueAsNew;

    public int TaskActivityDispatcherCount => inner.TaskActivityDispatcherCount;

    public int MaxConcurrentTaskActivityWorkItems => inner.MaxConcurrentTaskActivityWorkItems;

    public async Task StartAsync()
    {
        lock (gate)
        {
            // A start that comes after the stop (the sidecar stopped before a worker ever connected) must not run.
            if (startRequested || stopRequested)
            {
                return;
            }

            startRequested = true;
        }

        try
        {
            await inner.StartAsync();
            started.TrySetResult();
        }
#pragma warning disable CA1031 // Reported through Started: thrown here it would end the process.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            logger.ServiceStartFailed(ex, taskHub);
            started.TrySetException(ex);
        }
    }

    public Task StopAsync() => StopAsync(isForced: false);

    public async Task StopAsync(bool isForced)
    {
        bool wasStarted;
        lock (gate)
        {
            if (stopRequested)
            {
                return;
            }

            stopRequested = true;
            wasStarted = startRequested;
        }

        try
        {
            if (wasStarted)
            {
                // A start still in progress finishes first: stopping a half-started service fails.
                await started.Task.ContinueWith(_ => { }, TaskScheduler.Default);
                if (started.Task.IsCompletedSuccessfully)
                {
                    await inner.StopAsync(isForced);
                }
            }
        }
#pragma warning disable CA1031 // Reported in the log: thrown here it would end the process.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            logger.ServiceStopFailed(ex, taskHub);
        }
        finally
        {
            started.TrySetCanceled();
            stopped.TrySetResult();
        }
    }

    public Task CreateAsync() => inner.CreateAsync();

    public Task CreateAsync(bool recreateInstanceStore) => inner.CreateAsync(recreateInstanceStore);

    public Task CreateIfNotExistsAsync() => inner.CreateIfNotExistsAsync();

    public Task DeleteAsync() => inner.DeleteAsync();

    public Task DeleteAsync(bool deleteInstanceStore) => inner.DeleteAsync(deleteInstanceStore);

    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) =>
        inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);

    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => inner.GetDelayInSecondsAfterOnProcessException(exception);

    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => inner.GetDelayInSecondsAfterOnFetchException(exception);

    public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);

    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    public Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState) =>
        inner.CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);

    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.AbandonTaskOrchestrationWorkItemAsync(workItem);

    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);

    public Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);

    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => inner.RenewTaskActivityWorkItemLockAsync(workItem);

    public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) =>
        inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);

    public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem) => inner.AbandonTaskActivityWorkItemAsync(workItem);
}
