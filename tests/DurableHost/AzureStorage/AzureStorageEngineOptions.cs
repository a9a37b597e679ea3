using System.Text.Json;
using DurableHost.Azurite;

namespace DurableHost.AzureStorage;

/// <summary>Which existing instances a start without dedupe statuses refuses (host.json <c>overridableExistingInstanceStates</c>).</summary>
public enum OverridableStates
{
    /// <summary>A start replaces an instance in any state.</summary>
    AnyState,

    /// <summary>A start is refused while the instance is Pending, Running or Suspended (the extension's default).</summary>
    NonRunningStates,
}

/// <summary>
/// The Azure Storage engine's settings, named as in host.json's <c>extensions.durableTask</c> section. Use
/// <see cref="FromHostJson(string)"/> for the values the Functions host would use with this repository's host.json,
/// or <see cref="ForTestsAsync"/> for the same on the test process's shared Azurite.
/// </summary>
public sealed record AzureStorageEngineOptions : DurableEngineOptions
{
    /// <summary>The storage account (Azurite's connection string in tests).</summary>
    public required string ConnectionString { get; init; }

    /// <summary>
    /// The task hub; null gives every engine its own (host.json's <c>hubName</c> is an app setting of the
    /// deployment, and tests run in parallel on one Azurite).
    /// </summary>
    public string? TaskHubName { get; init; }

    /// <summary>storageProvider.partitionCount (extension default 4).</summary>
    public int PartitionCount { get; init; } = 4;

    /// <summary>
    /// storageProvider.maxQueuePollingInterval: the longest an idle queue goes unpolled, so also how late a durable
    /// timer or a scheduled start can be seen (extension default 30 s, 1 s on Flex Consumption).
    /// </summary>
    public TimeSpan MaxQueuePollingInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>storageProvider.controlQueueBatchSize (extension default 32).</summary>
    public int ControlQueueBatchSize { get; init; } = 32;

    /// <summary>storageProvider.controlQueueBufferThreshold (extension default 256).</summary>
    public int ControlQueueBufferThreshold { get; init; } = 256;

    /// <summary>storageProvider.controlQueueVisibilityTimeout (extension default 5 minutes).</summary>
    public TimeSpan ControlQueueVisibilityTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>storageProvider.workItemQueueVisibilityTimeout (extension default 5 minutes).</summary>
    public TimeSpan WorkItemQueueVisibilityTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>storageProvider.useTablePartitionManagement (extension 3.x default true).</summary>
    public bool UseTablePartitionManagement { get; init; } = true;

    /// <summary>storageProvider.fetchLargeMessagesAutomatically (extension default true).</summary>
    public bool FetchLargeMessagesAutomatically { get; init; } = true;

    /// <summary>extendedSessionsEnabled (extension default false).</summary>
    public bool ExtendedSessionsEnabled { get; init; }

    /// <summary>useAppLease (extension default true).</summary>
    public bool UseAppLease { get; init; } = true;

    /// <summary>overridableExistingInstanceStates: what a start without dedupe statuses refuses (extension default NonRunningStates).</summary>
    public OverridableStates OverridableExistingInstanceStates { get; init; } = OverridableStates.NonRunningStates;

    /// <summary>Delete the task hub's queues, tables and containers when the engine stops (so Azurite does not fill up).</summary>
    public bool DeleteTaskHubOnStop { get; init; } = true;

    /// <summary>The settings the Functions host derives from this repository's host.json (embedded at build time).</summary>
    public static AzureStorageEngineOptions FromHostJson(string connectionString)
    {
        using var stream = HostJson.OpenRepositoryFile();
        return FromHostJson(connectionString, stream);
    }

    /// <summary>
    /// The settings the Functions host derives from a host.json: the values it names, the extension's defaults
    /// for the rest. Property names are matched without regard to case, as the host does.
    /// </summary>
    public static AzureStorageEngineOptions FromHostJson(string connectionString, Stream hostJson)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        using var document = HostJson.Parse(hostJson);
        var durable = HostJson.DurableSection(document);
        var concurrency = HostJson.ConcurrencyOf(durable);
        var options = new AzureStorageEngineOptions
        {
            ConnectionString = connectionString,
            MaxConcurrentActivityFunctions = concurrency.Activities,
            MaxConcurrentOrchestratorFunctions = concurrency.Orchestrators,
        };
        if (durable is not { } section)
        {
            return options;
        }

        options = options with
        {
            ExtendedSessionsEnabled = HostJson.Bool(section, "extendedSessionsEnabled") ?? options.ExtendedSessionsEnabled,
            UseAppLease = HostJson.Bool(section, "useAppLease") ?? options.UseAppLease,
            OverridableExistingInstanceStates = HostJson.Child(section, "overridableExistingInstanceStates") is { ValueKind: JsonValueKind.String } states
                ? Enum.Parse<OverridableStates>(states.GetString()!, ignoreCase: true)
                : options.OverridableExistingInstanceStates,
        };
        if (HostJson.Child(section, "storageProvider") is not { } storage)
        {
            return options;
        }

        return options with
        {
            PartitionCount = HostJson.Int(storage, "partitionCount") ?? options.PartitionCount,
            MaxQueuePollingInterval = HostJson.Duration(storage, "maxQueuePollingInterval") ?? options.MaxQueuePollingInterval,
            ControlQueueBatchSize = HostJson.Int(storage, "controlQueueBatchSize") ?? options.ControlQueueBatchSize,
            ControlQueueBufferThreshold = HostJson.Int(storage, "controlQueueBufferThreshold") ?? options.ControlQueueBufferThreshold,
            ControlQueueVisibilityTimeout = HostJson.Duration(storage, "controlQueueVisibilityTimeout") ?? options.ControlQueueVisibilityTimeout,
            WorkItemQueueVisibilityTimeout = HostJson.Duration(storage, "workItemQueueVisibilityTimeout") ?? options.WorkItemQueueVisibilityTimeout,
            UseTablePartitionManagement = HostJson.Bool(storage, "useTablePartitionManagement") ?? options.UseTablePartitionManagement,
            FetchLargeMessagesAutomatically = HostJson.Bool(storage, "fetchLargeMessagesAutomatically") ?? options.FetchLargeMessagesAutomatically,
        };
    }

    /// <summary>
    /// host.json's settings on the test process's shared Azurite: the queue polling interval and the partition
    /// count the Functions host would use, so timers, scheduled starts and the completion window are as late and as
    /// wide as in production.
    /// </summary>
    public static async Task<AzureStorageEngineOptions> ForTestsAsync()
    {
        var azurite = await AzuriteServer.SharedAsync();
        return FromHostJson(azurite.ConnectionString);
    }
}
