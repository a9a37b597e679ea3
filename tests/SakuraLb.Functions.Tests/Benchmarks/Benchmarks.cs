using System.Globalization;
using SakuraLb.Functions.Tests.Scenarios;
using Xunit.Abstractions;

namespace SakuraLb.Functions.Tests.Benchmarks;

/// <summary>
/// The figures reported in docs/performance.md. Run:
/// <c>SAKURALB_BENCHMARKS=1 dotnet test tests/SakuraLb.Functions.Tests --filter Category=Benchmark --logger "console;verbosity=detailed"</c>
/// </summary>
[Trait("Category", "Benchmark")]
public sealed class Benchmarks(ITestOutputHelper output)
{
    private static string Summary(IEnumerable<SimRequest> requests) =>
        string.Join(", ", requests.GroupBy(r => r.Method).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"));

    private static string Operations(IEnumerable<SimRequest> requests) =>
        string.Join("; ", requests.GroupBy(r => $"{r.Method} {System.Text.RegularExpressions.Regex.Replace(r.Path, "[0-9]{6,}", "{id}")}")
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} ×{g.Count()}"));

    /// <summary>Where a burst's time goes: the requests of each kind per time slice from the start, so idle stretches show.</summary>
    private static string Timeline(IReadOnlyList<SimRequest> requests, DateTimeOffset started, TimeSpan slice) =>
        string.Join(" | ", requests.GroupBy(r => (int)((r.Time - started) / slice)).OrderBy(g => g.Key).Select(g =>
            $"{(g.Key * slice).TotalSeconds:F0}s: {string.Join(" ", g.GroupBy(r => r.Method).OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key} {m.Count()}"))}"));

    /// <summary>The burst's phases from the request log: first request, first and last create, last apply, and the budget the requests used.</summary>
    private static string Phases(IReadOnlyList<SimRequest> requests, DateTimeOffset started, int rate)
    {
        double At(SimRequest? r) => r is null ? double.NaN : (r.Time - started).TotalSeconds;
        var creates = requests.Where(r => r.Method == "POST").OrderBy(r => r.Time).ToList();
        var applies = requests.Where(r => r.Method == "PUT" && r.Path.EndsWith("/config", StringComparison.Ordinal)).OrderBy(r => r.Time).ToList();
        var span = (requests.Max(r => r.Time) - requests.Min(r => r.Time)).TotalSeconds;
        return $"first request {At(requests.MinBy(r => r.Time)):F1} s, creates {At(creates.FirstOrDefault()):F1}–{At(creates.LastOrDefault()):F1} s, " +
            $"applies {At(applies.FirstOrDefault()):F1}–{At(applies.LastOrDefault()):F1} s, last request {At(requests.MaxBy(r => r.Time)):F1} s; " +
            $"budget used between first and last request {requests.Count / (span * rate):P0}, needed {requests.Count / (double)rate:F1} s; " +
            $"after the last apply: {string.Join(", ", requests.Where(r => applies.Count > 0 && r.Time > applies[^1].Time).OrderBy(r => r.Time).Select(r => $"{Kind(r)} {At(r):F1} s").DefaultIfEmpty("none"))}";
    }

    [BenchmarkFact]
    public async Task Create_TwoPortsThreeNodes_SakuraRequests()
    {
        await using var app = await TestApp.StartAsync();
        var uid = Snapshots.NewUid();

        await app.PostEventsAsync([Snapshots.Service(uid, "web", [80, 443])], Snapshots.DefaultNodes());
        await app.WaitSettledAsync(uid);

        var requests = await app.Sim.RequestsAsync();
        output.WriteLine($"create (2 ports, 3 nodes): {requests.Count} Sakura requests ({Summary(requests)}): {Operations(requests)}");
        Assert.Equal(2, requests.Count(r => r.IsWrite));
    }

    [BenchmarkFact]
    public async Task CreateOnAPlainSwitch_ThenNoOpResyncWithBothKinds_SakuraRequests()
    {
        await using var app = await TestApp.StartAsync();
        await SwitchScenarioTests.AddPrivateSwitchAsync(app);
        var privateService = ExampleManifests.Service("private-service.yaml") with { Ports = Snapshots.Service("", "", [80, 443]).Ports };
        await app.Sim.ClearRequestsAsync();

        await app.PostEventsAsync([privateService], Snapshots.DefaultNodes());
        await app.WaitSettledAsync(privateService.Uid);
        var create = await app.Sim.RequestsAsync();
        output.WriteLine($"create on a plain switch (2 ports, 3 nodes): {create.Count} Sakura requests ({Summary(create)}): {Operations(create)}");
        var internet = Snapshots.Service(Snapshots.NewUid(), "web", [80]);
        await app.PostEventsAsync([internet]);
        await app.WaitSettledAsync(internet.Uid);

        await app.Sim.ClearRequestsAsync();
        var report = await app.ResyncAsync();
        var resync = await app.Sim.RequestsAsync();
        output.WriteLine($"no-op resync of an internet and a switch-type Service: {resync.Count} Sakura requests ({Summary(resync)}): {Operations(resync)}; started {report.Started.Count}");
        Assert.Equal(2, create.Count(r => r.IsWrite));
        Assert.Empty(report.Started);
    }

