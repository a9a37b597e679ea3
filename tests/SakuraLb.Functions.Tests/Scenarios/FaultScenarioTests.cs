using Microsoft.Extensions.DependencyInjection;

namespace SakuraLb.Functions.Tests.Scenarios;

/// <summary>The cloud misbehaves in every documented way at once; every Service still converges cleanly.</summary>
public sealed class FaultScenarioTests
{
    [Theory]
    [BothEngines]
    public async Task Faults_BusyLockedStillCreatingNotFoundFailedCreateAndLostResponse_EveryServiceConvergesWithOneLbAndNoLeak(DurableEngineKind engine)
    {
        var lost = new LostResponses();
        await using var app = await TestApp.StartAsync(
            simulatorOptions: new SakuraSim.SakuraSimulatorOptions { TimeScale = 0, RateLimitPerSecond = 0, RandomSeed = 42 },
            services: s =>
            {
                s.AddSingleton(lost);
                s.AddTransient<LoseFirstCreateResponse>();
                s.AddHttpClient(Sakura.ServiceCollectionExtensions.HttpClientName).AddHttpMessageHandler<LoseFirstCreateResponse>();
            },
            engine: engine);
        // Rules are tried in order and the first answering one wins, so the creation failure comes last: it then
        // marks the first create that got through. The counted 423 makes sure one update meets "locked" whatever
        // order the three reconciles' requests take (the random rules depend on that order).
        await app.Sim.FaultsAsync(
            new JsonObject { ["path"] = "*", ["status"] = 503, ["probability"] = 0.3 },
            new JsonObject { ["method"] = "PUT", ["path"] = "/appliance/*", ["status"] = 423, ["count"] = 1 },
            new JsonObject { ["method"] = "PUT", ["path"] = "/appliance/*", ["status"] = 423, ["probability"] = 0.3 },
            new JsonObject { ["method"] = "PUT", ["path"] = "/appliance/*/config", ["status"] = 409, ["errorCode"] = "still_creating", ["count"] = 2 },
            new JsonObject { ["method"] = "GET", ["path"] = "/appliance/*", ["status"] = 404, ["count"] = 2 },
            new JsonObject { ["method"] = "POST", ["path"] = "/appliance", ["action"] = "failCreation", ["count"] = 1 });
        var services = Enumerable.Range(0, 3).Select(i => Snapshots.Service(Snapshots.NewUid(), $"svc{i}", [80, 443])).ToList();

        // One Service first, until its create got through: concurrent creates may answer in another order than
        // the simulator processed them, and the handler must know which create the simulator failed.
        await app.PostEventsAsync([services[0]], Snapshots.DefaultNodes());
        await Eventually.UntilAsync(() => Task.FromResult(lost.FailedName), name => name is not null, "the first create to get through", TimeSpan.FromSeconds(60));
        await app.PostEventsAsync([.. services.Skip(1)]);
        var lbs = await AssertEachReadyWithItsOwnRunningLbAsync(app, services);
        foreach (var service in services)
        {
            var lb = lbs.Single(l => l.Name == Reconcile.Desired.LoadBalancerNaming.Name(service.Uid));
            var reserved = (await app.Reservations.ListByOwnerAsync(service.Uid, default)).Select(r => r.Address.ToString()).Order(StringComparer.Ordinal);
            Assert.Equal(lb.IpAddresses.Concat(lb.Vips).Order(StringComparer.Ordinal), reserved);
        }

        Assert.Equal(6, (await app.Reservations.ListBySwitchAsync(Topology.SwitchId, default)).Count);
        var requests = await app.Sim.RequestsAsync();
        Assert.Contains(requests, r => r.Status == 503);
        Assert.Contains(requests, r => r.Status == 423);
        Assert.Contains(requests, r => r.ErrorCode == "still_creating");
        // The failed appliance was deleted and made again; the create whose response was lost was not repeated.
        Assert.NotNull(lost.LostName);
        Assert.NotEqual(lost.FailedName, lost.LostName);
        Assert.Equal(2, lost.Creates(lost.FailedName!));
        Assert.Equal(1, lost.Creates(lost.LostName!));
        Assert.Equal(4, requests.Count(r => r.Method == "POST" && r.Path == "/appliance" && r.Status == 201));
        Assert.Single(requests, r => r.Method == "DELETE" && r.Status == 200 && !r.Path.EndsWith("/power", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Faults_GatewayTimeoutAfterCreateAndUpdate_AndEveryDocumented503_EveryServiceConvergesWithExactlyOneLb()
    {
        await using var app = await TestApp.StartAsync(
            simulatorOptions: new SakuraSim.SakuraSimulatorOptions { TimeScale = 0, RateLimitPerSecond = 0, RandomSeed = 7 });

        // effect "after": the simulator carries the request out, then answers 504 apiproxy_timeout_non_get ("may have
        // executed"). Every create of the first pass is made and its answer lost; one settings update too. The three
        // 503 codes the real API gives for "not now" come at random on every path.
        await app.Sim.FaultsAsync(
            new JsonObject { ["method"] = "POST", ["path"] = "/appliance", ["status"] = 504, ["effect"] = "after", ["count"] = 2 },
            new JsonObject { ["method"] = "PUT", ["path"] = "/appliance/*", ["status"] = 504, ["effect"] = "after", ["count"] = 1 },
            new JsonObject { ["path"] = "*", ["errorCode"] = "too_many_request", ["probability"] = 0.1 },
            new JsonObject { ["path"] = "*", ["errorCode"] = "operation_failure", ["probability"] = 0.1 },
            new JsonObject { ["path"] = "*", ["errorCode"] = "service_temporarily_unavailable", ["probability"] = 0.1 });
        var services = Enumerable.Range(0, 2).Select(i => Snapshots.Service(Snapshots.NewUid(), $"gw{i}", [80, 443])).ToList();

        await app.PostEventsAsync(services, Snapshots.DefaultNodes());
        await AssertEachReadyWithItsOwnRunningLbAsync(app, services);
        var requests = await app.Sim.RequestsAsync();
        var creates = requests.Where(r => r.Method == "POST" && r.Path == "/appliance").ToList();
        Assert.Equal(2, creates.Count(r => r.Status == 504 && r.ErrorCode == "apiproxy_timeout_non_get"));

        // Both timed-out creates had made their load balancer: neither was sent again, and nothing was deleted.
        Assert.DoesNotContain(creates, r => r.Status == 201);
        Assert.DoesNotContain(requests, r => r.Method == "DELETE" && !r.Path.EndsWith("/power", StringComparison.Ordinal));
        Assert.Contains(requests, r => r.Method == "PUT" && r.Status == 504);
        Assert.Contains(requests, r => r.ErrorCode is "too_many_request" or "operation_failure" or "service_temporarily_unavailable");
    }

    /// <summary>Waits until every Service has settled; each is Ready with exactly one load balancer, named for it and up. Returns the load balancers.</summary>
    private static async Task<IReadOnlyList<SimAppliance>> AssertEachReadyWithItsOwnRunningLbAsync(TestApp app, IReadOnlyList<ServiceSnapshot> services)
    {
        var statuses = await app.WaitAllSettledAsync(services, TimeSpan.FromMinutes(3));
        Assert.All(statuses, s => Assert.Equal(ServicePhase.Ready, s.Status.Phase));
        var lbs = await app.Sim.LoadBalancersAsync();
        Assert.Equal(
            services.Select(s => Reconcile.Desired.LoadBalancerNaming.Name(s.Uid)).Order(StringComparer.Ordinal),
            lbs.Select(l => l.Name).Order(StringComparer.Ordinal));
        Assert.All(lbs, l => Assert.Equal("up", l.Phase));
        return lbs;
    }

    /// <summary>What the response-losing handler saw: every successful create by name, and which one it lost.</summary>
    public sealed class LostResponses
    {
        private readonly Lock gate = new();
        private readonly List<string> created = [];

        public string? FailedName { get; private set; }

        public string? LostName { get; private set; }

        public int Creates(string name)
        {
            lock (gate)
            {
                return created.Count(n => n == name);
            }
        }

        /// <summary>Records a successful create; true when its response is to be lost.</summary>
        public bool Record(string name)
        {
            lock (gate)
            {
                created.Add(name);

                // The first success is the one the simulator makes fail; the first success of another Service is lost.
                FailedName ??= name;
                if (LostName is null && name != FailedName)
                {
                    LostName = name;
                    return true;
                }

                return false;
            }
        }
    }

    /// <summary>Loses the response of one successful create: the appliance exists, the caller sees a network error.</summary>
    public sealed class LoseFirstCreateResponse(LostResponses lost) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/appliance", StringComparison.Ordinal)
                && response.IsSuccessStatusCode)
            {
                var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!;
                if (lost.Record((string)body["Appliance"]!["Name"]!))
                {
                    response.Dispose();
                    throw new HttpRequestException("the connection was reset after the request was sent (test)");
                }
            }

            return response;
        }
    }
}

