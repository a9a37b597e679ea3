using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using DurableHost.Azurite;
using DurableHost.AzureStorage;
using DurableHost.Tests.Infrastructure;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace DurableHost.Tests;

/// <summary>Starting and stopping Azure Storage engines: their own task hubs, deleted when they stop.</summary>
public sealed class EngineLifecycleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AzureStorageEngine_RunsOnItsOwnTaskHub_AndDeletesItWhenDisposed()
    {
        var options = await AzureStorageEngineOptions.ForTestsAsync();
        var clock = Stopwatch.StartNew();
        var engine = await AzureStorageEngine.StartAsync(r => TestTasks.Register(r, new ActivityLog()), TestTasks.Services, options);
        var started = clock.Elapsed;
        var hub = engine.TaskHubName;
        string[] existing;
        try
        {
            await engine.Client.ScheduleNewOrchestrationInstanceAsync(TestTasks.Greet, "hub", new StartOrchestrationOptions("only"));
            var done = await Poll.FinishedAsync(engine.Client, "only");
            Assert.Equal("Hello, hub!", done.ReadOutputAs<string>());
            existing = await StorageOfAsync(options.ConnectionString, hub);
        }
        finally
        {
            clock.Restart();
            await engine.DisposeAsync();
            output.WriteLine($"engine start (task hub created, partitions owned) {started.TotalMilliseconds:F0} ms, dispose (hub deleted) {clock.ElapsedMilliseconds} ms");
        }

        Assert.Contains(hub.ToLowerInvariant() + "-workitems", existing);
        Assert.Contains(hub + "History", existing);
        Assert.Empty(await StorageOfAsync(options.ConnectionString, hub));
    }

    [Fact]
    public async Task AddAzureStorageDurableTask_InAHost_RunsOrchestrations_AndDeletesTheTaskHubOnStop()
    {
        var options = await AzureStorageEngineOptions.ForTestsAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        TestTasks.Services(builder.Services);
        builder.Services.AddAzureStorageDurableTask(r => TestTasks.Register(r, new ActivityLog()), options);
        using var host = builder.Build();
        var durable = host.Services.GetRequiredService<AzureStorageDurableTaskHost>();

        await host.StartAsync();
        string[] existing;
        try
        {
            await durable.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
            var client = host.Services.GetRequiredService<DurableTaskClient>();
            await client.ScheduleNewOrchestrationInstanceAsync(TestTasks.Greet, "host", new StartOrchestrationOptions("in-host"));
            var done = await Poll.FinishedAsync(client, "in-host");
            Assert.Equal("Hello, host!", done.ReadOutputAs<string>());
            existing = await StorageOfAsync(options.ConnectionString, durable.TaskHubName);
        }
        finally
        {
            await host.StopAsync();
        }

        Assert.Contains(durable.TaskHubName + "Instances", existing);
        Assert.Empty(await StorageOfAsync(options.ConnectionString, durable.TaskHubName));
    }

    /// <summary>The queues, tables and blob containers whose names start with the task hub's.</summary>
    private static async Task<string[]> StorageOfAsync(string connectionString, string hub)
    {
        var names = new List<string>();
        await foreach (var queue in new QueueServiceClient(connectionString).GetQueuesAsync(prefix: hub.ToLowerInvariant()))
        {
            names.Add(queue.Name);
        }

        await foreach (var table in new TableServiceClient(connectionString).QueryAsync())
        {
            if (table.Name.StartsWith(hub, StringComparison.OrdinalIgnoreCase))
            {
                names.Add(table.Name);
            }
        }

        await foreach (var container in new BlobServiceClient(connectionString).GetBlobContainersAsync(prefix: hub.ToLowerInvariant()))
        {
            names.Add(container.Name);
        }

        return [.. names];
    }
}

public sealed class AzuriteServerTests
{
    [Fact]
    public async Task OwnAzurite_ServesBlobsQueuesAndTables_AndStopsWhenDisposed()
    {
        var azurite = await AzuriteServer.StartAsync();
        var shared = await AzuriteServer.SharedAsync();
        try
        {
            var name = "t" + Guid.NewGuid().ToString("N")[..10];
            await new TableServiceClient(azurite.ConnectionString).CreateTableIfNotExistsAsync(name);
            await new QueueServiceClient(azurite.ConnectionString).CreateQueueAsync(name);
            await new BlobServiceClient(azurite.ConnectionString).CreateBlobContainerAsync(name);

            Assert.NotEqual(shared.TablePort, azurite.TablePort);
            Assert.False(await new QueueServiceClient(shared.ConnectionString).GetQueueClient(name).ExistsAsync());
        }
        finally
        {
            await azurite.DisposeAsync();
        }

        using var probe = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, azurite.TablePort));
    }
}
