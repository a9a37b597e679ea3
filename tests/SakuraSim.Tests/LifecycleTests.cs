namespace SakuraSim.Tests;

/// <summary>The appliance lifecycle on a fake clock (default durations 30 s + 45 s, shutdown 10 s, 404 window 2 s).</summary>
public sealed class LifecycleTests : SimulatorTests
{
    private async Task<(string Availability, string Status)> StateAsync(long id)
    {
        var result = await Sim.GetAsync($"/appliance/{id}");
        AssertOk(result);
        var lb = result.Json["Appliance"]!;
        return (Str(lb["Availability"]), Str(lb["Instance"]!["Status"]));
    }

    [Fact]
    public async Task LoadBalancer_FullLifecycle_FollowsTheDocumentedStates()
    {
        var created = await Sim.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer());
        AssertOk(created, HttpStatusCode.Created);
        var id = CreatedId(created);
        Assert.Equal("migrating", Str(created.Json["Appliance"]!["Availability"]));

        // Right after create the appliance is not yet visible to reads.
        AssertError(await Sim.GetAsync($"/appliance/{id}"), HttpStatusCode.NotFound, "not_found");
        AssertError(await Sim.GetAsync($"/appliance/{id}/power"), HttpStatusCode.NotFound, "not_found");

        Sim.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(("migrating", "down"), await StateAsync(id));
        AssertError(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}/config"), HttpStatusCode.Conflict, "still_creating");
        AssertError(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}/power"), HttpStatusCode.Conflict, "still_creating");
        AssertError(await Sim.SendAsync(HttpMethod.Delete, $"/appliance/{id}/power", """{"Force":true}"""), HttpStatusCode.Conflict, "still_creating");
        AssertError(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", """{"Appliance":{"Description":"x"}}"""), HttpStatusCode.Conflict, "still_creating");
        AssertError(await Sim.SendAsync(HttpMethod.Delete, $"/appliance/{id}"), HttpStatusCode.Conflict, "still_creating");

        Sim.Advance(TimeSpan.FromSeconds(27)); // 30 s: migrating is over, the appliance boots by itself
        Assert.Equal(("available", "down"), await StateAsync(id));
        AssertError(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}/config"), HttpStatusCode.Conflict, "conflict");

        Sim.Advance(TimeSpan.FromSeconds(45));
        Assert.Equal(("available", "up"), await StateAsync(id));
        var up = (await Sim.GetAsync($"/appliance/{id}")).Json["Appliance"]!;
        Assert.Equal("2025-01-06T09:01:15+09:00", Str(up["Instance"]!["StatusChangedAt"]));
        Assert.StartsWith("sac-is1a-sv", Str(up["Instance"]!["Host"]!["Name"]), StringComparison.Ordinal);
        Assert.Equal("up", Str((await Sim.GetAsync($"/appliance/{id}/power")).Json["Instance"]!["Status"]));

        var config = await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}/config");
        AssertOk(config);
        Assert.Equal("Accepted", Str(config.Json["Success"]));
        AssertError(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}/power"), HttpStatusCode.Conflict, "conflict");
        AssertError(await Sim.SendAsync(HttpMethod.Delete, $"/appliance/{id}"), HttpStatusCode.Conflict, "server_power_must_be_down");

        AssertOk(await Sim.SendAsync(HttpMethod.Delete, $"/appliance/{id}/power", """{"Force":true}"""));
        Assert.Equal(("available", "cleaning"), await StateAsync(id));
        AssertError(await Sim.SendAsync(HttpMethod.Delete, $"/appliance/{id}"), HttpStatusCode.Conflict, "server_power_must_be_down");
        AssertError(await Sim.SendAsync(HttpMethod.Delete, $"/appliance/{id}/power"), HttpStatusCode.Conflict, "conflict");

        Sim.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(("available", "down"), await StateAsync(id));
        AssertError(await Sim.SendAsync(HttpMethod.Delete, $"/appliance/{id}/power", """{"Force":true}"""), HttpStatusCode.Conflict, "conflict");

        var deleted = await Sim.SendAsync(HttpMethod.Delete, $"/appliance/{id}");
        AssertOk(deleted);
        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), Str(deleted.Json["Appliance"]!["ID"]));
        AssertError(await Sim.GetAsync($"/appliance/{id}"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task PowerOn_FromDown_BootsAgain()
    {
        var id = await CreateUpAsync();
        AssertOk(await Sim.SendAsync(HttpMethod.Delete, $"/appliance/{id}/power"));
        Sim.Advance(TimeSpan.FromSeconds(10));

        var boot = await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}/power");

        AssertOk(boot);
        Assert.Equal("Accepted", Str(boot.Json["Success"]));
        Assert.Equal(("available", "down"), await StateAsync(id));
        Sim.Advance(TimeSpan.FromSeconds(45));
        Assert.Equal(("available", "up"), await StateAsync(id));
    }

    [Fact]
    public async Task Reset_WhenUp_IsAccepted_AndOtherwiseConflicts()
    {
        var id = await CreateUpAsync();

        AssertOk(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}/reset"));
        AssertOk(await Sim.SendAsync(HttpMethod.Delete, $"/appliance/{id}/power"));
        AssertError(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}/reset"), HttpStatusCode.Conflict, "conflict");
    }

    [Fact]
    public async Task Shutdown_WithBadBody_Gets400()
    {
        var id = await CreateUpAsync();

        AssertError(await Sim.SendAsync(HttpMethod.Delete, $"/appliance/{id}/power", """{"Force":"maybe"}"""), HttpStatusCode.BadRequest, "bad_request");
        AssertError(await Sim.SendAsync(HttpMethod.Delete, $"/appliance/{id}/power", "{oops"), HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task TimeScaleZero_EachReadSeesTheNextStateInOrder()
    {
        await using var instant = await SimHarness.StartAsync(new SakuraSimulatorOptions { TimeScale = 0, RateLimitPerSecond = 0 });
        var created = await instant.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer());
        var id = CreatedId(created);
        Assert.Equal("migrating", Str(created.Json["Appliance"]!["Availability"]));

        var seen = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var lb = (await instant.GetAsync($"/appliance/{id}")).Json["Appliance"]!;
            seen.Add($"{Str(lb["Availability"])}/{Str(lb["Instance"]!["Status"])}");
        }

        Assert.Equal(["available/down", "available/up", "available/up"], seen);

        AssertOk(await instant.SendAsync(HttpMethod.Delete, $"/appliance/{id}/power"));
        // Deleting without waiting for "down" is refused even when time is instant.
        AssertError(await instant.SendAsync(HttpMethod.Delete, $"/appliance/{id}"), HttpStatusCode.Conflict, "server_power_must_be_down");
        Assert.Equal("down", Str((await instant.GetAsync($"/appliance/{id}")).Json["Appliance"]!["Instance"]!["Status"]));
        AssertOk(await instant.SendAsync(HttpMethod.Delete, $"/appliance/{id}"));
    }

    [Fact]
    public async Task TimeScaleHundredth_OnTheRealClock_BootsWithinASecond()
    {
        await using var fast = await SimHarness.StartAsync(new SakuraSimulatorOptions { TimeScale = 0.01, RateLimitPerSecond = 0 }, fakeClock: false);
        var id = CreatedId(await fast.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer()));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var status = "";
        while (DateTime.UtcNow < deadline)
        {
            var result = await fast.GetAsync($"/appliance/{id}");
            if (result.Status == HttpStatusCode.OK && (status = Str(result.Json["Appliance"]!["Instance"]!["Status"])) == "up")
            {
                break;
            }

            await Task.Delay(20);
        }

        Assert.Equal("up", status);
    }

    [Fact]
    public async Task ClockAdvance_ControlEndpoint_FastForwardsTheLifecycle()
    {
        var id = CreatedId(await Sim.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer()));

        var advanced = await Sim.ControlAsync(HttpMethod.Post, "/_sim/clock/advance", """{"seconds":120}""");

        AssertOk(advanced);
        Assert.Equal(120, advanced.Json["offsetSeconds"]!.GetValue<double>());
        Assert.Equal(("available", "up"), await StateAsync(id));
    }

    [Fact]
    public async Task StateChangeOfTimeScale_AppliesToLaterTransitions()
    {
        AssertOk(await Sim.ControlAsync(HttpMethod.Put, "/_sim/config", """{"timeScale":0.1}"""));
        var id = CreatedId(await Sim.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer()));

        Sim.Advance(TimeSpan.FromSeconds(7.6)); // (30 + 45) × 0.1 = 7.5 s
        Assert.Equal(("available", "up"), await StateAsync(id));
    }

    private async Task<long> CreateUpAsync()
    {
        var id = CreatedId(await Sim.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer()));
        Sim.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(("available", "up"), await StateAsync(id));
        return id;
    }
}
