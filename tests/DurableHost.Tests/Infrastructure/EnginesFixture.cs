using DurableHost.AzureStorage;
using DurableHost.InMemory;

namespace DurableHost.Tests.Infrastructure;

/// <summary>
/// One engine of each kind for the whole collection, with the test tasks registered (starting an Azure Storage
/// engine creates a task hub: seconds, not milliseconds). Tests use their own instance ids.
/// </summary>
public sealed class EnginesFixture : IAsyncLifetime
{
    private InMemoryEngine? inMemory;
    private AzureStorageEngine? azureStorage;

    internal ActivityLog InMemoryLog { get; } = new();

    internal ActivityLog AzureStorageLog { get; } = new();

    public AzureStorageEngine AzureStorage => azureStorage ?? throw new InvalidOperationException("Not started.");

    public IDurableEngine Engine(DurableEngineKind kind) => kind switch
    {
        DurableEngineKind.InMemory => inMemory ?? throw new InvalidOperationException("Not started."),
        _ => AzureStorage,
    };

    internal ActivityLog Log(DurableEngineKind kind) => kind == DurableEngineKind.InMemory ? InMemoryLog : AzureStorageLog;

    public async Task InitializeAsync()
    {
        var memory = InMemoryEngine.StartAsync(r => TestTasks.Register(r, InMemoryLog), TestTasks.Services);
        var storage = AzureStorageEngine.StartAsync(r => TestTasks.Register(r, AzureStorageLog), TestTasks.Services, await AzureStorageEngineOptions.ForTestsAsync());
        inMemory = await memory;
        azureStorage = await storage;
    }

    public async Task DisposeAsync()
    {
        if (azureStorage is not null)
        {
            await azureStorage.DisposeAsync();
        }

        if (inMemory is not null)
        {
            await inMemory.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class EnginesCollection : ICollectionFixture<EnginesFixture>
{
    public const string Name = "Engines";
}