/// <summary>A Service whose annotations are unusable is reported and never touches the cloud.</summary>
public sealed class InvalidServiceScenarioTests
{
    [Theory]
    [BothEngines]
    public async Task InvalidAnnotations_StatusFailedWithEveryReason_AndZeroSakuraRequests(DurableEngineKind engine)
    {
        await using var app = await TestApp.StartAsync(engine: engine);
        var uid = Snapshots.NewUid();
        var service = Snapshots.Service(uid, "web", [80], annotations: new Dictionary<string, string>
        {
            ["k8s.usacloud.jp/load-balancer-plan"] = "gold",
            ["k8s.usacloud.jp/load-balancer-healthz-interval"] = "5",
        });

        await app.PostEventsAsync([service], Snapshots.DefaultNodes());
        var status = await app.WaitSettledAsync(uid);

        Assert.Equal((ServicePhase.Failed, ReasonCodes.InvalidAnnotation), (status.Status.Phase, status.Status.ReasonCode));
        Assert.Contains("load-balancer-plan", status.Status.Message, StringComparison.Ordinal);
        Assert.Contains("load-balancer-healthz-interval", status.Status.Message, StringComparison.Ordinal);
        Assert.False(status.Status.FinalizerReleasable);
        Assert.Empty(await app.Sim.RequestsAsync());
    }
}
