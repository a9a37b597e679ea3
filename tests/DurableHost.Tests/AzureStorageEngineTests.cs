using System.Diagnostics;
using DurableHost.Tests.Infrastructure;
using Grpc.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Xunit.Abstractions;

namespace DurableHost.Tests;

/// <summary>
/// Where the Azure Storage engine answers as the Functions host does and the in-memory test host does not, and
/// the backend behaviour the fixture exists to reproduce.
/// </summary>
[Collection(EnginesCollection.Name)]
public sealed class AzureStorageEngineTests(EnginesFixture engines, ITestOutputHelper output)
{
    private DurableTaskClient Client => engines.AzureStorage.Client;

    [Fact]
    public async Task StartAt_StartsNoEarlierThanASecondBefore_TheScheduledTime()
    {
        var id = NewId();
        var startAt = DateTimeOffset.UtcNow.AddSeconds(2);

        await Client.ScheduleNewOrchestrationInstanceAsync(TestTasks.StartedAt, "x", new StartOrchestrationOptions(id, startAt));
        var pending = await Client.GetInstanceAsync(id);
        var done = await Poll.FinishedAsync(Client, id);

        var started = new DateTimeOffset(done.ReadOutputAs<DateTime>(), TimeSpan.Zero);
        output.WriteLine($"scheduled for {startAt:HH:mm:ss.fff}, started {(started - startAt).TotalMilliseconds:F0} ms after that");
        Assert.Equal(OrchestrationRuntimeStatus.Pending, pending?.RuntimeStatus);

        // Queue visibility delays are whole seconds, so a start can come up to a second early.
        Assert.InRange(started, startAt.AddSeconds(-1.1), startAt.AddSeconds(15));
    }

