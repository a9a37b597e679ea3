using Azure.Data.Tables;
using SakuraLb.Functions.Installation;

namespace SakuraLb.Functions.Tests.Storage;

/// <summary>The owner-id store's contract; both implementations run exactly these tests.</summary>
public abstract class OwnerStoreContractTests
{
    /// <summary>Two stores over the same storage, as two processes of one installation hold them.</summary>
    protected abstract (IOwnerStore First, IOwnerStore Second) CreatePair();

    [Fact]
    public async Task GetOrAdd_TheFirstCandidateStored_IsWhatEveryLaterCallGets()
    {
        var (store, _) = CreatePair();

        var first = await store.GetOrAddAsync(OwnerIdentity.NewId(), default);
        var second = await store.GetOrAddAsync(OwnerIdentity.NewId(), default);

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task GetOrAdd_TwoStoresRacingWithDifferentCandidates_AllAgreeOnOneOfThem()
    {
        for (var round = 0; round < 5; round++)
        {
            var (a, b) = CreatePair();
            var candidates = Enumerable.Range(0, 8).Select(_ => OwnerIdentity.NewId()).ToList();
            using var start = new ManualResetEventSlim();

            var results = await Task.WhenAll(candidates.Select((c, i) => Task.Run(async () =>
            {
                start.Wait();
                return await (i % 2 == 0 ? a : b).GetOrAddAsync(c, default);
            })).Append(Task.Run(() =>
            {
                start.Set();
                return "";
            })));

            var answers = results.Where(r => r.Length > 0).Distinct().ToList();
            var agreed = Assert.Single(answers);
            Assert.Contains(agreed, candidates);
            Assert.Equal(agreed, await b.GetOrAddAsync(OwnerIdentity.NewId(), default));
        }
    }

    [Fact]
    public async Task OwnerIdentity_TwoProcesses_GetTheSameValidId_AndPlanWithIt()
    {
        var (a, b) = CreatePair();
        var settings = new ControllerSettings { ClusterId = "c1" };
        var first = new OwnerIdentity(a, settings);
        var second = new OwnerIdentity(b, settings);

        var ids = await Task.WhenAll(first.GetAsync(default), second.GetAsync(default));

        Assert.Equal(ids[0], ids[1]);
        Assert.True(OwnerIdentity.IsValid(ids[0]), ids[0]);
        Assert.Equal(ids[0], (await first.SettingsAsync(default)).OwnerId);
    }
}

public sealed class InMemoryOwnerStoreContractTests : OwnerStoreContractTests
{
    protected override (IOwnerStore, IOwnerStore) CreatePair()
    {
        var store = new InMemoryOwnerStore();
        return (store, store);
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class AzuriteOwnerStoreContractTests(AzuriteFixture azurite) : OwnerStoreContractTests
{
    protected override (IOwnerStore, IOwnerStore) CreatePair()
    {
        // Two clients on the same tables, as two function app instances have them.
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        return (new TableOwnerStore(new TableStorage(new TableServiceClient(azurite.ConnectionString), prefix)),
            new TableOwnerStore(new TableStorage(new TableServiceClient(azurite.ConnectionString), prefix)));
    }
}
