using Microsoft.Extensions.Logging.Abstractions;

namespace SakuraLb.Sakura.Tests;

public sealed class SearchPagerTests
{
    private static readonly IReadOnlyList<SakuraServer> AllServers =
        [.. Enumerable.Range(1, 250).Select(i => new SakuraServer { Id = i, Name = $"s{i}" })];

    [Theory]
    [InlineData(100, 3)]
    [InlineData(250, 1)]
    [InlineData(50, 5)]
    [InlineData(1000, 1)]
    public async Task CollectAsync_HonestServer_PagesUntilTotal(int pageSize, int expectedCalls)
    {
        var calls = new List<SearchRequest>();
        var result = await Collect(q =>
        {
            calls.Add(q);
            return Page(q.From!.Value, q.Count!.Value, total: 250);
        }, pageSize);

        Assert.Equal(AllServers.Select(s => s.Id), result.Select(s => s.Id));
        Assert.Equal(expectedCalls, calls.Count);
        Assert.Equal(Enumerable.Range(0, expectedCalls).Select(i => i * pageSize), calls.Select(c => c.From!.Value));
    }

    [Fact]
    public async Task CollectAsync_ServerIgnoresPaging_TakesTheWholeAnswerOnce()
    {
        var calls = 0;
        var result = await Collect(_ =>
        {
            calls++;
            return new ServerListEnvelope { Total = 250, From = 0, Count = 250, Servers = AllServers };
        }, 100);

        Assert.Equal(250, result.Count);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task CollectAsync_ServerIgnoresFrom_StopsWhenNothingNewArrives()
    {
        var calls = 0;
        var result = await Collect(q =>
        {
            calls++;
            return new ServerListEnvelope { Total = 250, Servers = [.. AllServers.Take(q.Count!.Value)] };
        }, 100);

        Assert.Equal(100, result.Count);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task CollectAsync_NoTotal_StopsAtTheShortPage()
    {
        var calls = 0;
        var result = await Collect(q =>
        {
            calls++;
            var page = Page(q.From!.Value, q.Count!.Value, total: 250);
            return page with { Total = 0, From = null };
        }, 100);

        Assert.Equal(250, result.Count);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task CollectAsync_DuplicatesAcrossPages_AreDropped()
    {
        // Items shift between pages while paging (one was inserted before the cursor).
        var result = await Collect(q => q.From switch
        {
            0 => new ServerListEnvelope { Total = 3, Servers = [AllServers[0], AllServers[1]] },
            _ => new ServerListEnvelope { Total = 3, Servers = [AllServers[1], AllServers[2]] },
        }, 2);

        Assert.Equal([1L, 2L, 3L], result.Select(s => s.Id));
    }

    [Fact]
    public async Task CollectAsync_Empty_OneCall()
    {
        var calls = 0;
        var result = await Collect(_ =>
        {
            calls++;
            return new ServerListEnvelope();
        }, 100);

        Assert.Empty(result);
        Assert.Equal(1, calls);
    }

    private static Task<IReadOnlyList<SakuraServer>> Collect(Func<SearchRequest, ServerListEnvelope> fetch, int pageSize) =>
        SearchPager.CollectAsync<ServerListEnvelope, SakuraServer>(
            (q, _) => Task.FromResult(fetch(q)), new SearchRequest(), pageSize, s => s.Id, "/server",
            NullLogger.Instance, CancellationToken.None);

    private static ServerListEnvelope Page(int from, int count, int total) => new()
    {
        Total = total,
        From = from,
        Count = count,
        Servers = [.. AllServers.Skip(from).Take(count)],
    };
}
