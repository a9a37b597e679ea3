using DurableHost.AzureStorage;
using DurableHost.InMemory;
using DurableHost.Tests.Infrastructure;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SakuraLb.Testing;

namespace DurableHost.Tests;

/// <summary>
/// Both engines run as many activities at a time as the options say (host.json's <c>maxConcurrentActivityFunctions</c>
/// unless set), and no more: the in-memory SDK service on its own would run one per processor.
/// </summary>
public sealed class ConcurrencyLimitTests
{
    private const string Block = "Block";
    private const string FanOut = "FanOut";

    [Theory]
    [InlineData(DurableEngineKind.InMemory, false)]
    [InlineData(DurableEngineKind.InMemory, true)]
    [InlineData(DurableEngineKind.AzureStorage, false)]
    [InlineData(DurableEngineKind.AzureStorage, true)]
    public async Task BlockedActivities_RunExactlyTheConfiguredNumberAtATime(DurableEngineKind kind, bool explicitLimit)
    {
        // Neither the SDK's in-memory default (one per processor) nor the extension's (ten per processor).
        var limit = explicitLimit ? Environment.ProcessorCount + 3 : HostJson.Repository.Activities;
        DurableEngineOptions options = kind == DurableEngineKind.AzureStorage ? await AzureStorageEngineOptions.ForTestsAsync() : new DurableEngineOptions();
        if (explicitLimit)
        {
            options = options with { MaxConcurrentActivityFunctions = limit };
        }

        var gate = new ActivityGate();
        await using var engine = await DurableEngine.StartAsync(kind, gate.Register, options: options);

        await AssertRunsExactlyAsync(engine.Client, gate, limit);
    }

    /// <summary>The sandbox's path: the in-memory engine registered in an existing host.</summary>
    [Fact]
    public async Task AddInMemoryEngineDurableTask_InAHost_RunsHostJsonsNumberOfActivitiesAtATime()
    {
        var gate = new ActivityGate();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddInMemoryEngineDurableTask(gate.Register);
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            await AssertRunsExactlyAsync(host.Services.GetRequiredService<DurableTaskClient>(), gate, HostJson.Repository.Activities);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static async Task AssertRunsExactlyAsync(DurableTaskClient client, ActivityGate gate, int limit)
    {
        await client.ScheduleNewOrchestrationInstanceAsync(FanOut, limit + 2, new StartOrchestrationOptions("fan"));
        await Eventually.UntilAsync(() => gate.Running >= limit, $"{limit} activities running at once", TimeSpan.FromSeconds(60));

        // Nothing has been released: an engine above the limit starts the other two with the first ones. Not waiting
        // for a state here but watching one that must not come, for a bounded time.
        await Assert.ThrowsAsync<TimeoutException>(() => Eventually.UntilAsync(() => gate.MostAtOnce > limit, "more than the limit", TimeSpan.FromSeconds(1)));
        gate.Release();

        var done = await Poll.FinishedAsync(client, "fan");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(Enumerable.Range(0, limit + 2).Sum(), done.ReadOutputAs<int>());
        Assert.Equal(limit, gate.MostAtOnce);
    }

    /// <summary>Holds every activity until released, counting how many run at once.</summary>
    private sealed class ActivityGate
    {
        private readonly TaskCompletionSource open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int running;
        private int mostAtOnce;

        public int Running => Volatile.Read(ref running);

        public int MostAtOnce => Volatile.Read(ref mostAtOnce);

        public void Release() => open.TrySetResult();

        /// <summary>An orchestration that fans out to as many held activities as its input says.</summary>
        public void Register(DurableTaskRegistry registry)
        {
            registry.AddActivityFunc<int, int>(Block, (_, i) => HoldAsync(i));
            registry.AddOrchestratorFunc<int, int>(FanOut, async (ctx, n) =>
                (await Task.WhenAll(Enumerable.Range(0, n).Select(i => ctx.CallActivityAsync<int>(Block, i)))).Sum());
        }

        public async Task<int> HoldAsync(int value)
        {
            var now = Interlocked.Increment(ref running);
            int most;
            while ((most = Volatile.Read(ref mostAtOnce)) < now && Interlocked.CompareExchange(ref mostAtOnce, now, most) != most)
            {
            }

            try
            {
                await open.Task;
                return value;
            }
            finally
            {
                Interlocked.Decrement(ref running);
            }
        }
    }
}
