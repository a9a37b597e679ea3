using System.Net;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using DurableHost.Sidecar;
using DurableHost.Telemetry;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DurableHost.AzureStorage;

/// <summary>
/// The Azure Storage task hub behind a gRPC sidecar: one <see cref="AzureStorageOrchestrationService"/>, configured
/// as the Functions host configures it, served by <see cref="FunctionsHostGrpcServer"/> on an HTTP/2 cleartext
/// Kestrel endpoint on 127.0.0.1 (a port the OS picks). The worker and the client share the one service instance,
/// as the Functions host's client and dispatcher do, so a message one enqueues wakes the other's poller.
/// </summary>
internal sealed class AzureStorageSidecar : ISidecar, IAsyncDisposable
{
    private static readonly TimeSpan DispatcherStopTimeout = TimeSpan.FromSeconds(15);

    private readonly AzureStorageEngineOptions options;
    private readonly AzureStorageOrchestrationService service;
    private readonly LifecycleTrackingService tracked;
    private readonly ILoggerFactory loggerFactory;
    private readonly ILogger logger;
    private WebApplication? app;
    private int stopped;

    public AzureStorageSidecar(AzureStorageEngineOptions options, ILoggerFactory loggerFactory)
    {
        this.options = options;
        this.loggerFactory = loggerFactory;
        logger = loggerFactory.CreateLogger("DurableHost.AzureStorage");
        TaskHubName = options.TaskHubName ?? NewTaskHubName();
        service = new AzureStorageOrchestrationService(Settings(options, TaskHubName, loggerFactory));
        tracked = new LifecycleTrackingService(service, TaskHubName, logger);
    }

    public string TaskHubName { get; }

    public AzureStorageOrchestrationService Service => service;

    /// <summary>Where the sidecar listens, once started.</summary>
    public Uri? Address { get; private set; }

    /// <summary>Completes when the orchestration service has started, which happens once a worker connects.</summary>
    public Task ServiceStarted => tracked.Started;

    /// <summary>A task hub name Azure Storage accepts (3-45 letters and digits, starting with a letter), unique per engine.</summary>
    public static string NewTaskHubName() => "t" + Guid.NewGuid().ToString("N")[..24];

    /// <summary>The settings the Durable extension's Azure Storage provider builds from host.json, for one task hub.</summary>
    public static AzureStorageOrchestrationServiceSettings Settings(AzureStorageEngineOptions options, string taskHubName, ILoggerFactory loggerFactory) => new()
    {
        StorageAccountClientProvider = new StorageAccountClientProvider(options.ConnectionString),
        TaskHubName = taskHubName,
        PartitionCount = options.PartitionCount,
        ControlQueueBatchSize = options.ControlQueueBatchSize,
        ControlQueueBufferThreshold = options.ControlQueueBufferThreshold,
        ControlQueueVisibilityTimeout = options.ControlQueueVisibilityTimeout,
        WorkItemQueueVisibilityTimeout = options.WorkItemQueueVisibilityTimeout,
        MaxConcurrentTaskOrchestrationWorkItems = options.MaxConcurrentOrchestratorFunctions,
        MaxConcurrentTaskActivityWorkItems = options.MaxConcurrentActivityFunctions,
        ExtendedSessionsEnabled = options.ExtendedSessionsEnabled,
        MaxQueuePollingInterval = options.MaxQueuePollingInterval,
        FetchLargeMessageDataEnabled = options.FetchLargeMessagesAutomatically,

        // The Functions host sets this: a refused start is an error, not a silent no-op returning the id.
        ThrowExceptionOnInvalidDedupeStatus = true,
        UseAppLease = options.UseAppLease,
        UseTablePartitionManagement = options.UseTablePartitionManagement,
        AppName = "DurableHost",
        WorkerId = WorkerId(taskHubName),
        LoggerFactory = loggerFactory,
    };

    private static string WorkerId(string taskHubName) => Environment.MachineName + ":" + Environment.ProcessId + ":" + taskHubName;

    /// <summary>
    /// Waits until this worker owns every partition (control queue), so the first orchestration is not held up by
    /// partition balancing. Only the table partition manager (extension 3.x's default) can be observed; with blob
    /// leases this returns at once.
    /// </summary>
    public async Task WaitForPartitionsAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!options.UseTablePartitionManagement)
        {
            return;
        }

        // The table partition manager's table: one row per control queue, with the owning worker's id.
        var partitions = new TableClient(options.ConnectionString, TaskHubName + "Partitions");
        var owner = WorkerId(TaskHubName);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            var owned = 0;
            await foreach (var row in partitions.QueryAsync<TableEntity>(select: ["CurrentOwner"], cancellationToken: deadline.Token))
            {
                if (string.Equals(row.GetString("CurrentOwner"), owner, StringComparison.Ordinal))
                {
                    owned++;
                }
            }

            if (owned >= options.PartitionCount)
            {
                return;
            }

            await Task.Delay(50, deadline.Token);
        }
    }

    /// <summary>Creates the task hub if needed and starts serving it; the service itself starts when a worker connects.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await service.CreateIfNotExistsAsync();

        (app, Address) = await LoopbackGrpcSidecar.StartAsync<FunctionsHostGrpcServer>(
            options.MinimumLogLevel,
            loggerFactory,
            services =>
            {
                services.AddSingleton<IOrchestrationService>(tracked);
                services.AddSingleton<IOrchestrationServiceClient>(service);
                services.AddSingleton(new FunctionsHostBehaviour(options.OverridableExistingInstanceStates));
            },
            cancellationToken);
        logger.SidecarStarted(TaskHubName, Address);
    }

    public IPEndPoint Endpoint => LoopbackGrpcSidecar.Endpoint(Address);

    /// <summary>
    /// Stops serving, waits for the dispatchers and the service to stop, then deletes the task hub if configured.
    /// Stop the worker first: the dispatchers wait for work items sent to a connected worker.
    /// </summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref stopped, 1) == 1)
        {
            return;
        }

        if (app is not null)
        {
            // Stopping the app stops the dispatchers and then the service, from the server's own stopping handler.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await app.StopAsync(timeout.Token);
        }

        try
        {
            await tracked.Stopped.WaitAsync(DispatcherStopTimeout);
        }
        catch (TimeoutException)
        {
            // A work item sent to a worker that went away is never answered, and the dispatcher waits for it.
            logger.DispatchersDidNotStop(TaskHubName, DispatcherStopTimeout);
            await tracked.StopAsync(isForced: true);
        }

        if (app is not null)
        {
            await app.DisposeAsync();
            app = null;
        }

        if (options.DeleteTaskHubOnStop)
        {
            try
            {
                await service.DeleteAsync();
                await DeleteAppLeaseContainerAsync();
                logger.TaskHubDeleted(TaskHubName);
            }
#pragma warning disable CA1031 // Cleanup of a test resource: a failure is logged, not worth failing a test run for.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                logger.TaskHubDeleteFailed(ex, TaskHubName);
            }
        }

        service.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>
    /// The service's delete leaves the app-lease container behind: a stopped service no longer counts as the lease
    /// owner but does not release the container's lease, so the delete is refused (and the refusal ignored).
    /// </summary>
    private async Task DeleteAppLeaseContainerAsync()
    {
        var container = new BlobContainerClient(options.ConnectionString, TaskHubName.ToLowerInvariant() + "-applease");
        try
        {
            await container.GetBlobLeaseClient().BreakAsync(TimeSpan.Zero);
        }
        catch (RequestFailedException)
        {
            // No lease, or no container.
        }

        await container.DeleteIfExistsAsync();
    }
}