    [BenchmarkFact]
    public async Task Burst_FiftyServices_RateLimitHeld_ThenNoOpResync()
    {
        await using var app = await BurstAsync(50, limit: 10, prefixLength: 25);

        await app.Sim.ClearRequestsAsync();
        var report = await app.ResyncAsync();
        var resync = await app.Sim.RequestsAsync();
        output.WriteLine($"no-op resync of 50 Services: {resync.Count} Sakura requests ({Summary(resync)}): {Operations(resync)}; started {report.Started.Count}");
        Assert.Empty(report.Started);
        Assert.All(resync, r => Assert.Equal("GET", r.Method));
    }

    /// <summary>
    /// The same burst on the production backend (Durable Task over Azure Storage on Azurite, host.json's concurrency
    /// and queue polling), where host.json's <c>maxConcurrentActivityFunctions</c> bounds the activities at a time.
    /// </summary>
    [BenchmarkFact]
    public async Task Burst_FiftyServices_ProductionBackend()
    {
        await using var app = await BurstAsync(50, limit: 10, prefixLength: 25, DurableEngineKind.AzureStorage);
    }

    /// <summary>
    /// The largest burst one router of the simulator holds (a /24: 250 addresses, two per single load balancer) at the
    /// default budget of 5 requests a second, projected to 1,000 creates.
    /// </summary>
    [BenchmarkFact]
    public async Task Burst_HundredTwentyServices_DefaultBudget_ProjectedToAThousand()
    {
        const int count = 120;
        const int limit = 5;
        await using var app = await BurstAsync(count, limit, prefixLength: 24);
    }

