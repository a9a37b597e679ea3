using Azure.Data.Tables;
using SakuraLb.Reconcile.Nodes;

namespace SakuraLb.Functions.Tests.Storage;

/// <summary>The node-result store's contract; both implementations run exactly these tests.</summary>
public abstract class NodeResultStoreContractTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    protected abstract INodeResultStore Create();

    private static NodeResult Result(int i) => new()
    {
        Name = $"node-{i:D4}",
        Uid = Guid.NewGuid().ToString(),
        ProviderId = $"sakuracloud://{113100000000 + i}",
        Addresses = [new(WellKnown.NodeInternalIP, $"10.{i / 250}.{i % 250}.1"), new(WellKnown.NodeHostName, $"node-{i:D4}")],
        Labels = new Dictionary<string, string> { [WellKnown.ZoneLabel] = "is1a", [WellKnown.RegionLabel] = "is1", [WellKnown.InstanceTypeLabel] = "2core-4gb" },
        Initialized = i % 2 == 0,
        Shutdown = i % 7 == 0,
        ReasonCode = ReasonCodes.NodeInitialized,
        Message = $"node node-{i:D4} is Sakura server {113100000000 + i} (is1a, 2core-4gb), up",
        Since = T0,
        Warnings = i % 5 == 0 ? [new StatusWarning(ReasonCodes.ServerWithoutAddress, "none")] : null,
    };

    [Fact]
    public async Task Put_ThenGet_RoundTripsPerCluster()
    {
        var store = Create();
        var cluster = "c" + Guid.NewGuid().ToString("N")[..10];
        var record = new NodeResultsRecord(cluster, [Result(1), Result(5)], [new VanishedServer("node-0009", "u9", 9, T0)], T0);

        Assert.Null(await store.GetAsync(cluster, default));
        await store.PutAsync(record, default);
        var read = await store.GetAsync(cluster, default);

        Assert.NotNull(read);
        Assert.True(NodeResultsPayload.SameContent(record, read));
        Assert.Equal((cluster, T0), (read.ClusterId, read.DecidedAt));
        Assert.Equal(record.Results, read.Results, (a, b) => ModelJson.Serialize(a) == ModelJson.Serialize(b));
        Assert.Equal(record.Vanished, read.Vanished);
        Assert.Null(await store.GetAsync(cluster + "x", default));
    }

    [Fact]
    public async Task FiveThousandNodes_FitOneRow()
    {
        var store = Create();
        var cluster = "c" + Guid.NewGuid().ToString("N")[..10];
        var record = new NodeResultsRecord(cluster, [.. Enumerable.Range(0, 5000).Select(Result)], [], T0);

        await store.PutAsync(record, default);

        Assert.Equal(5000, (await store.GetAsync(cluster, default))!.Results.Count);
    }
}

public sealed class InMemoryNodeResultStoreContractTests : NodeResultStoreContractTests
{
    protected override INodeResultStore Create() => new InMemoryNodeResultStore();
}

[Collection(AzuriteCollection.Name)]
public sealed class AzuriteNodeResultStoreContractTests(AzuriteFixture azurite) : NodeResultStoreContractTests
{
    protected override INodeResultStore Create() =>
        new TableNodeResultStore(new TableStorage(new TableServiceClient(azurite.ConnectionString), "t" + Guid.NewGuid().ToString("N")[..12]));
}
