namespace SakuraSim.Tests;

/// <summary>Per-token throttling with 503 busy, never 429.</summary>
public sealed class RateLimitTests() : SimulatorTests(new SakuraSimulatorOptions { RateLimitPerSecond = 3 })
{
    [Fact]
    public async Task OverTheLimit_Gets503Busy_UntilTheBucketRefills()
    {
        for (var i = 0; i < 3; i++)
        {
            AssertOk(await Sim.GetAsync("/server"));
        }

        AssertError(await Sim.GetAsync("/server"), HttpStatusCode.ServiceUnavailable, "busy");

        Sim.Advance(TimeSpan.FromMilliseconds(340)); // one token back at 3/s
        AssertOk(await Sim.GetAsync("/server"));
        AssertError(await Sim.GetAsync("/server"), HttpStatusCode.ServiceUnavailable, "busy");

        Sim.Advance(TimeSpan.FromSeconds(5)); // the bucket holds at most 3
        for (var i = 0; i < 3; i++)
        {
            AssertOk(await Sim.GetAsync("/server"));
        }

        AssertError(await Sim.GetAsync("/server"), HttpStatusCode.ServiceUnavailable, "busy");
    }

    [Fact]
    public async Task Limit_IsPerAccessToken()
    {
        AssertOk(await Sim.ControlAsync(HttpMethod.Put, "/_sim/config", """{"addCredentials":[{"token":"second","secret":"s2"}]}"""));
        for (var i = 0; i < 3; i++)
        {
            AssertOk(await Sim.GetAsync("/server"));
        }

        AssertError(await Sim.GetAsync("/server"), HttpStatusCode.ServiceUnavailable, "busy");
        AssertOk(await Sim.SendAsync(HttpMethod.Get, "/server", credentials: ("second", "s2")));
    }

    [Fact]
    public async Task Rejections_AreInTheRequestLog()
    {
        for (var i = 0; i < 4; i++)
        {
            await Sim.GetAsync("/internet");
        }

        var log = (await Sim.ControlAsync(HttpMethod.Get, "/_sim/requests")).Json.AsArray();

        Assert.Equal([200, 200, 200, 503], log.Select(e => e!["status"]!.GetValue<int>()));
        Assert.Equal("busy", Str(log[3]!["errorCode"]));
    }

    [Fact]
    public async Task ZeroLimit_ViaConfig_MeansUnlimited()
    {
        AssertOk(await Sim.ControlAsync(HttpMethod.Put, "/_sim/config", """{"rateLimitPerSecond":0}"""));

        for (var i = 0; i < 20; i++)
        {
            AssertOk(await Sim.GetAsync("/server"));
        }
    }

    [Fact]
    public async Task UnauthenticatedRequests_DoNotSpendTheBudget()
    {
        for (var i = 0; i < 5; i++)
        {
            AssertError(await Sim.SendAsync(HttpMethod.Get, "/server", credentials: ("test-token", "bad")), HttpStatusCode.Unauthorized, "unauthorized");
        }

        AssertOk(await Sim.GetAsync("/server"));
    }
}