    [Fact]
    public async Task RaiseEvent_ToAMissingInstance_IsRefusedWithNotFound()
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => Client.RaiseEventAsync(NewId(), TestTasks.FinishEvent, "x"));

        Assert.Equal(StatusCode.NotFound, refused.StatusCode);
    }

    [Fact]
    public async Task RaiseEvent_ToACompletedInstance_IsRefusedWithFailedPrecondition()
    {
        var id = NewId();
        await Client.ScheduleNewOrchestrationInstanceAsync(TestTasks.Greet, "x", new StartOrchestrationOptions(id));
        await Poll.StatusAsync(Client, id, OrchestrationRuntimeStatus.Completed);

        var refused = await Assert.ThrowsAsync<RpcException>(() => Client.RaiseEventAsync(id, TestTasks.FinishEvent, "x"));

        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
    }

    [Fact]
    public async Task FailedOrchestration_ReportsItsErrorAsOutput_WithoutFailureDetails()
    {
        // DurableTask.AzureStorage stores the failure details as text in the output and never returns them.
        var id = NewId();
        await Client.ScheduleNewOrchestrationInstanceAsync(TestTasks.RetryUntilSuccess, new RetryInput(id, Failures: 10, MaxAttempts: 1), new StartOrchestrationOptions(id));

        var done = await Poll.FinishedAsync(Client, id);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Null(done.FailureDetails);
        Assert.Contains($"attempt 1 of {id} fails on purpose", done.SerializedOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Purge_OfARunningInstance_IsRefused_AndOfACompletedOneDeletesIt()
    {
        var id = NewId();
        await Client.ScheduleNewOrchestrationInstanceAsync(TestTasks.AwaitFinish, "x", new StartOrchestrationOptions(id));
        await Poll.StatusAsync(Client, id, OrchestrationRuntimeStatus.Running);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Client.PurgeInstanceAsync(id));
        var stillThere = await Client.GetInstanceAsync(id);
        await Client.RaiseEventAsync(id, TestTasks.FinishEvent, "done");
        await Poll.StatusAsync(Client, id, OrchestrationRuntimeStatus.Completed);
        var purged = await Client.PurgeInstanceAsync(id);

        Assert.Contains("terminal state", refused.Message, StringComparison.Ordinal);
        Assert.Equal(OrchestrationRuntimeStatus.Running, stillThere?.RuntimeStatus);
        Assert.Equal(1, purged.PurgedInstanceCount);
        Assert.Null(await Client.GetInstanceAsync(id));
    }

    [Fact]
    public async Task StartWithoutDedupeStatuses_WhileRunning_IsRefusedAsHostJsonSays()
    {
        // host.json: overridableExistingInstanceStates = NonRunningStates.
        var id = NewId();
        await Client.ScheduleNewOrchestrationInstanceAsync(TestTasks.AwaitFinish, "x", new StartOrchestrationOptions(id));
        await Poll.StatusAsync(Client, id, OrchestrationRuntimeStatus.Running);

        await Assert.ThrowsAsync<DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException>(
            () => Client.ScheduleNewOrchestrationInstanceAsync(TestTasks.Greet, "y", new StartOrchestrationOptions(id)));
        await Client.RaiseEventAsync(id, TestTasks.FinishEvent, "done");
        var done = await Poll.FinishedAsync(Client, id);

        Assert.Equal("done", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Events_SurviveContinueAsNew_WhenTheTurnAlsoSchedulesAnActivity()
    {
        var id = NewId();
        var clock = Stopwatch.StartNew();
        await Client.ScheduleNewOrchestrationInstanceAsync(TestTasks.Mailbox, new MailboxState(Total: 50, PerGeneration: 5, Seen: [], Generation: 1), new StartOrchestrationOptions(id));

        for (var item = 1; item <= 50; item++)
        {
            await Client.RaiseEventAsync(id, TestTasks.ItemEvent, item);
        }

        var done = await Poll.FinishedAsync(Client, id, TimeSpan.FromSeconds(90));

        var result = done.ReadOutputAs<MailboxResult>()!;
        output.WriteLine($"50 events over {result.Generations} generations in {clock.ElapsedMilliseconds} ms");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(Enumerable.Range(1, 50), result.Seen.Order());
        Assert.Equal(10, result.Generations);
        Assert.Equal(Enumerable.Range(1, 50), engines.AzureStorageLog.HandledBy(id).Order());
    }

    [Fact]
    public async Task CompletionRace_AnEventAcceptedWhileTheInstanceCompletes_IsNeverConsumed()
    {
        // Production behaviour the reconcile design has to live with: between the turn that decides to complete
        // and the commit of that completion the instance is still Running, so events are accepted, and then
        // never handed to the orchestration (they land after its last turn, or are discarded once it completed).
        var id = NewId();
        await Client.ScheduleNewOrchestrationInstanceAsync(TestTasks.Collect, 3.0, new StartOrchestrationOptions(id));
        await Poll.StatusAsync(Client, id, OrchestrationRuntimeStatus.Running);

        var accepted = new List<int>();
        RpcException? refused = null;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        for (var item = 1; refused is null && DateTime.UtcNow < deadline; item++)
        {
            try
            {
                await Client.RaiseEventAsync(id, TestTasks.ItemEvent, item);
                accepted.Add(item);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition)
            {
                refused = ex;
            }

            await Task.Delay(10);
        }

        var done = await Poll.FinishedAsync(Client, id);
        var consumed = done.ReadOutputAs<int[]>()!;
        var lost = accepted.Except(consumed).ToList();

        output.WriteLine($"accepted {accepted.Count}, consumed {consumed.Length}, accepted but never consumed: {string.Join(", ", lost)}");
        Assert.NotNull(refused);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Subset(accepted.ToHashSet(), consumed.ToHashSet());
        Assert.Equal(consumed.Length, consumed.Distinct().Count());
        Assert.NotEmpty(lost);
    }

    private static string NewId() => "a-" + Guid.NewGuid().ToString("N")[..12];
}
