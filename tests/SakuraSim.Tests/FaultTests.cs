using System.Diagnostics;

namespace SakuraSim.Tests;

/// <summary>Fault injection through <c>PUT /_sim/config</c>.</summary>
public sealed class FaultTests() : SimulatorTests(new SakuraSimulatorOptions { RateLimitPerSecond = 0, RandomSeed = 7 })
{
    private async Task SetFaultsAsync(string faults) =>
        AssertOk(await Sim.ControlAsync(HttpMethod.Put, "/_sim/config", "{\"faults\":" + faults + "}"));

    [Fact]
    public async Task Fault_WithCount_FailsThatManyMatchingRequests_ThenIsSpent()
    {
        await SetFaultsAsync("""[{"method":"GET","path":"/internet*","status":503,"errorCode":"busy","probability":1.0,"count":2,"latencyMs":0}]""");

        AssertError(await Sim.GetAsync("/internet"), HttpStatusCode.ServiceUnavailable, "busy");
        AssertOk(await Sim.GetAsync("/server"));
        AssertError(await Sim.GetAsync("/internet/112800000001"), HttpStatusCode.ServiceUnavailable, "busy");
        AssertOk(await Sim.GetAsync("/internet"));

        var config = await Sim.ControlAsync(HttpMethod.Get, "/_sim/config");
        Assert.Equal(0, config.Json["faults"]![0]!["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Fault_GlobAndMethod_SelectOnlyMatchingRequests()
    {
        await SetFaultsAsync("""[{"method":"PUT","path":"/appliance/*/config","status":423,"errorCode":"locked"}]""");

        AssertError(await Sim.SendAsync(HttpMethod.Put, "/appliance/113200000001/config"), (HttpStatusCode)423, "locked");
        AssertError(await Sim.SendAsync(HttpMethod.Put, "/appliance/113200000001/power"), HttpStatusCode.NotFound, "not_found");
        AssertError(await Sim.GetAsync("/appliance/113200000001/config"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Fault_WithOnlyStatus_GetsTheDefaultCode_AndCustomMessage()
    {
        await SetFaultsAsync("""[{"path":"/server","status":409,"errorMessage":"custom text"},{"path":"/switch","status":500}]""");

        Assert.Equal("custom text", AssertError(await Sim.GetAsync("/server"), HttpStatusCode.Conflict, "conflict"));
        AssertError(await Sim.GetAsync("/switch"), HttpStatusCode.InternalServerError, "internal_server_error");
    }

    [Fact]
    public async Task Fault_Probability_ZeroNeverFires_HalfFiresSometimes()
    {
        await SetFaultsAsync("""[{"path":"/server","status":503,"probability":0},{"path":"/switch","status":503,"probability":0.5}]""");

        var server = new List<HttpStatusCode>();
        var sw = new List<HttpStatusCode>();
        for (var i = 0; i < 60; i++)
        {
            server.Add((await Sim.GetAsync("/server")).Status);
            sw.Add((await Sim.GetAsync("/switch")).Status);
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
        var call = Sim.GetAsync("/server");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!call.IsCompleted)
        {
            Assert.True(DateTime.UtcNow < deadline, "the delayed request never completed");
            Sim.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(call, Task.Delay(20));
        }

        var answer = await call;
        AssertOk(answer);
        var answeredAt = DateTimeOffset.Parse(Str(answer.Json["ResponsedAt"]), System.Globalization.CultureInfo.InvariantCulture);
        var log = (await Sim.ControlAsync(HttpMethod.Get, "/_sim/requests")).Json.AsArray();
        var loggedAt = DateTimeOffset.Parse(Str(Assert.Single(log)!["time"]), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(answeredAt - loggedAt >= TimeSpan.FromSeconds(4), $"logged {loggedAt:O}, answered {answeredAt:O}");
    }

    [Fact]
    public async Task Fault_FailCreation_EndsMigratingAsFailed()
    {
        await SetFaultsAsync("""[{"method":"POST","path":"/appliance","action":"failCreation","count":1}]""");

        var id = CreatedId(await Sim.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer()));
        Sim.Advance(TimeSpan.FromMinutes(5));
        var lb = (await Sim.GetAsync($"/appliance/{id}")).Json["Appliance"]!;

        Assert.Equal("failed", Str(lb["Availability"]));
        AssertError(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}/power"), HttpStatusCode.Conflict, "conflict");
        AssertOk(await Sim.SendAsync(HttpMethod.Delete, $"/appliance/{id}"));

        // The fault was spent: the next one comes up.
        var next = CreatedId(await Sim.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer()));
        Sim.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("up", Str((await Sim.GetAsync($"/appliance/{next}")).Json["Appliance"]!["Instance"]!["Status"]));
    }

    [Fact]
    public async Task Fault_CreatePoweredOff_EndsAvailableButDown()
    {
        await SetFaultsAsync("""[{"method":"POST","path":"/appliance","action":"createPoweredOff"}]""");

        var id = CreatedId(await Sim.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer()));
        Sim.Advance(TimeSpan.FromMinutes(5));
        var lb = (await Sim.GetAsync($"/appliance/{id}")).Json["Appliance"]!;

        Assert.Equal("available", Str(lb["Availability"]));
        Assert.Equal("down", Str(lb["Instance"]!["Status"]));
    }

    [Theory]
    [InlineData("too_many_request", 503, "503 Service Unavailable", "要求を受け付けできません。リクエストの密度が高すぎます。")]
    [InlineData("operation_failure", 503, "503 Service Unavailable", "サービスが利用できません。操作に失敗しました。サーバが混雑している可能性があります。")]
    [InlineData("service_temporarily_unavailable", 503, "503 Service Unavailable", "サービスが利用できません。この機能は一時的に利用できない状態にあります。メンテナンス情報、サポートサイトをご確認ください。")]
    [InlineData("apiproxy_timeout", 504, "504 Gateway Timeout", "APIプロクシがタイムアウトしました。サーバが混雑している可能性があります。")]
    [InlineData("apiproxy_timeout_non_get", 504, "504 Gateway Timeout", "APIプロクシが応答しません。要求は実行された可能性があります。しばらく時間をおいてからご確認ください。")]
    public async Task Fault_WithARealErrorCode_AnswersItsStatusAndStandardBody(string code, int status, string statusText, string japanese)
    {
        // Only the code: the status comes from the catalogue, the texts are those saklient carries for it.
        await SetFaultsAsync("[{\"path\":\"/server\",\"errorCode\":\"" + code + "\"}]");

        var result = await Sim.GetAsync("/server");
        var english = await Sim.SendAsync(HttpMethod.Get, "/server", configure: r => r.Headers.AcceptLanguage.ParseAdd("en"));

        Assert.Equal(japanese, AssertError(result, (HttpStatusCode)status, code));
        Assert.Equal(statusText, Str(result.Json["status"]));
        Assert.DoesNotContain("。", AssertError(english, (HttpStatusCode)status, code), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/server", "apiproxy_timeout")]
    [InlineData("PUT", "/appliance/113200000001/config", "apiproxy_timeout_non_get")]
    [InlineData("POST", "/appliance", "apiproxy_timeout_non_get")]
    public async Task Fault_With504Only_TakesTheProxyCodeOfTheMethod(string method, string path, string expected)
    {
        await SetFaultsAsync("""[{"path":"*","status":504}]""");

        AssertError(await Sim.SendAsync(new HttpMethod(method), path, method == "POST" ? Bodies.CreateLoadBalancer() : null), HttpStatusCode.GatewayTimeout, expected);
    }

    [Fact]
    public async Task Fault_504BeforeEffect_OnCreate_CreatesNothing()
    {
        await SetFaultsAsync("""[{"method":"POST","path":"/appliance","status":504,"errorCode":"apiproxy_timeout_non_get","effect":"before","count":1}]""");

        AssertError(await Sim.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer()), HttpStatusCode.GatewayTimeout, "apiproxy_timeout_non_get");

        Assert.Empty((await Sim.ControlAsync(HttpMethod.Get, "/_sim/state")).Json["appliances"]!.AsArray());
        var entry = Assert.Single((await Sim.ControlAsync(HttpMethod.Get, "/_sim/requests")).Json.AsArray())!;
        Assert.Null(entry["executedStatus"]);
    }

    [Fact]
    public async Task Fault_504AfterEffect_OnCreate_CreatesTheAppliance_ButTheAnswerIsLost()
    {
        // What a client must survive: the create ran, the client only saw a 504. A blind retry makes a second LB.
        await SetFaultsAsync("""[{"method":"POST","path":"/appliance","status":504,"errorCode":"apiproxy_timeout_non_get","effect":"after","count":1}]""");

        var lost = await Sim.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer());

        Assert.Contains("要求は実行された可能性があります", AssertError(lost, HttpStatusCode.GatewayTimeout, "apiproxy_timeout_non_get"), StringComparison.Ordinal);
        Assert.Null(lost.Json["Appliance"]);
        var appliance = Assert.Single((await Sim.ControlAsync(HttpMethod.Get, "/_sim/state")).Json["appliances"]!.AsArray())!;
        Assert.Equal("a3f6c1d2e4b5a69788990aabbccddeef", Str(appliance["name"]));
        var entry = Assert.Single((await Sim.ControlAsync(HttpMethod.Get, "/_sim/requests")).Json.AsArray())!;
        Assert.Equal(504, entry["status"]!.GetValue<int>());
        Assert.Equal("apiproxy_timeout_non_get", Str(entry["errorCode"]));
        Assert.Equal(201, entry["executedStatus"]!.GetValue<int>());

        // The client finds its appliance by name once the post-create window has passed.
        Sim.Advance(TimeSpan.FromSeconds(3));
        var found = await Sim.GetAsync("""/appliance?{"Filter":{"Name":["a3f6c1d2e4b5a69788990aabbccddeef"]}}""");
        Assert.Equal(1, found.Json["Total"]!.GetValue<int>());
        var retried = await Sim.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer());
        AssertOk(retried, HttpStatusCode.Created);
        Assert.Equal(2, (await Sim.ControlAsync(HttpMethod.Get, "/_sim/state")).Json["appliances"]!.AsArray().Count);
    }

    [Fact]
    public async Task Fault_AfterEffect_OnAnUpdate_ChangesTheSettings()
    {
        var id = CreatedId(await Sim.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer()));
        Sim.Advance(TimeSpan.FromMinutes(2));
        await SetFaultsAsync("""[{"method":"PUT","path":"/appliance/*","status":503,"errorCode":"operation_failure","effect":"after","count":1}]""");

        AssertError(await Sim.SendAsync(HttpMethod.Put, $"/appliance/{id}", Bodies.UpdateSettings(Bodies.Settings(port: "8080"))),
            HttpStatusCode.ServiceUnavailable, "operation_failure");

        Assert.Equal("8080", Str((await Sim.GetAsync($"/appliance/{id}")).Json["Appliance"]!["Settings"]!["LoadBalancer"]![0]!["Port"]));
    }

    [Fact]
    public async Task Fault_AfterEffect_WhenTheRequestItselfFails_LogsItsOwnStatus()
    {
        await SetFaultsAsync("""[{"method":"PUT","path":"/appliance/*/config","status":504,"effect":"after"}]""");

        AssertError(await Sim.SendAsync(HttpMethod.Put, "/appliance/113200000001/config"), HttpStatusCode.GatewayTimeout, "apiproxy_timeout_non_get");

        Assert.Equal(404, (await Sim.ControlAsync(HttpMethod.Get, "/_sim/requests")).Json[0]!["executedStatus"]!.GetValue<int>());
    }

    [Fact]
    public async Task Fault_Config_ShowsTheEffect()
    {
        await SetFaultsAsync("""[{"path":"/server","status":504,"effect":"after"},{"path":"/switch","status":503}]""");

        var faults = (await Sim.ControlAsync(HttpMethod.Get, "/_sim/config")).Json["faults"]!.AsArray();

        Assert.Equal("after", Str(faults[0]!["effect"]));
        Assert.Null(faults[0]!["errorCode"]);
        Assert.Equal("before", Str(faults[1]!["effect"]));
        Assert.Equal("busy", Str(faults[1]!["errorCode"]));
    }

    [Fact]
    public async Task Faults_EmptyList_Clears()
    {
        await SetFaultsAsync("""[{"path":"*","status":503}]""");
        AssertError(await Sim.GetAsync("/server"), HttpStatusCode.ServiceUnavailable, "busy");

        await SetFaultsAsync("[]");

        AssertOk(await Sim.GetAsync("/server"));
    }

    [Fact]
    public async Task Fault_InjectedErrors_AreLogged()
    {
        await SetFaultsAsync("""[{"path":"/server","status":503}]""");

        await Sim.GetAsync("/server");
        var entry = (await Sim.ControlAsync(HttpMethod.Get, "/_sim/requests")).Json[0]!;

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
    [InlineData("""[{"path":"/x","status":504,"effect":"during"}]""", "effect must be before or after")]
    [InlineData("""[{"path":"/x","status":504,"effect":1}]""", "effect must be before or after")]
    [InlineData("""[{"path":"/x","latencyMs":10,"effect":"after"}]""", "effect after needs a status")]
    [InlineData("""[{"path":"/appliance","action":"failCreation","effect":"after"}]""", "effect after needs a status")]
    [InlineData("""{"path":"/x"}""", "must be an array")]
    [InlineData("""[1]""", "must be an object")]
    public async Task BadFaultConfig_Gets400_AndKeepsTheOldFaults(string faults, string expected)
    {
        var result = await Sim.ControlAsync(HttpMethod.Put, "/_sim/config", "{\"faults\":" + faults + "}");

        Assert.Contains(expected, AssertError(result, HttpStatusCode.BadRequest, "bad_request"), StringComparison.Ordinal);
        Assert.Empty((await Sim.ControlAsync(HttpMethod.Get, "/_sim/config")).Json["faults"]!.AsArray());
    }
}
