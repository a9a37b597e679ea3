using SakuraLb.Relay.Resilience;

namespace SakuraLb.Relay.Tests.Unit;

public sealed class BackoffTests
{
    [Theory]
    [InlineData(0, 0.0, 500)]
    [InlineData(0, 0.998, 999)]
    [InlineData(1, 0.0, 1000)]
    [InlineData(3, 0.5, 6000)]
    [InlineData(10, 0.0, 15000)]
    [InlineData(10, 1.0, 30000)]
    [InlineData(100, 0.5, 22500)]
    public void Compute_DoublesWithEqualJitterUpToTheCap(int attempt, double jitter, int expectedMs)
    {
        var delay = Backoff.Compute(attempt, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), jitter);

        Assert.Equal(expectedMs, delay.TotalMilliseconds, 0.5);
    }

    [Fact]
    public void Next_GrowsAndResetStartsOver()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), new Random(7));
        var delays = Enumerable.Range(0, 8).Select(_ => backoff.Next()).ToArray();

        Assert.Equal(8, backoff.Attempts);
        Assert.All(delays.Zip(delays.Skip(2)), p => Assert.True(p.Second > p.First, $"{p.Second} > {p.First}"));
        backoff.Reset();
        Assert.InRange(backoff.Next(), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Constructor_RejectsAnEmptyRange() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Backoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
}
