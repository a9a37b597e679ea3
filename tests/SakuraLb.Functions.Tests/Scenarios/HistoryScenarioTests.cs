using System.Collections.Concurrent;
using System.Globalization;
using Azure.Data.Tables;
using DurableHost.AzureStorage;
using Microsoft.Extensions.Options;
using SakuraLb.Functions.Options;
using Xunit.Abstractions;

namespace SakuraLb.Functions.Tests.Scenarios;

/// <summary>
/// How long a reconcile's history gets on the production backend, where every turn replays it from the start: one
/// pass per generation keeps it to a pass's worth, however many passes node churn causes. Measured on Azure Storage
/// only: the figures are the backend's history rows (the in-process engine keeps no comparable table).
/// </summary>
public sealed class HistoryScenarioTests(ITestOutputHelper output)
{
    /// <summary>
    /// A pass's history rows: the debounce's waits, the activities of its plans (two rows each), its timers and its
    /// turns, with room to spare. Without one pass per generation the churn's passes would all add up in one history.
    /// </summary>
    private const int PassBound = 200;

    /// <summary>Counts one instance's history rows per generation (execution) in the task hub's history table.</summary>
    private sealed class HistorySampler(string connectionString, string taskHub, string instanceId)
    {
        private readonly ConcurrentBag<(string Execution, int Events)> samples = [];
        private readonly TableClient history = new(connectionString, taskHub + "History");

        public async Task SampleAsync()
        {
            var rows = new List<string>();
            await foreach (var row in history.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {instanceId}"), select: ["ExecutionId"]))
            {
                rows.Add(row.GetString("ExecutionId") ?? "");
            }

            foreach (var execution in rows.GroupBy(r => r))
            {
                samples.Add((execution.Key, execution.Count()));
            }
        }

        public (int Generations, int MaxEvents) Summary() =>
            samples.IsEmpty ? (0, 0) : (samples.Select(s => s.Execution).Distinct().Count(), samples.Max(s => s.Events));
    }

    /// <summary>
    /// A sampler that looks whenever the reconcile reads the Service's desired row (at the start of a pass and at its
    /// fence), so a generation is seen at its longest even when the backend drops it once the next one starts.
    /// </summary>
    private static HistorySampler Sampling(TestApp app, string uid)
    {
        var sampler = new HistorySampler(
            app.Get<IOptions<StorageOptions>>().Value.ConnectionString!, ((AzureStorageEngine)app.Engine).TaskHubName, ReconcileServiceOrchestrator.InstanceId(uid));
        app.Get<StoreProbe<IDesiredStore>>().After(nameof(IDesiredStore.GetAsync), (args, _) =>
        {
            if (string.Equals((string?)args[1], uid, StringComparison.Ordinal))
            {
                sampler.SampleAsync().GetAwaiter().GetResult();
            }

            return false;
        });
        return sampler;
    }

    [Fact]
    public async Task Create_AndThirtyNodesJoining_KeepEveryGenerationsHistoryToOnePass()
    {
        // The node debounce as in production: its waits (a timer and a read each) are part of a generation.
        var (app, nodes, switchId, network) = await ManyServicesScenarioTests.StartWithBigRouterAsync(
            settings: new() { ["Reconcile:NodeDebounce"] = "00:00:02", ["Reconcile:NodeDebounceMax"] = "00:00:30" },
            engine: DurableEngineKind.AzureStorage,
            services: s => s.AddStoreProbe<IDesiredStore>());
        await using var _ = app;
        var service = Snapshots.Service(Snapshots.NewUid(), "web", [80, 443]);
        var sampler = Sampling(app, service.Uid);

        await app.PostEventsAsync([service], nodes);
        await app.WaitSettledAsync(service.Uid);
        await sampler.SampleAsync();
        var create = sampler.Summary();

        var churn = Sampling(app, service.Uid);
        await NodeChurnScenarioTests.NodesJoinAsync(app, [service], nodes, switchId, network, joining: 30, gap: TimeSpan.FromMilliseconds(100));
        await churn.SampleAsync();
        var joined = churn.Summary();

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"history on Azure Storage: create (2 ports, 3 nodes): {create.Generations} generation(s), at most {create.MaxEvents} events in one; " +
            $"30 nodes joining: {joined.Generations} generation(s), at most {joined.MaxEvents} events in one"));
        Assert.InRange(create.MaxEvents, 1, PassBound);
        Assert.InRange(joined.MaxEvents, 1, PassBound);
    }
}
