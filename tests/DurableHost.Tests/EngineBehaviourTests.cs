using System.Diagnostics;
using DurableHost.Tests.Infrastructure;
using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Xunit.Abstractions;

namespace DurableHost.Tests;

/// <summary>What both engines do alike.</summary>
[Collection(EnginesCollection.Name)]
public sealed class EngineBehaviourTests(EnginesFixture engines, ITestOutputHelper output)
{
    [Theory]
    [InlineData(DurableEngineKind.InMemory)]
    [InlineData(DurableEngineKind.AzureStorage)]
    public async Task Orchestration_CallingAnActivity_CompletesWithItsResult(DurableEngineKind kind)
    {
        var client = engines.Engine(kind).Client;
        var id = NewId();
        var clock = Stopwatch.StartNew();

        await client.ScheduleNewOrchestrationInstanceAsync(TestTasks.Greet, "durable", new StartOrchestrationOptions(id));
        var done = await Poll.FinishedAsync(client, id);

        output.WriteLine($"{kind}: schedule to Completed in {clock.ElapsedMilliseconds} ms");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("Hello, durable!", done.ReadOutputAs<string>());
    }

    [Theory]
    [InlineData(DurableEngineKind.InMemory)]
    [InlineData(DurableEngineKind.AzureStorage)]
    public async Task RetryPolicy_RetriesAFailingActivity_UntilItSucceeds(DurableEngineKind kind)
    {
        var client = engines.Engine(kind).Client;
        var id = NewId();

        await client.ScheduleNewOrchestrationInstanceAsync(TestTasks.RetryUntilSuccess, new RetryInput(id, Failures: 2, MaxAttempts: 5), new StartOrchestrationOptions(id));
        var done = await Poll.FinishedAsync(client, id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(3, done.ReadOutputAs<int>());
        Assert.Equal(3, engines.Log(kind).Attempts(id));
    }

    [Theory]
    [InlineData(DurableEngineKind.InMemory)]
    [InlineData(DurableEngineKind.AzureStorage)]
    public async Task RetryPolicy_Exhausted_FailsTheOrchestration(DurableEngineKind kind)
    {
        var client = engines.Engine(kind).Client;
        var id = NewId();

        await client.ScheduleNewOrchestrationInstanceAsync(TestTasks.RetryUntilSuccess, new RetryInput(id, Failures: 10, MaxAttempts: 2), new StartOrchestrationOptions(id));
        var done = await Poll.FinishedAsync(client, id);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Equal(2, engines.Log(kind).Attempts(id));
    }

    [Theory]
    [InlineData(DurableEngineKind.InMemory)]
    [InlineData(DurableEngineKind.AzureStorage)]
    public async Task DurableTimer_Waits(DurableEngineKind kind)
    {
        var client = engines.Engine(kind).Client;
        var id = NewId();
        var clock = Stopwatch.StartNew();

        await client.ScheduleNewOrchestrationInstanceAsync(TestTasks.Sleep, 2.0, new StartOrchestrationOptions(id));
        var done = await Poll.FinishedAsync(client, id);

        var slept = done.ReadOutputAs<double>();
        output.WriteLine($"{kind}: a 2 s timer took {slept:F3} s by the orchestration's clock, {clock.ElapsedMilliseconds} ms from schedule to Completed");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);

        // Azure Storage can fire a timer up to a second early: queue visibility delays are whole seconds.
        Assert.InRange(slept, 1.0, 15.0);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), $"completed after {clock.Elapsed}");
    }

    [Theory]
    [InlineData(DurableEngineKind.InMemory)]
    [InlineData(DurableEngineKind.AzureStorage)]
    public async Task DedupeStart_RefusedWhileActive_AcceptedAfterCompletion(DurableEngineKind kind)
    {
        var client = engines.Engine(kind).Client;
        var id = NewId();
        StartOrchestrationOptions Dedupe() => new StartOrchestrationOptions(id).WithDedupeStatuses(
            OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended);

        await client.ScheduleNewOrchestrationInstanceAsync(TestTasks.AwaitFinish, "first", Dedupe());
        await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() => client.ScheduleNewOrchestrationInstanceAsync(TestTasks.AwaitFinish, "second", Dedupe()));
        await Poll.StatusAsync(client, id, OrchestrationRuntimeStatus.Running);
        await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() => client.ScheduleNewOrchestrationInstanceAsync(TestTasks.AwaitFinish, "third", Dedupe()));

        await client.RaiseEventAsync(id, TestTasks.FinishEvent, "done");
        var first = await Poll.FinishedAsync(client, id);
        await client.ScheduleNewOrchestrationInstanceAsync(TestTasks.Greet, "again", Dedupe());
        var second = await Poll.FinishedAsync(client, id);

        Assert.Equal("done", first.ReadOutputAs<string>());
        Assert.Equal(OrchestrationRuntimeStatus.Completed, second.RuntimeStatus);
        Assert.Equal("Hello, again!", second.ReadOutputAs<string>());
    }

    [Theory]
    [InlineData(DurableEngineKind.InMemory)]
    [InlineData(DurableEngineKind.AzureStorage)]
    public async Task SequentialOrchestrations_AllComplete(DurableEngineKind kind)
    {
        var client = engines.Engine(kind).Client;
        var took = new List<long>();

        for (var i = 0; i < 10; i++)
        {
            var id = NewId();
            var clock = Stopwatch.StartNew();
            await client.ScheduleNewOrchestrationInstanceAsync(TestTasks.Greet, $"n{i}", new StartOrchestrationOptions(id));
            var done = await Poll.FinishedAsync(client, id);
            took.Add(clock.ElapsedMilliseconds);
            Assert.Equal($"Hello, n{i}!", done.ReadOutputAs<string>());
        }

        took.Sort();
        output.WriteLine($"{kind}: schedule to Completed (activity call, polled every 25 ms), 10 in a row: min {took[0]} ms, median {took[5]} ms, max {took[^1]} ms");
    }

    private static string NewId() => "t-" + Guid.NewGuid().ToString("N")[..12];
}
