using DurableHost.Azurite;

namespace SakuraLb.Functions.Tests.Infrastructure;

/// <summary>
/// The test process's Azurite (blob, queue and table services on free loopback ports, in memory), shared with
/// everything else in the process that needs one (<see cref="AzuriteServer.SharedAsync"/>): started on first use,
/// stopped when the process exits. Tests keep apart by table prefix.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync() => ConnectionString = (await AzuriteServer.SharedAsync()).ConnectionString;

    // The shared instance outlives any one collection.
    public Task DisposeAsync() => Task.CompletedTask;
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
