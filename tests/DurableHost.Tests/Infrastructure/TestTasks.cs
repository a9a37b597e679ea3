using System.Collections.Concurrent;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace DurableHost.Tests.Infrastructure;

/// <summary>What the test activities record, per instance; a singleton in the worker's container.</summary>
internal sealed class ActivityLog
{
    private readonly ConcurrentDictionary<string, int> attempts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> handled = new(StringComparer.Ordinal);

    public int NextAttempt(string key) => attempts.AddOrUpdate(key, 1, (_, n) => n + 1);

    public int Attempts(string key) => attempts.TryGetValue(key, out var n) ? n : 0;

    public void Handled(string instanceId, int item) => handled.GetOrAdd(instanceId, _ => new ConcurrentQueue<int>()).Enqueue(item);

    public IReadOnlyList<int> HandledBy(string instanceId) => handled.TryGetValue(instanceId, out var items) ? [.. items] : [];
}

/// <summary>A dependency from the worker's container, to show registrations reach class-based activities.</summary>
internal sealed record Greeting(string Word);

internal sealed class HelloActivity(Greeting greeting) : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input) => Task.FromResult($"{greeting.Word}, {input}!");
}

internal sealed record FlakyInput(string Key, int Failures);

internal sealed record RetryInput(string Key, int Failures, int MaxAttempts);

internal sealed record HandleInput(string InstanceId, int Item);

internal sealed record MailboxState(int Total, int PerGeneration, int[] Seen, int Generation);

internal sealed record MailboxResult(int[] Seen, int Generations);

/// <summary>Small orchestrations and activities that exercise the engines (not the product's).</summary>
internal static class TestTasks
{
    public const string Greet = nameof(Greet);
    public const string RetryUntilSuccess = nameof(RetryUntilSuccess);
    public const string Flaky = nameof(Flaky);
    public const string Sleep = nameof(Sleep);
    public const string AwaitFinish = nameof(AwaitFinish);
    public const string StartedAt = nameof(StartedAt);
    public const string Mailbox = nameof(Mailbox);
    public const string Handle = nameof(Handle);
    public const string Collect = nameof(Collect);

    public const string ItemEvent = "item";
    public const string FinishEvent = "finish";

    public static void Services(IServiceCollection services) => services.AddSingleton(new Greeting("Hello"));

    // Lambdas throughout: the Durable analyzers crash on method groups passed to AddOrchestratorFunc.
    public static void Register(DurableTaskRegistry registry, ActivityLog log)
    {
        registry.AddOrchestratorFunc<string, string>(Greet, (ctx, name) => ctx.CallActivityAsync<string>(nameof(HelloActivity), name));
        registry.AddActivity<HelloActivity>();

        registry.AddOrchestratorFunc<RetryInput, int>(RetryUntilSuccess, (ctx, input) => ctx.CallActivityAsync<int>(
            Flaky,
            new FlakyInput(input.Key, input.Failures),
            TaskOptions.FromRetryPolicy(new RetryPolicy(input.MaxAttempts, TimeSpan.FromMilliseconds(100)))));
        registry.AddActivityFunc<FlakyInput, int>(Flaky, (_, input) =>
        {
            var attempt = log.NextAttempt(input.Key);
            return attempt <= input.Failures
                ? throw new InvalidOperationException($"attempt {attempt} of {input.Key} fails on purpose")
                : attempt;
        });

        // Returns how long the timer took, by the orchestration's own clock (the turn's start time).
        registry.AddOrchestratorFunc<double, double>(Sleep, async (ctx, seconds) =>
        {
            var start = ctx.CurrentUtcDateTime;
            await ctx.CreateTimer(start.AddSeconds(seconds), CancellationToken.None);
            return (ctx.CurrentUtcDateTime - start).TotalSeconds;
        });

        registry.AddOrchestratorFunc<string, string>(AwaitFinish, (ctx, _) => ctx.WaitForExternalEvent<string>(FinishEvent));

        registry.AddOrchestratorFunc<string, DateTime>(StartedAt, (ctx, _) => Task.FromResult(ctx.CurrentUtcDateTime));

        // One activity per event, ContinueAsNew every PerGeneration events: events that arrive while an activity
        // runs are buffered and have to be carried over to the next generation.
        registry.AddOrchestratorFunc<MailboxState, MailboxResult>(Mailbox, async (ctx, state) =>
        {
            var seen = state.Seen.ToList();
            for (var i = 0; i < state.PerGeneration && seen.Count < state.Total; i++)
            {
                var item = await ctx.WaitForExternalEvent<int>(ItemEvent);
                await ctx.CallActivityAsync(Handle, new HandleInput(ctx.InstanceId, item));
                seen.Add(item);
            }

            if (seen.Count >= state.Total)
            {
                return new MailboxResult([.. seen], state.Generation);
            }

            ctx.ContinueAsNew(state with { Seen = [.. seen], Generation = state.Generation + 1 }, preserveUnprocessedEvents: true);
            return new MailboxResult([], state.Generation);
        });
        registry.AddActivityFunc<HandleInput>(Handle, (_, input) => log.Handled(input.InstanceId, input.Item));

        // Takes every event that comes within the window, then completes without looking again.
        registry.AddOrchestratorFunc<double, int[]>(Collect, async (ctx, windowSeconds) =>
        {
            var got = new List<int>();
            var window = ctx.CreateTimer(ctx.CurrentUtcDateTime.AddSeconds(windowSeconds), CancellationToken.None);
            while (true)
            {
                var next = ctx.WaitForExternalEvent<int>(ItemEvent);
                if (await Task.WhenAny(next, window) == window)
                {
                    return [.. got];
                }

                got.Add(await next);
            }
        });
    }
}
