using System.Diagnostics;
using System.Net;
using static SakuraSim.Tests.TestSupport;

namespace SakuraSim.Tests;

/// <summary>Fault injection through <c>PUT /_sim/config</c>.</summary>
public sealed class FaultTests : IAsyncLifetime
{
    private SimHarness sim = null!;

    public async Task InitializeAsync() => sim = await SimHarness.StartAsync(new SakuraSimulatorOptions { RateLimitPerSecond = 0, RandomSeed = 7 });

    public async Task DisposeAsync() => await sim.DisposeAsync();

    private async Task SetFaultsAsync(string faults) =>
        AssertOk(await sim.ControlAsync(HttpMethod.Put, "/_sim/config", "{\"faults\":" + faults + "}"));

    [Fact]
    public async Task Fault_WithCount_FailsThatManyMatchingRequests_ThenIsSpent()
    {
        await SetFaultsAsync("""[{"method":"GET","path":"/internet*","status":503,"errorCode":"busy","probability":1.0,"count":2,"latencyMs":0}]""");

        AssertError(await sim.GetAsync("/internet"), HttpStatusCode.ServiceUnavailable, "busy");
        AssertOk(await sim.GetAsync("/server"));
        AssertError(await sim.GetAsync("/internet/112800000001"), HttpStatusCode.ServiceUnavailable, "busy");
        AssertOk(await sim.GetAsync("/internet"));

        var config = await sim.ControlAsync(HttpMethod.Get, "/_sim/config");
        Assert.Equal(0, config.Json["faults"]![0]!["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Fault_GlobAndMethod_SelectOnlyMatchingRequests()
    {
        await SetFaultsAsync("""[{"method":"PUT","path":"/appliance/*/config","status":423,"errorCode":"locked"}]""");

        AssertError(await sim.SendAsync(HttpMethod.Put, "/appliance/113200000001/config"), (HttpStatusCode)423, "locked");
        AssertError(await sim.SendAsync(HttpMethod.Put, "/appliance/113200000001/power"), HttpStatusCode.NotFound, "not_found");
        AssertError(await sim.GetAsync("/appliance/113200000001/config"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Fault_WithOnlyStatus_GetsTheDefaultCode_AndCustomMessage()
    {
        await SetFaultsAsync("""[{"path":"/server","status":409,"errorMessage":"custom text"},{"path":"/switch","status":500}]""");

        Assert.Equal("custom text", AssertError(await sim.GetAsync("/server"), HttpStatusCode.Conflict, "conflict"));
        AssertError(await sim.GetAsync("/switch"), HttpStatusCode.InternalServerError, "internal_server_error");
    }

    [Fact]
    public async Task Fault_Probability_ZeroNeverFires_HalfFiresSometimes()
    {
        await SetFaultsAsync("""[{"path":"/server","status":503,"probability":0},{"path":"/switch","status":503,"probability":0.5}]""");

        var server = new List<HttpStatusCode>();
        var sw = new List<HttpStatusCode>();
        for (var i = 0; i < 60; i++)
        {
            server.Add((await sim.GetAsync("/server")).Status);
            sw.Add((await sim.GetAsync("/switch")).Status);
        }

        Assert.All(server, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.InRange(sw.Count(s => s == HttpStatusCode.ServiceUnavailable), 10, 50);
    }

    [Fact]
    public async Task Fault_Latency_DelaysTheAnswer()
    {
        await using var real = await SimHarness.StartAsync(new SakuraSimulatorOptions { RateLimitPerSecond = 0 }, fakeClock: false);
        AssertOk(await real.ControlAsync(HttpMethod.Put, "/_sim/config", """{"faults":[{"path":"/server","latencyMs":300}]}"""));

        var watch = Stopwatch.StartNew();
        AssertOk(await real.GetAsync("/server"));
        var slow = watch.Elapsed;

        // Only a lower bound: an upper one would flake on a loaded machine.
        Assert.True(slow >= TimeSpan.FromMilliseconds(290), $"took {slow}");
        var config = await real.ControlAsync(HttpMethod.Get, "/_sim/config");
        Assert.Equal(300, config.Json["faults"]![0]!["latencyMs"]!.GetValue<int>());
    }

    [Fact]
    public async Task Fault_Latency_IsNotPartOfTheLoggedTime_WhichIsTheArrival()
    {
        await SetFaultsAsync("""[{"path":"/server","latencyMs":5000}]""");

        // The latency waits on the fake clock: move it on until the answer comes (the request may
        // register its delay only after the first steps, so one big step could be missed).
        var call = sim.GetAsync("/server");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!call.IsCompleted)
        {
            Assert.True(DateTime.UtcNow < deadline, "the delayed request never completed");
            sim.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(call, Task.Delay(20));
        }

        var answer = await call;
        AssertOk(answer);
        var answeredAt = DateTimeOffset.Parse(Str(answer.Json["ResponsedAt"]), System.Globalization.CultureInfo.InvariantCulture);
        var log = (await sim.ControlAsync(HttpMethod.Get, "/_sim/requests")).Json.AsArray();
        var loggedAt = DateTimeOffset.Parse(Str(Assert.Single(log)!["time"]), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(answeredAt - loggedAt >= TimeSpan.FromSeconds(4), $"logged {loggedAt:O}, answered {answeredAt:O}");
    }

    [Fact]
    public async Task Fault_FailCreation_EndsMigratingAsFailed()
    {
        await SetFaultsAsync("""[{"method":"POST","path":"/appliance","action":"failCreation","count":1}]""");

        var id = CreatedId(await sim.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer()));
        sim.Advance(TimeSpan.FromMinutes(5));
        var lb = (await sim.GetAsync($"/appliance/{id}")).Json["Appliance"]!;

        Assert.Equal("failed", Str(lb["Availability"]));
        AssertError(await sim.SendAsync(HttpMethod.Put, $"/appliance/{id}/power"), HttpStatusCode.Conflict, "conflict");
        AssertOk(await sim.SendAsync(HttpMethod.Delete, $"/appliance/{id}"));

        // The fault was spent: the next one comes up.
        var next = CreatedId(await sim.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer()));
        sim.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("up", Str((await sim.GetAsync($"/appliance/{next}")).Json["Appliance"]!["Instance"]!["Status"]));
    }

    [Fact]
    public async Task Fault_CreatePoweredOff_EndsAvailableButDown()
    {
        await SetFaultsAsync("""[{"method":"POST","path":"/appliance","action":"createPoweredOff"}]""");

        var id = CreatedId(await sim.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer()));
        sim.Advance(TimeSpan.FromMinutes(5));
        var lb = (await sim.GetAsync($"/appliance/{id}")).Json["Appliance"]!;

        Assert.Equal("available", Str(lb["Availability"]));
        Assert.Equal("down", Str(lb["Instance"]!["Status"]));
    }

    [Fact]
    public async Task Faults_EmptyList_Clears()
    {
        await SetFaultsAsync("""[{"path":"*","status":503}]""");
        AssertError(await sim.GetAsync("/server"), HttpStatusCode.ServiceUnavailable, "busy");

        await SetFaultsAsync("[]");

        AssertOk(await sim.GetAsync("/server"));
    }

    [Fact]
    public async Task Fault_InjectedErrors_AreLogged()
    {
        await SetFaultsAsync("""[{"path":"/server","status":503}]""");

        await sim.GetAsync("/server");
        var entry = (await sim.ControlAsync(HttpMethod.Get, "/_sim/requests")).Json[0]!;

        Assert.Equal(503, entry["status"]!.GetValue<int>());
        Assert.Equal("busy", Str(entry["errorCode"]));
    }

    [Theory]
    [InlineData("""[{"path":"/x","status":200}]""", "status must be an HTTP error status")]
    [InlineData("""[{"path":"/x"}]""", "does nothing")]
    [InlineData("""[{"path":"/x","status":503,"probability":2}]""", "probability")]
    [InlineData("""[{"path":"/x","status":503,"probability":{}}]""", "probability")]
    [InlineData("""[{"path":"/x","status":503,"probability":"0.5"}]""", "probability")]
    [InlineData("""[{"path":"/x","status":503,"count":-1}]""", "count")]
    [InlineData("""[{"path":"x","status":503}]""", "glob relative to the API root")]
    [InlineData("""[{"path":"/x","action":"explode"}]""", "action must be one of")]
    [InlineData("""[{"path":"/x","errorCode":"weird"}]""", "unknown errorCode")]
    [InlineData("""{"path":"/x"}""", "must be an array")]
    [InlineData("""[1]""", "must be an object")]
    public async Task BadFaultConfig_Gets400_AndKeepsTheOldFaults(string faults, string expected)
    {
        var result = await sim.ControlAsync(HttpMethod.Put, "/_sim/config", "{\"faults\":" + faults + "}");

        Assert.Contains(expected, AssertError(result, HttpStatusCode.BadRequest, "bad_request"), StringComparison.Ordinal);
        Assert.Empty((await sim.ControlAsync(HttpMethod.Get, "/_sim/config")).Json["faults"]!.AsArray());
    }
}