    /// <summary>
    /// 200 Services at the default budget (5 requests a second, client and simulator) on two /24 routers of the
    /// cluster, 100 on each, chosen with the router-selector annotation: requests per Service by kind, and 1,000
    /// creates projected from them.
    /// </summary>
    [BenchmarkFact]
    public async Task Burst_TwoHundredServices_TwoRouters_DefaultBudget_ProjectedToAThousand()
    {
        const int count = 200;
        const int limit = 5;
        var app = await TestApp.StartAsync(
            new Dictionary<string, string?> { ["Controller:RouterTags:0"] = "@big", ["Sakura:RequestsPerSecond"] = limit.ToString(CultureInfo.InvariantCulture) },
            new SakuraSim.SakuraSimulatorOptions { TimeScale = 0, RateLimitPerSecond = limit });
        await using var _ = app;
        var nodes = new List<(string, string)>();
        var services = new List<ServiceSnapshot>();
        foreach (var router in new[] { "a", "b" })
        {
            var switchId = await app.Sim.AddRouterAsync($"big-{router}", 24, "@big", $"@{router}", Reconcile.Desired.LoadBalancerNaming.ClusterTag(app.ClusterId));
            var network = Reconcile.Addressing.Ipv4Address.Parse(await app.Sim.RouterNetworkAsync($"big-{router}"));
            for (var i = 0; i < 3; i++)
            {
                var address = network.Add(4 + i).ToString();
                await app.Sim.AddServerAsync($"big-{router}{i}", address, switchId);
                nodes.Add(($"big-{router}{i}", address));
            }

            var selector = new Dictionary<string, string> { ["k8s.usacloud.jp/router-selector"] = $"@{router}" };
            services.AddRange(Enumerable.Range(0, count / 2).Select(i => Snapshots.Service(Snapshots.NewUid(), $"svc-{router}{i:D3}", [80], annotations: selector)));
        }

        await app.Sim.ClearRequestsAsync();
        var burst = await MeasureBurstAsync(app, Snapshots.Nodes("1", nodes), services, limit);

        var lbs = await app.Sim.LoadBalancersAsync();
        Assert.Equal([count / 2, count / 2], lbs.GroupBy(l => l.Network.SwitchId).Select(g => g.Count()));
        var perService = burst.Count / (double)count;
        output.WriteLine($"requests per Service by kind: {string.Join("; ", burst.GroupBy(Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count() / (double)count:F2}"))}");

        // The account's appliance list pages by 100, so its reads grow with the appliances: over 1,000 creates from an
        // empty account a read costs 1 + 500 / 100 pages on average (about 2 here, from 0 to 200 appliances). Every other read is per
        // Service, per router or per poll of the Services waiting, none of which grows with the account.
        var pages = burst.Count(r => Kind(r) == AccountApplianceList);
        var lists = burst.Count(r => Kind(r) == AccountApplianceList && FirstPage(r));
        var projected = 1000 * (burst.Count - pages) / (double)count + (1000 * lists / (double)count * (1 + (1000 / 2 / 100)));
        output.WriteLine($"the account's appliance list: {lists} reads, {pages} pages; projected to 1,000 creates at {limit}/s: " +
            $"{projected:F0} requests = {projected / limit / 60:F1} min of request budget ({perService:F2} per Service measured, {projected / 1000:F2} projected)");
    }

    private static bool FirstPage(SimRequest request) => (Query(request)?["From"]?.GetValue<int>() ?? 0) == 0;

    /// <summary>The request's kind for the reports: method and path with ids folded, and which appliance list a <c>GET /appliance</c> is.</summary>
    private static string Kind(SimRequest request)
    {
        var path = System.Text.RegularExpressions.Regex.Replace(request.Path, "[0-9]{6,}", "{id}");
        if (request.Method != "GET" || path != "/appliance")
        {
            return $"{request.Method} {path}";
        }

        var filter = Query(request)?["Filter"] as System.Text.Json.Nodes.JsonObject;
        return filter?.ContainsKey("ID") == true ? "GET /appliance by ID"
            : filter?.ContainsKey("Tags.Name") == true ? "GET /appliance by tags"
            : filter?.ContainsKey("Name") == true ? "GET /appliance by name"
            : AccountApplianceList;
    }

    /// <summary>The search query of a request (the JSON after <c>?</c>), if it has one.</summary>
    private static System.Text.Json.Nodes.JsonObject? Query(SimRequest request)
    {
        var text = Uri.UnescapeDataString(request.Query ?? "").TrimStart('?');
        return text.StartsWith('{') ? System.Text.Json.Nodes.JsonNode.Parse(text) as System.Text.Json.Nodes.JsonObject : null;
    }

    private const string AccountApplianceList = "GET /appliance (the account's)";

    /// <summary>
    /// Creates <paramref name="count"/> Services at once against a simulator that allows <paramref name="limit"/>
    /// requests a second (the client's limit too), waits until all are Ready, and reports the requests, the time, the
    /// phases and the budget used; asserts the limit was never exceeded.
    /// </summary>
    private async Task<TestApp> BurstAsync(int count, int limit, int prefixLength, DurableEngineKind engine = DurableEngineKind.InMemory)
    {
        var (app, nodes, _, _) = await ManyServicesScenarioTests.StartWithBigRouterAsync(
            new Dictionary<string, string?> { ["Sakura:RequestsPerSecond"] = limit.ToString(CultureInfo.InvariantCulture) },
            new SakuraSim.SakuraSimulatorOptions { TimeScale = 0, RateLimitPerSecond = limit },
            engine,
            prefixLength: prefixLength);
        try
        {
            await MeasureBurstAsync(app, nodes, [.. Enumerable.Range(0, count).Select(i => Snapshots.Service(Snapshots.NewUid(), $"svc{i:D3}", [80]))], limit);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Posts <paramref name="services"/> at once, waits until all are Ready, and reports the requests, the time, the
    /// phases and the budget used; asserts the limit was never exceeded. Returns the requests.
    /// </summary>
    private async Task<IReadOnlyList<SimRequest>> MeasureBurstAsync(TestApp app, NodeSetSnapshot nodes, IReadOnlyList<ServiceSnapshot> services, int limit)
    {
        var count = services.Count;
        {
            var started = DateTimeOffset.UtcNow;
            await app.PostEventsAsync(services, nodes);
            foreach (var service in services)
            {
                Assert.Equal(ServicePhase.Ready, (await app.WaitSettledAsync(service.Uid, TimeSpan.FromMinutes(20))).Status.Phase);
            }

            var elapsed = DateTimeOffset.UtcNow - started;
            var burst = await app.Sim.RequestsAsync();
            var times = burst.Select(r => r.Time).Order().ToList();
            var peak = times.Select((t, i) => times.Skip(i).TakeWhile(u => u - t < TimeSpan.FromSeconds(1)).Count()).Max();
            var needed = burst.Count / (double)limit;
            output.WriteLine($"burst of {count} creates: {burst.Count} Sakura requests ({burst.Count / (double)count:F2} per Service; {Summary(burst)}) in {elapsed.TotalSeconds:F1} s; " +
                $"peak {peak} requests in any 1 s window (limit {limit}/s); 503 busy answers: {burst.Count(r => r.Status == 503)}; mean {burst.Count / elapsed.TotalSeconds:F1}/s; " +
                $"time ÷ (requests ÷ rate) = {elapsed.TotalSeconds / needed:F2}");
            output.WriteLine($"burst phases: {Phases(burst, started, limit)}");
            output.WriteLine($"burst timeline (per 10 s): {Timeline(burst, started, TimeSpan.FromSeconds(10))}");
            output.WriteLine($"burst against the goal: {BudgetWhileWorkIsQueued(burst, limit)}; all Ready after {elapsed.TotalSeconds:F1} s, goal 1.3 × (requests ÷ rate) + one boot = {1.3 * needed:F1} s + the boot (immediate here)");
            output.WriteLine($"projected to 1,000 creates at {limit}/s: {1000 * elapsed.TotalSeconds / count / 60:F1} min at the measured pace, " +
                $"{1000 * burst.Count / (double)count / limit / 60:F1} min of request budget");
            output.WriteLine($"requests by kind: {string.Join("; ", burst.GroupBy(Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} ×{g.Count()}"))}");
            output.WriteLine($"from each Service's apply to its Ready: {await ApplyToReadyAsync(app, services, burst)}");
            Assert.True(peak <= limit, $"peak {peak} > {limit}");
            return burst;
        }
    }

    /// <summary>
    /// How long each Service waited after its load balancer's apply (the last write it needs) until its status said
    /// Ready (the verifying plan, the publish, the engine's turns between them): median, 90th percentile and max.
    /// </summary>
    private static async Task<string> ApplyToReadyAsync(TestApp app, IReadOnlyList<ServiceSnapshot> services, IReadOnlyList<SimRequest> requests)
    {
        var lags = new List<double>();
        foreach (var service in services)
        {
            var record = await app.Statuses.GetAsync(app.ClusterId, service.Uid, CancellationToken.None);
            var id = record?.Status.LoadBalancer?.Id?.ToString(CultureInfo.InvariantCulture);
            var apply = requests.Where(r => r.Method == "PUT" && id is not null && r.Path.Contains(id, StringComparison.Ordinal)).Select(r => r.Time).DefaultIfEmpty().Max();
            if (record?.ReadyAt is { } ready && apply != default)
            {
                lags.Add((ready - apply).TotalSeconds);
            }
        }

        lags.Sort();
        return lags.Count == 0 ? "none measured"
            : string.Create(CultureInfo.InvariantCulture, $"median {lags[lags.Count / 2]:F2} s, p90 {lags[lags.Count * 9 / 10]:F2} s, max {lags[^1]:F2} s ({lags.Count} Services)");
    }

    [BenchmarkFact]
    public async Task ThirtyNodesJoin_TwentyServices_WritesPerLoadBalancer()
    {
        var (app, nodes, switchId, network) = await ManyServicesScenarioTests.StartWithBigRouterAsync();
        await using var _ = app;
        var services = Enumerable.Range(0, 20).Select(i => Snapshots.Service(Snapshots.NewUid(), $"svc{i:D2}", [80, 443])).ToList();
        await app.PostEventsAsync(services, nodes);
        foreach (var service in services)
        {
            await app.WaitSettledAsync(service.Uid, TimeSpan.FromMinutes(5));
        }

        var perLb = await NodeChurnScenarioTests.NodesJoinAsync(app, services, nodes, switchId, network, joining: 30, gap: TimeSpan.FromMilliseconds(100));

        var requests = await app.Sim.RequestsAsync();
        output.WriteLine($"30 nodes joining over ~3 s, 20 Services: {perLb.Values.Sum(v => v.Writes)} settings writes and {perLb.Values.Sum(v => v.Applies)} applies for {perLb.Count} LBs " +
            $"(max per LB: {perLb.Values.Max(v => v.Writes)} writes, {perLb.Values.Max(v => v.Applies)} applies); {requests.Count} Sakura requests in all ({Summary(requests)}); " +
            $"upstream's one update per node per Service would be {30 * 20} updates");
        Assert.All(perLb.Values, v => Assert.Equal((1, 1), v));
    }

    /// <summary>
    /// 100 running load balancers of the cluster (planted, each with a VIP and the three workers), the default budget
    /// (5 requests a second) and health settings: how much of the budget the health reads take, and how long a round
    /// over every load balancer lasts.
    /// </summary>
    [BenchmarkFact]
    public async Task HealthReads_HundredLoadBalancers_ShareOfTheBudget()
    {
        const int count = 100;
        const int rate = 5;
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["Sakura:RequestsPerSecond"] = rate.ToString(CultureInfo.InvariantCulture) });
        await app.PostEventsAsync(nodes: Snapshots.DefaultNodes());
        var uids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var uid = Snapshots.NewUid();
            uids.Add(uid);
            var lb = ResyncScenarioTests.Planted(Reconcile.Desired.LoadBalancerNaming.Name(uid), "203.0.113.108", [.. Reconcile.Desired.LoadBalancerNaming.Tags(app.ClusterId, $"svc{i:D3}", uid)]);
            lb["Settings"] = new System.Text.Json.Nodes.JsonObject
            {
                ["LoadBalancer"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
                {
                    ["VirtualIPAddress"] = "203.0.113.109",
                    ["Port"] = "80",
                    ["DelayLoop"] = "10",
                    ["Servers"] = new System.Text.Json.Nodes.JsonArray([.. Topology.Workers.Select(w => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject
                    {
                        ["IPAddress"] = w.Address,
                        ["Port"] = "80",
                        ["Enabled"] = "True",
                        ["HealthCheck"] = new System.Text.Json.Nodes.JsonObject { ["Protocol"] = "ping" },
                    })]),
                }),
            };
            await app.Sim.PlantAsync(lb);
            await app.Statuses.PutAsync(
                new StatusRecord
                {
                    ClusterId = app.ClusterId,
                    Status = new ServiceStatus { Uid = uid, Namespace = "default", Name = $"svc{i:D3}", Phase = ServicePhase.Ready, ObservedResourceVersion = "1" },
                    Settled = true,
                },
                CancellationToken.None);
        }

        await app.Sim.ClearRequestsAsync();
        var pass = app.Get<Health.HealthPass>();
        var started = DateTimeOffset.UtcNow;
        var reads = 0;
        while (reads < count)
        {
            reads += (await pass.RunAsync(CancellationToken.None)).Reads;
        }

        var elapsed = DateTimeOffset.UtcNow - started;
        var requests = await app.Sim.RequestsAsync();
        var times = requests.Select(r => r.Time).Order().ToList();
        var peak = times.Select((t, i) => times.Skip(i).TakeWhile(u => u - t < TimeSpan.FromSeconds(1)).Count()).Max();
        var share = requests.Count / elapsed.TotalSeconds / rate;
        output.WriteLine($"health round over {count} load balancers: {requests.Count} Sakura requests ({Operations(requests)}) in {elapsed.TotalSeconds:F1} s; " +
            $"mean {requests.Count / elapsed.TotalSeconds:F2}/s = {share:P1} of the {rate}/s budget; peak {peak} in any 1 s window");
        var feed = await app.StatusFeedAsync();
        Assert.All(uids, uid => Assert.Equal("True", feed.Services.Single(s => s.Uid == uid).Backends!.Condition!.Status));
        Assert.True(share <= 0.2 * 1.05, $"share {share:P1}");
        Assert.True(peak <= 2, $"peak {peak}");
    }

    /// <summary>
    /// The budget used while there was work queued: from the first request to the last write (after it only the polls
    /// until the last appliance is up and the verifying reads remain), as requests ÷ (rate × span), and the share of
    /// those seconds in which every permit was used.
    /// </summary>
    private static string BudgetWhileWorkIsQueued(IReadOnlyList<SimRequest> requests, int rate)
    {
        var first = requests.Min(r => r.Time);
        var lastWrite = requests.Where(r => r.IsWrite).Max(r => r.Time);
        var span = (lastWrite - first).TotalSeconds;
        var during = requests.Count(r => r.Time <= lastWrite);
        var seconds = requests.Where(r => r.Time <= lastWrite).GroupBy(r => (int)(r.Time - first).TotalSeconds).ToDictionary(g => g.Key, g => g.Count());
        var full = Enumerable.Range(0, (int)span + 1).Count(second => seconds.GetValueOrDefault(second) >= rate);
        return $"budget used between the first request and the last write ({span:F1} s) {during / (span * rate):P0}, " +
            $"seconds with every permit used {full} of {(int)span + 1} (requests per second from the first: " +
            $"{string.Join(" ", Enumerable.Range(0, (int)span + 1).Select(second => seconds.GetValueOrDefault(second)))})";
    }
}
