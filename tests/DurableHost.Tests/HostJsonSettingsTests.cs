using System.Text;
using DurableHost.AzureStorage;

namespace DurableHost.Tests;

public sealed class HostJsonSettingsTests
{
    private const string Connection = "UseDevelopmentStorage=true";

    [Fact]
    public void RepositoryHostJson_GivesItsValues_AndTheExtensionsDefaultsForTheRest()
    {
        var options = AzureStorageEngineOptions.FromHostJson(Connection);

        // Named in host.json.
        Assert.Equal(4, options.PartitionCount);
        Assert.Equal(64, options.MaxConcurrentActivityFunctions);
        Assert.Equal(64, options.MaxConcurrentOrchestratorFunctions);
        Assert.Equal(OverridableStates.NonRunningStates, options.OverridableExistingInstanceStates);
        Assert.Equal(TimeSpan.FromSeconds(2), options.MaxQueuePollingInterval);

        // Not named: the Durable extension's defaults.
        Assert.Equal(32, options.ControlQueueBatchSize);
        Assert.Equal(256, options.ControlQueueBufferThreshold);
        Assert.True(options.UseTablePartitionManagement);
        Assert.True(options.UseAppLease);
        Assert.False(options.ExtendedSessionsEnabled);
        Assert.Null(options.TaskHubName);
    }

    [Fact]
    public void HostJson_StorageProviderSettings_AreRead_WhateverTheirCase()
    {
        var options = Parse("""
            {
              // comments are allowed, as in the Functions host
              "Extensions": { "DurableTask": {
                "MaxConcurrentActivityFunctions": 2,
                "extendedSessionsEnabled": true,
                "overridableExistingInstanceStates": "AnyState",
                "storageProvider": {
                  "partitionCount": 2,
                  "maxQueuePollingInterval": "00:00:02",
                  "controlQueueVisibilityTimeout": "00:01:00",
                  "useTablePartitionManagement": false,
                },
              } }
            }
            """);

        Assert.Equal(2, options.MaxConcurrentActivityFunctions);
        Assert.True(options.ExtendedSessionsEnabled);
        Assert.Equal(OverridableStates.AnyState, options.OverridableExistingInstanceStates);
        Assert.Equal(2, options.PartitionCount);
        Assert.Equal(TimeSpan.FromSeconds(2), options.MaxQueuePollingInterval);
        Assert.Equal(TimeSpan.FromMinutes(1), options.ControlQueueVisibilityTimeout);
        Assert.False(options.UseTablePartitionManagement);
    }

    [Fact]
    public void HostJson_WithoutADurableSection_GivesTheExtensionsDefaults()
    {
        var options = Parse("""{ "version": "2.0" }""");

        var extensionDefault = 10 * Environment.ProcessorCount;
        Assert.Equal(
            new AzureStorageEngineOptions { ConnectionString = Connection, MaxConcurrentActivityFunctions = extensionDefault, MaxConcurrentOrchestratorFunctions = extensionDefault },
            options);
    }

    [Fact]
    public void EveryEngine_DefaultsToTheRepositoryHostJsonsConcurrency()
    {
        var hostJson = AzureStorageEngineOptions.FromHostJson(Connection);
        var inMemory = new DurableEngineOptions();

        Assert.Equal(hostJson.MaxConcurrentActivityFunctions, inMemory.MaxConcurrentActivityFunctions);
        Assert.Equal(hostJson.MaxConcurrentOrchestratorFunctions, inMemory.MaxConcurrentOrchestratorFunctions);
        Assert.Equal(hostJson.MaxConcurrentActivityFunctions, new AzureStorageEngineOptions { ConnectionString = Connection }.MaxConcurrentActivityFunctions);
    }

    private static AzureStorageEngineOptions Parse(string json)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        return AzureStorageEngineOptions.FromHostJson(Connection, stream);
    }
}
