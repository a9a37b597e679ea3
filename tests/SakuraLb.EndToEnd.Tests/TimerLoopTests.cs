using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SakuraLb.Testing;
using Sandbox.Functions;

namespace SakuraLb.EndToEnd.Tests;

public sealed class TimerLoopTests
{
    [Fact]
    public async Task Loop_RunsOncePerIntervalAndGoesOnAfterAFailure()
    {
        var time = new FakeTimeProvider();
        var runs = 0;
        await using var loop = new TimerLoop(
            _ => Interlocked.Increment(ref runs) == 1 ? throw new InvalidOperationException("first run fails") : Task.CompletedTask,
            TimeSpan.FromMinutes(1),
            time,
            NullLogger.Instance);

        Assert.Equal(0, Volatile.Read(ref runs));
        for (var expected = 1; expected <= 3; expected++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            var target = expected;
            await Eventually.UntilAsync(() => Task.FromResult(Volatile.Read(ref runs)), r => r == target, $"run {target}", TimeSpan.FromSeconds(10));
        }

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(3, Volatile.Read(ref runs));
    }

    [Fact]
    public async Task Dispose_StopsTheLoop()
    {
        var time = new FakeTimeProvider();
        var runs = 0;
        var loop = new TimerLoop(_ => { Interlocked.Increment(ref runs); return Task.CompletedTask; }, TimeSpan.FromMinutes(1), time, NullLogger.Instance);

        await loop.DisposeAsync();
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(0, Volatile.Read(ref runs));
    }
}
