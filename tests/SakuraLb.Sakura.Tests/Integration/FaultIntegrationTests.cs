using SakuraLb.Sakura.Mapping;

namespace SakuraLb.Sakura.Tests.Integration;

/// <summary>Retries, error mapping, timeouts and cancellation against injected and real API errors.</summary>
public sealed class FaultIntegrationTests(SimulatorFixture sim) : IClassFixture<SimulatorFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => sim.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task InjectedBusy_IsRetried_AndSucceeds()
    {
        using var client = sim.CreateClient(o => o.MaxRetries = 3);
        await sim.InjectAsync(Fault("GET", "/auth-status", 503, "busy", count: 2));

        await client.Cloud.GetAuthStatusAsync(CancellationToken.None);

        var seen = await AuthStatusRequestsAsync();
        Assert.Equal([503, 503, 200], seen.Select(r => r.Status));
        Assert.Equal(["busy", "busy", null], seen.Select(r => r.ErrorCode));
    }

    [Fact]
    public async Task InjectedLocked_OnApplyConfig_IsRetried_AndSucceeds()
    {
        using var client = sim.CreateClient(o => o.MaxRetries = 3);
        var (lb, _) = await LoadBalancerSteps.CreateAsync(client.Cloud, "lb-locked", ["@k8s"], vrid: 1);
        await LoadBalancerSteps.WaitUntilUpAsync(client.Cloud, lb.Id);
        await sim.InjectAsync(Fault("PUT", "/appliance/*/config", 423, "locked", count: 2));
        await sim.ClearRequestsAsync();

        await client.Cloud.ApplyConfigAsync(lb.Id, CancellationToken.None);

        var seen = (await sim.RequestsAsync()).Where(r => r.Path == $"/appliance/{lb.Id}/config").ToList();
        Assert.Equal([423, 423, 200], seen.Select(r => r.Status));
    }

    [Fact]
    public async Task InjectedBusy_RetriedOnPost_CreatesExactlyOneLoadBalancer()
    {
        using var client = sim.CreateClient(o => o.MaxRetries = 3);
        await sim.InjectAsync(Fault("POST", "/appliance", 503, "busy", count: 1));

        var (lb, _) = await LoadBalancerSteps.CreateAsync(client.Cloud, "lb-once", ["@k8s.Once"], vrid: 1);

        var found = await client.Cloud.FindLoadBalancersByNameAsync("lb-once", CancellationToken.None);
        Assert.Equal([lb.Id], found.Select(a => a.Id));
    }

    [Fact]
    public async Task BusyForever_GivesUpAfterMaxRetries_WithBusyKind()
    {
        using var client = sim.CreateClient(o => o.MaxRetries = 2);
        await sim.InjectAsync(Fault("GET", "/auth-status", 503, "busy"));

        var error = await Assert.ThrowsAsync<SakuraApiException>(() => client.Cloud.GetAuthStatusAsync(CancellationToken.None));

        Assert.Equal(SakuraErrorKind.Busy, error.Kind);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Equal(3, (await AuthStatusRequestsAsync()).Count);
    }

    [Fact]
    public async Task InjectedBadRequest_IsNotRetried_AndSurfacesCodeAndMessage()
    {
        using var client = sim.CreateClient(o => o.MaxRetries = 5);
        await sim.InjectAsync(Fault("GET", "/auth-status", 400, "bad_request", message: "The property IPAddress is required"));

        var error = await Assert.ThrowsAsync<SakuraApiException>(() => client.Cloud.GetAuthStatusAsync(CancellationToken.None));

        Assert.Equal(SakuraErrorKind.BadRequest, error.Kind);
        Assert.Equal("bad_request", error.ErrorCode);
        Assert.Contains("The property IPAddress is required", error.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("The property IPAddress is required", error.Message, StringComparison.Ordinal);
        Assert.Single(await AuthStatusRequestsAsync());
    }

    [Fact]
    public async Task RealBadRequest_InvalidHealthCheck_SurfacesTheSimulatorsDetails()
    {
        using var client = sim.CreateClient();
        var router = await LoadBalancerSteps.DefaultRouterAsync(client.Cloud);
        var free = await LoadBalancerSteps.FreeAddressesAsync(client.Cloud, router);
        var body = WireMapper.ToCreateBody(
            LoadBalancerSteps.Creation(router, "lb-bad", [], vrid: 1, [free[0]], free[1], [LoadBalancerSteps.Vip(free[1], 80, "203.0.113.100")]));

        // An http health check without path and status: the boundary never sends one, so the raw route does.
        var vip = body.Settings.LoadBalancer[0];
        body = body with
        {
            Settings = new ApplianceSettings
            {
                LoadBalancer = [vip with { Servers = [vip.Servers[0] with { HealthCheck = new LoadBalancerHealthCheck { Protocol = "http" } }] }],
            },
        };
        var error = await Assert.ThrowsAsync<SakuraApiException>(() => client.Api.CreateApplianceAsync(
            new ApplianceCreateEnvelope { Appliance = body }, CancellationToken.None));

        Assert.Equal(SakuraErrorKind.BadRequest, error.Kind);
        Assert.False(string.IsNullOrWhiteSpace(error.ErrorMessage));
        Assert.Single(await sim.RequestsAsync(), r => r.Method == "POST" && r.Path == "/appliance");
    }

    [Fact]
    public async Task ApplyConfig_WhileStillCreating_IsStillCreatingKind_AndNotRetried()
    {
        using var client = sim.CreateClient(o => o.MaxRetries = 5);
        await sim.ConfigureAsync(new JsonObject { ["timeScale"] = 1 });
        var (lb, _) = await LoadBalancerSteps.CreateAsync(client.Cloud, "lb-young", ["@k8s"], vrid: 1);
        await sim.ClearRequestsAsync();

        var error = await Assert.ThrowsAsync<SakuraApiException>(() => client.Cloud.ApplyConfigAsync(lb.Id, CancellationToken.None));

        Assert.Equal(SakuraErrorKind.StillCreating, error.Kind);
        Assert.Equal(HttpStatusCode.Conflict, error.StatusCode);
        Assert.Equal("still_creating", error.ErrorCode);
        Assert.Single(await sim.RequestsAsync());
    }

    [Fact]
    public async Task NotFound_OnTheRawApi_IsNotFoundKind()
    {
        using var client = sim.CreateClient();

        var error = await Assert.ThrowsAsync<SakuraApiException>(() => client.Api.GetLoadBalancerStatusAsync(42, CancellationToken.None));

        Assert.Equal(SakuraErrorKind.NotFound, error.Kind);
        Assert.Equal("not_found", error.ErrorCode);
    }

    [Fact]
    public async Task Cancellation_DuringRetryBackoff_StopsAtOnce()
    {
        using var client = sim.CreateClient(o =>
        {
            o.MaxRetries = 10;
            o.RetryBaseDelay = TimeSpan.FromSeconds(30);
            o.RetryMaxDelay = TimeSpan.FromSeconds(60);
        });
        await sim.InjectAsync(Fault("GET", "/auth-status", 503, "busy"));
        using var cts = new CancellationTokenSource();

        var call = client.Cloud.GetAuthStatusAsync(cts.Token);
        await Eventually.UntilAsync(AuthStatusRequestsAsync, r => r.Count >= 1, "the first attempt");
        var cancelledAt = DateTime.UtcNow;
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.True(DateTime.UtcNow - cancelledAt < TimeSpan.FromSeconds(10), "cancellation waited for the backoff");
        Assert.Single(await AuthStatusRequestsAsync());
    }

    [Fact]
    public async Task SlowAnswer_BeyondTheAttemptTimeout_IsATimeout_AndNotRetried()
    {
        // The attempt timeout leaves room for a loaded machine to get the request onto the wire (300 ms did not
        // always: the request could be cut before the simulator saw it); the answer comes far later still.
        using var client = sim.CreateClient(o => o.Timeout = TimeSpan.FromMilliseconds(1500));
        await sim.InjectAsync(new JsonObject { ["method"] = "GET", ["path"] = "/auth-status", ["latencyMs"] = 10_000 });

        await Assert.ThrowsAsync<TimeoutException>(() => client.Cloud.GetAuthStatusAsync(CancellationToken.None));

        await Eventually.UntilAsync(AuthStatusRequestsAsync, r => r.Count >= 1, "the aborted request to be logged");
        Assert.Single(await AuthStatusRequestsAsync());
    }

    private async Task<IReadOnlyList<LoggedRequest>> AuthStatusRequestsAsync() =>
        [.. (await sim.RequestsAsync()).Where(r => r.Path == "/auth-status")];

    private static JsonObject Fault(string method, string path, int status, string code, int? count = null, string? message = null)
    {
        var fault = new JsonObject { ["method"] = method, ["path"] = path, ["status"] = status, ["errorCode"] = code };
        if (count is { } c)
        {
            fault["count"] = c;
        }

        if (message is not null)
        {
            fault["errorMessage"] = message;
        }

        return fault;
    }
}
