namespace SakuraLb.Testing.Tests;

public sealed class EventuallyTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task UntilAsync_ReturnsTheFirstValueThatIsDone()
    {
        var reads = 0;

        var value = await Eventually.UntilAsync(() => Task.FromResult(++reads), n => n >= 3, "three reads");

        Assert.Equal(3, value);
        Assert.Equal(3, reads);
    }

    [Fact]
    public async Task UntilAsync_AtTheDeadline_NamesWhatItAwaitedAndTheLastValue()
    {
        var reads = 0;

        var error = await Assert.ThrowsAsync<TimeoutException>(
            () => Eventually.UntilAsync(() => Task.FromResult(++reads), _ => false, "the counter to stop", Short));

        Assert.Equal($"timed out after 0.1 s waiting for the counter to stop; last value: {reads}", error.Message);
    }

    [Fact]
    public async Task UntilAsync_ReadsOnceMoreAfterTheDeadline_BeforeItGivesUp()
    {
        // A read that only turns done after the deadline passed still counts: the deadline is checked after a read.
        var started = System.Diagnostics.Stopwatch.GetTimestamp();

        var value = await Eventually.UntilAsync(
            () => Task.FromResult(System.Diagnostics.Stopwatch.GetElapsedTime(started)),
            elapsed => elapsed > Short,
            "the deadline to pass",
            Short,
            interval: Short * 2);

        Assert.True(value > Short);
    }

    [Theory]
    [InlineData(null, "null")]
    [InlineData("", "\"\"")]
    [InlineData("web", "\"web\"")]
    [InlineData(42, "42")]
    public void Describe_ShowsScalarsSoAnEmptyStringIsVisible(object? value, string expected) =>
        Assert.Equal(expected, Eventually.Describe(value));

    [Fact]
    public void Describe_ListsTheItemsOfACollection() =>
        Assert.Equal("[\"a\"; null; [1; 2]]", Eventually.Describe(new object?[] { "a", null, new[] { 1, 2 } }));

    [Fact]
    public async Task UntilAsync_Condition_ReturnsOnceItHolds()
    {
        var checks = 0;

        await Eventually.UntilAsync(() => ++checks == 2, "the second check");

        Assert.Equal(2, checks);
    }

    [Fact]
    public async Task UntilAsync_Condition_AtTheDeadline_NamesTheCondition()
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(() => Eventually.UntilAsync(() => false, "the sky falls", Short));

        Assert.Equal("timed out after 0.1 s waiting until the sky falls", error.Message);
    }

    [Fact]
    public async Task ValueAsync_ReturnsTheFirstNonNullProbe()
    {
        var probes = 0;

        var value = await Eventually.ValueAsync(() => ++probes < 3 ? null : "found", "a value");

        Assert.Equal("found", value);
        Assert.Equal(3, probes);
    }
}
