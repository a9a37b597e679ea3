namespace SakuraSim.Tests;

/// <summary>Per-token throttling with 503 busy, never 429.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private SimHarness sim = null!;

    public async Task InitializeAsync() =>
        sim = await SimHarness.StartAsync(new SakuraSimulatorOptions { RateLimitPerSecond = 3 });

    public async Task DisposeAsync() => await sim.DisposeAsync();

    [Fact]
    public async Task OverTheLimit_Gets503Busy_UntilTheBucketRefills()
    {
        for (var i = 0; i < 3; i++)
        {
            AssertOk(await sim.GetAsync("/server"));
        }

        AssertError(await sim.GetAsync("/server"), HttpStatusCode.ServiceUnavailable, "busy");

        sim.Advance(TimeSpan.FromMilliseconds(340)); // one token back at 3/s
        AssertOk(await sim.GetAsync("/server"));
        AssertError(await sim.GetAsync("/server"), HttpStatusCode.ServiceUnavailable, "busy");

        sim.Advance(TimeSpan.FromSeconds(5)); // the bucket holds at most 3
        for (var i = 0; i < 3; i++)
        {
            AssertOk(await sim.GetAsync("/server"));
        }

        AssertError(await sim.GetAsync("/server"), HttpStatusCode.ServiceUnavailable, "busy");
    }

    [Fact]
    public async Task Limit_IsPerAccessToken()
    {
        AssertOk(await sim.ControlAsync(HttpMethod.Put, "/_sim/config", """{"addCredentials":[{"token":"second","secret":"s2"}]}"""));
        for (var i = 0; i < 3; i++)
        {
            AssertOk(await sim.GetAsync("/server"));
        }

        AssertError(await sim.GetAsync("/server"), HttpStatusCode.ServiceUnavailable, "busy");
        AssertOk(await sim.SendAsync(HttpMethod.Get, "/server", credentials: ("second", "s2")));
    }

    [Fact]
    public async Task Rejections_AreInTheRequestLog()
    {
        for (var i = 0; i < 4; i++)
        {
            await sim.GetAsync("/internet");
        }

        var log = (await sim.ControlAsync(HttpMethod.Get, "/_sim/requests")).Json.AsArray();

        Assert.Equal([200, 200, 200, 503], log.Select(e => e!["status"]!.GetValue<int>()));
        Assert.Equal("busy", Str(log[3]!["errorCode"]));
    }

    [Fact]
    public async Task ZeroLimit_ViaConfig_MeansUnlimited()
    {
        AssertOk(await sim.ControlAsync(HttpMethod.Put, "/_sim/config", """{"rateLimitPerSecond":0}"""));

        for (var i = 0; i < 20; i++)
        {
            AssertOk(await sim.GetAsync("/server"));
        }
    }

    [Fact]
    public async Task UnauthenticatedRequests_DoNotSpendTheBudget()
    {
        for (var i = 0; i < 5; i++)
        {
            AssertError(await sim.SendAsync(HttpMethod.Get, "/server", credentials: ("test-token", "bad")), HttpStatusCode.Unauthorized, "unauthorized");
        }

        AssertOk(await sim.GetAsync("/server"));
    }
}
