using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DurableHost;
using Microsoft.Extensions.DependencyInjection;
using SakuraLb.EndToEnd.Tests.Support;
using SakuraLb.Functions.Storage;
using SakuraLb.Testing;
using Sandbox;
using Sandbox.Simulators;
using Xunit.Abstractions;

namespace SakuraLb.EndToEnd.Tests;

/// <summary>
/// The whole system as a user meets it: the sandbox's parts in this process on free loopback ports, and the
/// machine's real kubectl as the only client of the cluster.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed partial class WholeSystemTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    // A read here is a kubectl process or a walk over the simulator's state: not worth doing every few milliseconds.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task LoadBalancerService_CreateAddNodeDelete_FollowsTheClusterAndCleansUp()
    {
        var clock = Stopwatch.StartNew();
        await using var sandbox = await SandboxSystem.StartAsync(new SandboxOptions { KubePort = 0, SakuraPort = 0 });
        using var kubectl = new KubectlRunner(sandbox.KubeServer);
        var workers = sandbox.Workers.Select(w => w.Address).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["worker01", "worker02", "worker03"], sandbox.Workers.Select(w => w.Name).Order(StringComparer.Ordinal));
        Assert.Contains("worker01", await kubectl.OkAsync("get", "nodes"), StringComparison.Ordinal);

        // 1. A Service of type LoadBalancer with two ports gets an EXTERNAL-IP, and the simulator one load
        //    balancer with a VIP entry per port, the three workers behind each.
        Assert.Contains("service/web created", await kubectl.OkAsync("create", "service", "loadbalancer", "web", "--tcp=80:8080,443:8443"), StringComparison.Ordinal);
        var ip = await kubectl.ExternalIpAsync("web");
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: EXTERNAL-IP {ip}");
        var table = await kubectl.OkAsync("get", "svc", "web");
        Assert.Matches($@"(?m)^web\s+LoadBalancer\s+\S+\s+{ip.Replace(".", "\\.", StringComparison.Ordinal)}\s+80:\d+/TCP,443:\d+/TCP", table);
        var uid = await kubectl.OkAsync("get", "svc", "web", "-o", "jsonpath={.metadata.uid}");

        var lb = await SettledLoadBalancerAsync(sandbox.SakuraControl, serversPerVip: 3);
        Assert.Equal(Vips(ip, workers), Vips(lb));
        Assert.Equal("up", lb.Phase);
        Assert.Contains(lb.Tags, t => t.Contains(SandboxSystem.ClusterId, StringComparison.Ordinal));
        var reservations = sandbox.Functions.Services.GetRequiredService<IReservationStore>();
        Assert.NotEmpty(await reservations.ListByOwnerAsync(uid, CancellationToken.None));

        // 2. A fourth worker (a Sakura server on the router's switch and a node of the same name) becomes a real
        //    server of every VIP.
        var switchId = sandbox.Workers[0].SwitchId;
        var address = await FreeAddressAsync(sandbox.SakuraControl);
        await sandbox.SakuraControl.AddServerAsync("worker04", switchId, address);
        Assert.Contains("node/worker04 created", (await kubectl.RunAsync(["create", "-f", "-"], SandboxSystem.RegisteredNode("worker04"))).EnsureSuccess().Stdout, StringComparison.Ordinal);
        lb = await SettledLoadBalancerAsync(sandbox.SakuraControl, serversPerVip: 4);
        Assert.Equal(Vips(ip, [.. workers, address]), Vips(lb));
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: worker04 ({address}) is a real server");

        // 3. Deleting the Service (kubectl waits for the finalizer) removes it, the load balancer and its reservation.
        var deleted = await kubectl.RunAsync(["delete", "svc", "web", "--timeout=90s"], timeout: TimeSpan.FromSeconds(100));
        Assert.Contains("service \"web\" deleted", deleted.EnsureSuccess().Stdout, StringComparison.Ordinal);
        Assert.Equal("", (await kubectl.OkAsync("get", "svc", "-o", "name")).Trim());
        Assert.Contains("NotFound", (await kubectl.RunAsync(["get", "svc", "web"])).Stderr, StringComparison.Ordinal);
        await Eventually.UntilAsync(() => sandbox.SakuraControl.LoadBalancersAsync(), l => l.Count == 0, "the load balancer to be deleted", StepTimeout, PollInterval);
        await Eventually.UntilAsync(() => reservations.ListByOwnerAsync(uid, CancellationToken.None), r => r.Count == 0, "the reservation to be released", StepTimeout, PollInterval);
        Assert.Empty(await reservations.ListBySwitchAsync(switchId, CancellationToken.None));
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: deleted, load balancer and reservation gone");

        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"the scenario took {clock.Elapsed.TotalSeconds:0} s; the budget is 2 minutes");
    }

    /// <summary>
    /// The sandbox on the Functions host's backend (Azure Storage on Azurite, table stores): a Service changed the
    /// moment it became ready, when its reconcile is completing, still gets its change; the delete cleans up.
    /// </summary>
    [Fact]
    public async Task OnAzureStorage_ChangeRightAfterReady_ReachesTheLoadBalancer_AndDeleteCleansUp()
    {
        var clock = Stopwatch.StartNew();
        await using var sandbox = await SandboxSystem.StartAsync(new SandboxOptions { KubePort = 0, SakuraPort = 0, Durable = DurableEngineKind.AzureStorage });
        using var kubectl = new KubectlRunner(sandbox.KubeServer);
        var workers = sandbox.Workers.Select(w => w.Address).Order(StringComparer.Ordinal).ToArray();
        Assert.Matches("Azure Storage", sandbox.Functions.DurableEngineName);

        await kubectl.OkAsync("create", "service", "loadbalancer", "web", "--tcp=80:8080");
        var ip = await kubectl.ExternalIpAsync("web");
        var ready = clock.Elapsed;

        var nodePort = await kubectl.OkAsync("get", "svc", "web", "-o", "jsonpath={.spec.ports[0].nodePort}");
        await kubectl.OkAsync("patch", "svc", "web", "--type=merge", "-p",
            $$$"""{"spec":{"ports":[{"name":"80-8080","port":80,"targetPort":8080,"protocol":"TCP","nodePort":{{{nodePort}}}},{"name":"443-8443","port":443,"targetPort":8443,"protocol":"TCP"}]}}""");
        var lb = await SettledLoadBalancerAsync(sandbox.SakuraControl, serversPerVip: 3, vips: 2);
        Assert.Equal(Vips(ip, workers), Vips(lb));
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: ready at {ready.TotalSeconds:0.0} s, the port added right after is on the load balancer");

        var deleted = await kubectl.RunAsync(["delete", "svc", "web", "--timeout=90s"], timeout: TimeSpan.FromSeconds(100));
        Assert.Contains("service \"web\" deleted", deleted.EnsureSuccess().Stdout, StringComparison.Ordinal);
        await Eventually.UntilAsync(() => sandbox.SakuraControl.LoadBalancersAsync(), l => l.Count == 0, "the load balancer to be deleted", StepTimeout, PollInterval);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: deleted, load balancer gone");
    }

    [Fact]
    public async Task Examples_AppliedWithKubectl_EachGetItsLoadBalancer_AndDeletingThemFreesEverything()
    {
        var clock = Stopwatch.StartNew();
        await using var sandbox = await SandboxSystem.StartAsync(new SandboxOptions { KubePort = 0, SakuraPort = 0 });
        using var kubectl = new KubectlRunner(sandbox.KubeServer);
        var examples = Repository.Path("examples");
        string[] switchServices = ["load-balancer-example", "load-balancer-example2", "load-balancer-example3", "private-web"];
        var routerWorkers = sandbox.Workers.Select(w => w.Address).Order(StringComparer.Ordinal).ToArray();
        var privateWorkers = sandbox.PrivateWorkers.Select(w => w.Address).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["10.240.0.11", "10.240.0.12", "10.240.0.13"], privateWorkers);

        // 1. Every manifest of examples/ at once: the original's three switch examples with their Deployments, the
        //    small private Service the banner shows, and an internet Service with other annotations.
        var applied = await kubectl.OkAsync("apply", "-f", examples);
        Assert.Contains("service/load-balancer-example created", applied, StringComparison.Ordinal);
        Assert.Contains("deployment.apps/load-balancer-example3 created", applied, StringComparison.Ordinal);
        var ips = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in switchServices.Append("web-ha"))
        {
            ips[name] = await kubectl.ExternalIpAsync(name);
        }

        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {string.Join(", ", ips.Select(p => $"{p.Key} {p.Value}"))}");
        Assert.Equal("10.240.100.50", ips["load-balancer-example2"]);
        Assert.All(switchServices, name => Assert.StartsWith("10.240.100.", ips[name], StringComparison.Ordinal));
        Assert.StartsWith("203.0.113.", ips["web-ha"], StringComparison.Ordinal);
        Assert.Equal(ips.Count, ips.Values.Distinct().Count());

        // 2. On the simulator: the switch Services' load balancers on the plain switch with the workers' private
        //    addresses as real servers, the internet one on the router's switch with their global addresses.
        var lbs = await Eventually.UntilAsync(
            () => sandbox.SakuraControl.LoadBalancersAsync(),
            l => l.Count == ips.Count && l.All(lb => lb.SettingsApplied && lb.Vips.Count > 0 && lb.Vips.All(v => v.Servers.Count == 3)),
            "five load balancers with their settings applied",
            StepTimeout, PollInterval);
        var privateSwitch = sandbox.PrivateWorkers[0].SwitchId;
        foreach (var (name, ip) in ips)
        {
            var lb = lbs.Single(l => l.Vips.Any(v => v.Address == ip));
            var onSwitch = name == "web-ha" ? (sandbox.Workers[0].SwitchId, routerWorkers) : (privateSwitch, privateWorkers);
            Assert.Equal(onSwitch.Item1, lb.SwitchId);
            Assert.All(lb.Vips, v => Assert.Equal(onSwitch.Item2, v.Servers));
            Assert.Equal(name is "web-ha" or "load-balancer-example3" ? 2 : 1, lb.OwnAddresses.Count);
            output.WriteLine(lb.Describe());
        }

        Assert.Contains("Ready", await kubectl.OkAsync("describe", "svc", "private-web"), StringComparison.Ordinal);
        Assert.Equal("VIP", await kubectl.OkAsync("get", "svc", "private-web", "-o", "jsonpath={.status.loadBalancer.ingress[0].ipMode}"));

        // 3. Deleting the manifests removes every load balancer and every reservation on both switches.
        var deleted = await kubectl.RunAsync(["delete", "-f", examples, "--timeout=90s"], timeout: TimeSpan.FromSeconds(100));
        Assert.Contains("service \"private-web\" deleted", deleted.EnsureSuccess().Stdout, StringComparison.Ordinal);
        await Eventually.UntilAsync(() => sandbox.SakuraControl.LoadBalancersAsync(), l => l.Count == 0, "the load balancers to be deleted", StepTimeout, PollInterval);
        var reservations = sandbox.Functions.Services.GetRequiredService<IReservationStore>();
        Assert.Empty(await reservations.ListBySwitchAsync(privateSwitch, CancellationToken.None));
        Assert.Empty(await reservations.ListBySwitchAsync(sandbox.Workers[0].SwitchId, CancellationToken.None));
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: deleted, load balancers and reservations gone");
    }

    /// <summary>
    /// externalTrafficPolicy Local with the example manifest: the one node with an endpoint is the one real server, and
    /// moving the endpoint (kubectl patch of the EndpointSlice) moves the real server through a drain: the new node
    /// serves, the old one is first written disabled, then removed.
    /// </summary>
    [Fact]
    public async Task LocalService_RealServersFollowTheEndpointSlice()
    {
        var clock = Stopwatch.StartNew();
        await using var sandbox = await SandboxSystem.StartAsync(new SandboxOptions { KubePort = 0, SakuraPort = 0 });
        using var kubectl = new KubectlRunner(sandbox.KubeServer);
        var manifest = Repository.Path("examples/local/local-service.yaml");
        string AddressOf(string worker) => sandbox.Workers.Single(w => w.Name == worker).Address;

        var applied = await kubectl.OkAsync("apply", "-f", manifest);
        Assert.Contains("endpointslice.discovery.k8s.io/local-web-1 created", applied, StringComparison.Ordinal);
        await kubectl.OkAsync("annotate", "svc", "local-web", "k8s.usacloud.jp/load-balancer-drain-seconds=3", "--overwrite");
        var ip = await kubectl.ExternalIpAsync("local-web");
        var lb = await SettledLoadBalancerAsync(sandbox.SakuraControl, serversPerVip: 1);
        Assert.Equal([$"{ip}:80 -> {AddressOf("worker02")}"], Vips(lb));
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {lb.Describe()}");

        await kubectl.OkAsync("patch", "endpointslice", "local-web-1", "--type=json", "-p", """[{"op":"replace","path":"/endpoints/0/nodeName","value":"worker03"}]""");

        var draining = await Eventually.UntilAsync(
            () => sandbox.SakuraControl.LoadBalancersAsync(),
            l => l.Count == 1 && l[0].Vips.Count == 1 && l[0].Vips[0].Servers.Contains(AddressOf("worker03")) && l[0].Vips[0].Disabled.Contains(AddressOf("worker02")),
            "worker03 to serve while worker02 drains (written disabled)",
            StepTimeout, PollInterval);
        Assert.Equal([AddressOf("worker02")], draining[0].Vips[0].Disabled);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: worker03 serves, worker02 drains");

        await Eventually.UntilAsync(
            () => sandbox.SakuraControl.LoadBalancersAsync(),
            l => l.Count == 1 && l[0].SettingsApplied && Vips(l[0]).SequenceEqual([$"{ip}:80 -> {AddressOf("worker03")}"]),
            "the real server to follow the endpoint to worker03",
            StepTimeout, PollInterval);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: the real server followed the endpoint to worker03");

        var deleted = await kubectl.RunAsync(["delete", "-f", manifest, "--timeout=90s"], timeout: TimeSpan.FromSeconds(100));
        Assert.Contains("service \"local-web\" deleted", deleted.EnsureSuccess().Stdout, StringComparison.Ordinal);
        await Eventually.UntilAsync(() => sandbox.SakuraControl.LoadBalancersAsync(), l => l.Count == 0, "the load balancer to be deleted", StepTimeout, PollInterval);
    }

    /// <summary>VIP entries as comparable text: "address:port -> server, server, ...".</summary>
    private static string[] Vips(string ip, IEnumerable<string> servers)
    {
        var list = string.Join(", ", servers.Order(StringComparer.Ordinal));
        return [$"{ip}:80 -> {list}", $"{ip}:443 -> {list}"];
    }

    private static string[] Vips(SimLoadBalancer lb) =>
        [.. lb.Vips.Select(v => $"{v.Address}:{v.Port} -> {string.Join(", ", v.Servers)}")];

    /// <summary>The one load balancer, once its applied settings have this many servers per VIP.</summary>
    private static async Task<SimLoadBalancer> SettledLoadBalancerAsync(SakuraSimControl sim, int serversPerVip, int? vips = null)
    {
        var lbs = await Eventually.UntilAsync(
            () => sim.LoadBalancersAsync(),
            l => l.Count > 1 || (l.Count == 1 && l[0].SettingsApplied && l[0].Vips.Count > 0 && (vips is null || l[0].Vips.Count == vips)
                && l[0].Vips.All(v => v.Servers.Count == serversPerVip)),
            $"one load balancer with {serversPerVip} real servers per VIP, applied",
            StepTimeout, PollInterval);
        return Assert.Single(lbs);
    }

    /// <summary>The highest assignable address of the router's block that nothing uses (servers, appliances, VIPs).</summary>
    private static async Task<string> FreeAddressAsync(SakuraSimControl sim)
    {
        var state = await sim.StateAsync();
        var router = state["routers"]!.AsArray()[0]!;
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var nic in state["servers"]!.AsArray().SelectMany(s => s!["interfaces"]!.AsArray()))
        {
            used.Add(nic!["userIPAddress"]?.GetValue<string>() ?? "");
        }

        foreach (var appliance in state["appliances"]!.AsArray())
        {
            used.UnionWith(appliance!["ipAddresses"]!.AsArray().Select(a => a!.GetValue<string>()));
            used.UnionWith((appliance["storedSettings"] as JsonArray ?? []).Select(v => v!["VirtualIPAddress"]!.GetValue<string>()));
        }

        var min = Last(router["assignableMin"]!.GetValue<string>());
        var max = Last(router["assignableMax"]!.GetValue<string>());
        var prefix = router["assignableMax"]!.GetValue<string>()[..(router["assignableMax"]!.GetValue<string>().LastIndexOf('.') + 1)];
        return Enumerable.Range(min, max - min + 1).Reverse().Select(i => prefix + i.ToString(CultureInfo.InvariantCulture)).First(a => !used.Contains(a));

        static int Last(string address) => int.Parse(address[(address.LastIndexOf('.') + 1)..], CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Nodes_RegisteredPowerCycledAndDeleted_FollowTheirServers()
    {
        await using var sandbox = await SandboxSystem.StartAsync(new SandboxOptions
        {
            KubePort = 0,
            SakuraPort = 0,
            // The node timer never fires on its own here: initialisation must come from the relay's node set alone,
            // and the cloud-only changes below run the timer's function explicitly.
            NodeInterval = TimeSpan.FromHours(1),
            FunctionSettings = new Dictionary<string, string> { ["Nodes:VanishedConfirmAfter"] = "00:00:02" },
        });
        using var kubectl = new KubectlRunner(sandbox.KubeServer);
        var ids = sandbox.Workers.ToDictionary(w => w.Name, w => w.Id);

        // 1. The seeded nodes registered tainted, as kubelets with --cloud-provider=external do, and are initialised.
        var initialised = await Eventually.UntilAsync(
            () => kubectl.OkAsync("get", "nodes", "-o", "custom-columns=NAME:.metadata.name,PROVIDER:.spec.providerID,TAINTS:.spec.taints[*].key", "--no-headers"),
            t => t.Split('\n', StringSplitOptions.RemoveEmptyEntries) is { Length: 3 } lines && lines.All(l => l.Contains("sakuracloud://", StringComparison.Ordinal) && l.TrimEnd().EndsWith("<none>", StringComparison.Ordinal)),
            "the seeded nodes to be initialised",
            StepTimeout, PollInterval);
        Assert.Matches($@"(?m)^worker01\s+sakuracloud://{ids["worker01"]}\s+<none>$", initialised);

        // 2. A new worker: its server, then its Node as kubelet registers it; measured until it is schedulable.
        var address = await FreeAddressAsync(sandbox.SakuraControl);
        var server = await sandbox.SakuraControl.AddServerAsync("worker04", sandbox.Workers[0].SwitchId, address);
        var clock = Stopwatch.StartNew();
        (await kubectl.RunAsync(["create", "-f", "-"], SandboxSystem.RegisteredNode("worker04"))).EnsureSuccess();
        await Eventually.UntilAsync(() => !Tainted(sandbox, "worker04", "node.cloudprovider.kubernetes.io/uninitialized"), "worker04 to lose the uninitialized taint", StepTimeout);
        var schedulable = clock.Elapsed;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"node registered -> schedulable: {schedulable.TotalMilliseconds:0} ms"));

        var node = JsonNode.Parse(await kubectl.OkAsync("get", "node", "worker04", "-o", "json"))!;
        Assert.Equal(SandboxSystem.ProviderId(server.Id), (string?)node["spec"]!["providerID"]);
        Assert.Equal("is1a", (string?)node["metadata"]!["labels"]!["topology.kubernetes.io/zone"]);
        Assert.Equal("is1", (string?)node["metadata"]!["labels"]!["topology.kubernetes.io/region"]);
        Assert.Equal("2core-4gb", (string?)node["metadata"]!["labels"]!["node.kubernetes.io/instance-type"]);
        Assert.Contains(node["status"]!["addresses"]!.AsArray(), a => (string?)a!["type"] == "InternalIP" && (string?)a["address"] == address);
        Assert.Contains("NodeInitialized", await Eventually.UntilAsync(() => kubectl.OkAsync("describe", "node", "worker04"), d => d.Contains("NodeInitialized", StringComparison.Ordinal), "the NodeInitialized event", StepTimeout, PollInterval), StringComparison.Ordinal);

        // 3. Powering a server off taints its node shutdown (on the node timer's pass); powering it on removes the taint.
        await sandbox.SakuraControl.PowerAsync(ids["worker02"], up: false);
        await Eventually.UntilAsync(() => AfterNodeTimerAsync(sandbox, () => NodeTaints(kubectl, "worker02")), t => t.Contains("node.cloudprovider.kubernetes.io/shutdown", StringComparison.Ordinal), "the shutdown taint", StepTimeout, PollInterval);
        await sandbox.SakuraControl.PowerAsync(ids["worker02"], up: true);
        await Eventually.UntilAsync(() => AfterNodeTimerAsync(sandbox, () => NodeTaints(kubectl, "worker02")), t => !t.Contains("shutdown", StringComparison.Ordinal), "the shutdown taint to go", StepTimeout, PollInterval);

        // 4. Deleting a server deletes its node, once a second read confirms it is gone.
        await sandbox.SakuraControl.DeleteServerAsync(ids["worker03"]);
        await Eventually.UntilAsync(() => AfterNodeTimerAsync(sandbox, () => kubectl.RunAsync("get", "node", "worker03")), r => r.Stderr.Contains("NotFound", StringComparison.Ordinal), "worker03 to be deleted", StepTimeout, PollInterval);
        Assert.Equal(["worker01", "worker02", "worker04"], (await kubectl.OkAsync("get", "nodes", "-o", "name")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(n => n.Replace("node/", "", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task WorkerPoweredOff_ShowsRealServerDownOnTheService_AndUpWhenItRunsAgain()
    {
        await using var sandbox = await SandboxSystem.StartAsync(new SandboxOptions
        {
            KubePort = 0,
            SakuraPort = 0,
            // The timers never fire on their own here: the health reads run explicitly, and the node timer would
            // taint the powered-off node (which takes it out of the load balancer) at a moment of its own.
            NodeInterval = TimeSpan.FromHours(1),
            HealthInterval = TimeSpan.FromHours(1),
            FunctionSettings = new Dictionary<string, string> { ["Health:Interval"] = "00:00:01" },
        });
        using var kubectl = new KubectlRunner(sandbox.KubeServer);
        var ids = sandbox.Workers.ToDictionary(w => w.Name, w => w.Id);
        var worker02 = sandbox.Workers.Single(w => w.Name == "worker02").Address;

        await kubectl.OkAsync("create", "service", "loadbalancer", "web", "--tcp=80:8080");
        await kubectl.ExternalIpAsync("web");
        await SettledLoadBalancerAsync(sandbox.SakuraControl, serversPerVip: 3);
        const string Condition = "jsonpath={.status.conditions[?(@.type==\"BackendsHealthy\")].status} {.status.conditions[?(@.type==\"BackendsHealthy\")].message}";
        var healthy = await Eventually.UntilAsync(() => AfterHealthTimerAsync(sandbox, () => kubectl.OkAsync("get", "svc", "web", "-o", Condition)), c => c.StartsWith("True", StringComparison.Ordinal), "the BackendsHealthy condition", StepTimeout, PollInterval);
        Assert.Equal("True 3/3 real servers up on port 80", healthy.Trim());

        // Powering worker02's server off fails its health check: a Warning Event on the Service and a False condition.
        await sandbox.SakuraControl.PowerAsync(ids["worker02"], up: false);
        var described = await Eventually.UntilAsync(
            () => AfterHealthTimerAsync(sandbox, () => kubectl.OkAsync("describe", "svc", "web")),
            d => d.Contains("RealServerDown", StringComparison.Ordinal),
            "RealServerDown in kubectl describe svc",
            StepTimeout, PollInterval);
        output.WriteLine(described);
        Assert.Matches($@"Warning\s+RealServerDown\s+.*Real server worker02 \({worker02.Replace(".", "\\.", StringComparison.Ordinal)}\) is DOWN on port 80", described);
        Assert.Equal("False 2/3 real servers up on port 80 (down: worker02)", (await kubectl.OkAsync("get", "svc", "web", "-o", Condition)).Trim());
        Assert.Contains("RealServerDown", await kubectl.OkAsync("get", "events"), StringComparison.Ordinal);

        // More reads of the same state record nothing more; powering it on records RealServerUp.
        var pass = sandbox.Functions.Services.GetRequiredService<SakuraLb.Functions.Health.HealthPass>();
        for (var i = 0; i < 2; i++)
        {
            await Eventually.UntilAsync(() => pass.RunAsync(CancellationToken.None), r => r.Reads == 1, "one more health read", StepTimeout, PollInterval);
        }

        await sandbox.SakuraControl.PowerAsync(ids["worker02"], up: true);
        var recovered = await Eventually.UntilAsync(
            () => AfterHealthTimerAsync(sandbox, () => kubectl.OkAsync("describe", "svc", "web")),
            d => d.Contains("RealServerUp", StringComparison.Ordinal),
            "RealServerUp in kubectl describe svc",
            StepTimeout, PollInterval);
        Assert.Single(Regex.Matches(recovered, "RealServerDown"));
        Assert.Equal("True 3/3 real servers up on port 80", (await Eventually.UntilAsync(() => kubectl.OkAsync("get", "svc", "web", "-o", Condition), c => c.StartsWith("True", StringComparison.Ordinal), "the condition to be True again", StepTimeout, PollInterval)).Trim());
    }

    /// <summary>Runs the backend-health timer function once (what the Functions host does every 10 seconds), then reads.</summary>
    private static Task<T> AfterHealthTimerAsync<T>(SandboxSystem sandbox, Func<Task<T>> read) =>
        AfterTimerAsync(sandbox, SandboxSystem.HealthTimerName, read);

    /// <summary>Runs the node controller's timer function once (what the Functions host does every minute), then reads.</summary>
    private static Task<T> AfterNodeTimerAsync<T>(SandboxSystem sandbox, Func<Task<T>> read) =>
        AfterTimerAsync(sandbox, SandboxSystem.NodeTimerName, read);

    private static async Task<T> AfterTimerAsync<T>(SandboxSystem sandbox, string timerName, Func<Task<T>> read)
    {
        await sandbox.Functions.RunTimersAsync(name => name == timerName, CancellationToken.None);
        return await read();
    }

    private static bool Tainted(SandboxSystem sandbox, string node, string key) =>
        (sandbox.Kube.Objects.Get("nodes", null, node)?["spec"]?["taints"] as JsonArray ?? []).Any(t => (string?)t!["key"] == key);

    private static Task<string> NodeTaints(KubectlRunner kubectl, string node) =>
        kubectl.OkAsync("get", "node", node, "-o", "jsonpath={.spec.taints[*].key}");
}
