using System.Text.Json.Nodes;
using KubeSim;
using SakuraLb.Kubectl.Cli;
using SakuraLb.Model;
using SakuraLb.Testing;

namespace SakuraLb.Kubectl.Tests;

/// <summary>
/// <c>kubectl sakuralb ...</c> with the real kubectl as the plugin host (the plugin found on PATH) against KubeSim,
/// the cluster holding what the relay writes back: the status note annotation, the ingress, the controller's Events.
/// </summary>
public sealed class PluginThroughKubectlTests : IAsyncLifetime
{
    private KubeApiSimulator sim = null!;
    private KubectlPluginHost host = null!;

    public async Task InitializeAsync()
    {
        sim = await KubeApiSimulator.StartAsync(new KubeApiSimulatorOptions());
        host = new KubectlPluginHost("sakuralb", typeof(PluginApp).Assembly.Location, sim.KubeconfigYaml());
    }

    public async Task DisposeAsync()
    {
        host.Dispose();
        await sim.DisposeAsync();
    }

    private static string Note(ServicePhase phase, string reason, string message, LoadBalancerSummary? lb = null, ResyncOutcome? resync = null) =>
        ModelJson.Serialize(new LoadBalancerStatusNote
        {
            Phase = phase,
            ReasonCode = reason,
            Message = message,
            UpdatedAt = new DateTimeOffset(2026, 12, 2, 7, 0, 0, TimeSpan.Zero),
            LoadBalancer = lb,
            Resync = resync,
        });

    private void Annotate(string ns, string name, string key, string value) =>
        sim.Objects.MergePatch("services", ns, name, new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [key] = value } } }.ToJsonString());

    private void ServedBy(string ns, string name, string vip, long id, params (string Node, string Address)[] servers)
    {
        sim.Objects.CreateService(ns, name, "LoadBalancer", 80, 443);
        var lb = new LoadBalancerSummary
        {
            Id = id,
            Name = "a" + id,
            Plan = "standard",
            HighAvailability = false,
            RealServers = [.. servers.Select(s => new RealServerSummary(s.Node, s.Address))],
        };
        Annotate(ns, name, WellKnown.LoadBalancerStatusAnnotation, Note(ServicePhase.Ready, "Ready", "up", lb));
        sim.Objects.MergePatch("services", ns, name, """{"status":{"loadBalancer":{"ingress":[{"ip":"VIP","ipMode":"VIP"}]}}}""".Replace("\"ip\":\"VIP\"", $"\"ip\":\"{vip}\"", StringComparison.Ordinal), status: true);
    }

    [Fact]
    public async Task Status_AllNamespaces_ListsEveryServiceWithItsVipLoadBalancerAndRealServers()
    {
        ServedBy("default", "web", "203.0.113.10", 113200000301, ("worker01", "10.0.0.11"), ("worker02", "10.0.0.12"));
        ServedBy("shop", "cart", "203.0.113.11", 113200000302, ("worker01", "10.0.0.11"));
        sim.Objects.CreateService("shop", "pending", "LoadBalancer", 8080);
        sim.Objects.CreateService("default", "internal", "ClusterIP", 80);

        var result = (await host.RunAsync("sakuralb", "status", "-A")).EnsureSuccess();

        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("NAMESPACE", lines[0], StringComparison.Ordinal);
        Assert.Equal(4, lines.Length);
        var web = Assert.Single(lines, l => l.StartsWith("default ", StringComparison.Ordinal) && l.Contains(" web ", StringComparison.Ordinal));
        foreach (var expected in new[] { "Ready", "203.0.113.10", "80/TCP,443/TCP", "a113200000301 (113200000301)", "standard", "worker01=10.0.0.11,worker02=10.0.0.12", "2026-12-02T07:00:00Z" })
        {
            Assert.Contains(expected, web, StringComparison.Ordinal);
        }

        Assert.Contains(lines, l => l.Contains("cart", StringComparison.Ordinal) && l.Contains("203.0.113.11", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("pending", StringComparison.Ordinal) && l.Contains("Pending", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("internal", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Status_OneService_InTheGivenNamespace_AsJsonAndYaml()
    {
        ServedBy("shop", "cart", "203.0.113.11", 113200000302, ("worker01", "10.0.0.11"));

        var json = JsonNode.Parse((await host.RunAsync("sakuralb", "status", "-n", "shop", "cart", "-o", "json")).EnsureSuccess().Stdout)!;
        var yaml = (await host.RunAsync("sakuralb", "status", "--namespace=shop", "cart", "-o", "yaml")).EnsureSuccess().Stdout;

        var item = json["items"]![0]!;
        Assert.Equal(("cart", "Ready", "203.0.113.11", 113200000302L), (item["name"]!.GetValue<string>(), item["phase"]!.GetValue<string>(), item["vips"]![0]!.GetValue<string>(), item["loadBalancerId"]!.GetValue<long>()));
        Assert.Equal("10.0.0.11", item["realServers"]![0]!["address"]!.GetValue<string>());
        Assert.Contains("loadBalancerId: 113200000302", yaml, StringComparison.Ordinal);
        Assert.Contains("address: 10.0.0.11", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_NotReady_ShowsTheReasonAndTheBackendsCondition()
    {
        sim.Objects.CreateService("default", "web", "LoadBalancer", 80);
        Annotate("default", "web", WellKnown.LoadBalancerStatusAnnotation, Note(ServicePhase.Failed, "AddressesExhausted", "no free address on switch 1"));
        sim.Objects.MergePatch("services", "default", "web", """{"status":{"conditions":[{"type":"BackendsHealthy","status":"False","reason":"RealServerDown","message":"1 of 2 down","lastTransitionTime":"2026-12-02T07:00:00Z"}]}}""", status: true);

        var stdout = (await host.RunAsync("sakuralb", "status")).EnsureSuccess().Stdout;

        Assert.Contains("AddressesExhausted: no free address on switch 1", stdout, StringComparison.Ordinal);
        Assert.Contains("False", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nodes_ListEachNodeWithItsServerZoneAndLifecycleState()
    {
        sim.Objects.CreateNode("worker01", "10.0.0.11", new Dictionary<string, string> { [WellKnown.ZoneLabel] = "is1a", [WellKnown.InstanceTypeLabel] = "2core-4gb" }, providerId: "sakuracloud://113100000101");
        sim.Objects.CreateNode("worker02", "10.0.0.12");
        sim.Objects.StrategicMergePatch("nodes", null, "worker02", $$$"""{"spec":{"taints":[{"key":"{{{WellKnown.UninitializedTaint}}}","value":"true","effect":"NoSchedule"}]}}""");

        var lines = (await host.RunAsync("sakuralb", "nodes")).EnsureSuccess().Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var first = Assert.Single(lines, l => l.StartsWith("worker01", StringComparison.Ordinal));
        foreach (var expected in new[] { "113100000101", "sakuracloud://113100000101", "is1a", "2core-4gb", "10.0.0.11", "Initialized", "True" })
        {
            Assert.Contains(expected, first, StringComparison.Ordinal);
        }

        Assert.Contains("Uninitialized", Assert.Single(lines, l => l.StartsWith("worker02", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resync_SetsTheAnnotation_AndWaitPrintsTheAnswerTheRelayWroteBack()
    {
        sim.Objects.CreateService("default", "web", "LoadBalancer", 80);
        var waiting = host.RunAsync("sakuralb", "resync", "web", "--wait", "--timeout", "60s");

        // The relay's part: it sees the request and writes the answer back once the function app reconciled it.
        var request = await Eventually.UntilAsync(
            () => Task.FromResult(sim.Objects.Get("services", "default", "web")?["metadata"]?["annotations"]?[WellKnown.ResyncRequestedAtAnnotation]?.GetValue<string>()),
            value => value is not null,
            "the resync annotation",
            TimeSpan.FromSeconds(60));
        Annotate("default", "web", WellKnown.LoadBalancerStatusAnnotation, Note(ServicePhase.Ready, "Ready", "up", resync: new ResyncOutcome(request!, 2.1, "no change")));

        var result = (await waiting).EnsureSuccess();
        Assert.Contains($"service/web resync requested ({WellKnown.ResyncRequestedAtAnnotation}={request})", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Resync requested; reconciled in 2.1 s: no change", result.Stdout, StringComparison.Ordinal);
        Assert.True(DateTimeOffset.TryParse(request, System.Globalization.CultureInfo.InvariantCulture, out _), request);
    }

    [Fact]
    public async Task Resync_WaitWithoutAnAnswer_ExitsWithTheTimeoutCode()
    {
        sim.Objects.CreateService("default", "web", "LoadBalancer", 80);
        Annotate("default", "web", WellKnown.LoadBalancerStatusAnnotation, Note(ServicePhase.Ready, "Ready", "up", resync: new ResyncOutcome("an earlier request", 1, "no change")));

        var result = await host.RunAsync("sakuralb", "resync", "web", "--wait", "--timeout", "2s");

        Assert.Equal(ExitCodes.TimedOut, result.ExitCode);
        Assert.Contains("no answer to the resync of service/web", result.Stderr, StringComparison.Ordinal);
    }

    private const string RelayNamespace = "sakuralb-system";

    private string SeedResyncConfigMap() =>
        sim.Objects.CreateConfigMap(RelayNamespace, WellKnown.ClusterResyncConfigMap)["metadata"]!["uid"]!.GetValue<string>();

    /// <summary>The relay's part of a cluster-wide resync: it sees the request on the ConfigMap and answers it with an Event.</summary>
    private async Task AnswerClusterResyncAsync(string uid, string type, string reason, string note)
    {
        var request = await Eventually.UntilAsync(
            () => Task.FromResult(sim.Objects.Get("configmaps", RelayNamespace, WellKnown.ClusterResyncConfigMap)?["metadata"]?["annotations"]?[WellKnown.ResyncRequestedAtAnnotation]?.GetValue<string>()),
            value => value is not null,
            "the resync annotation on the ConfigMap",
            TimeSpan.FromSeconds(60));
        sim.Objects.Create("events.events.k8s.io", new JsonObject
        {
            ["apiVersion"] = "events.k8s.io/v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject { ["name"] = EventNames.ResyncAnswer(WellKnown.ClusterResyncConfigMap, uid, request!), ["namespace"] = RelayNamespace },
            ["eventTime"] = "2026-12-02T10:00:00.000000Z",
            ["reportingController"] = "k8s.usacloud.jp/sakuralb-relay",
            ["reportingInstance"] = "relay-a",
            ["action"] = "Resync",
            ["reason"] = reason,
            ["type"] = type,
            ["note"] = note,
            ["regarding"] = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["namespace"] = RelayNamespace, ["name"] = WellKnown.ClusterResyncConfigMap, ["uid"] = uid },
        });
    }

    [Fact]
    public async Task ResyncAll_AnnotatesTheRelaysConfigMap_AndWaitPrintsTheAnsweringEvent()
    {
        var uid = SeedResyncConfigMap();
        var waiting = host.RunAsync("sakuralb", "resync", "--all", "--wait", "--timeout", "60s");

        await AnswerClusterResyncAsync(uid, "Normal", "Resynced", "Resync requested; reconciled 3 Services in 1.2 s: no change");

        var result = (await waiting).EnsureSuccess();
        Assert.Contains($"configmap/{WellKnown.ClusterResyncConfigMap} resync requested ({WellKnown.ResyncRequestedAtAnnotation}=", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Resync requested; reconciled 3 Services in 1.2 s: no change", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResyncAll_AnsweredWithAWarning_ExitsFailedWithTheReason()
    {
        var uid = SeedResyncConfigMap();
        var waiting = host.RunAsync("sakuralb", "resync", "--all", "--wait");

        await AnswerClusterResyncAsync(uid, "Warning", "ResyncFailed", "Resync requested; failed after 0.1 s: the function app answered 403 (Forbidden)");

        var result = await waiting;
        Assert.Equal(ExitCodes.Failed, result.ExitCode);
        Assert.Contains("error: the relay answered ResyncFailed: Resync requested; failed after 0.1 s: the function app answered 403", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResyncAll_WaitWithoutAnAnswer_ExitsWithTheTimeoutCode()
    {
        SeedResyncConfigMap();

        var result = await host.RunAsync("sakuralb", "resync", "--all", "--wait", "--timeout", "2s");

        Assert.Equal(ExitCodes.TimedOut, result.ExitCode);
        Assert.Contains($"no answer to the resync of configmap/{WellKnown.ClusterResyncConfigMap}", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResyncAll_MayNotPatchTheConfigMap_SaysSo()
    {
        SeedResyncConfigMap();
        sim.FailNextRequests("PATCH", "/api/v1/namespaces/sakuralb-system/configmaps/*", 403);

        var result = await host.RunAsync("sakuralb", "resync", "--all");

        Assert.Equal(ExitCodes.Failed, result.ExitCode);
        Assert.Contains($"error: you may not patch configmaps \"{WellKnown.ClusterResyncConfigMap}\" in namespace \"{RelayNamespace}\"", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResyncAll_OtherNamespaceAndName_FromTheFlags()
    {
        sim.Objects.CreateConfigMap("lb", "my-resync");

        (await host.RunAsync("sakuralb", "resync", "--all", "--relay-namespace", "lb", "--configmap", "my-resync")).EnsureSuccess();

        Assert.NotNull(sim.Objects.Get("configmaps", "lb", "my-resync")?["metadata"]?["annotations"]?[WellKnown.ResyncRequestedAtAnnotation]);
    }

    [Theory]
    [InlineData(ExitCodes.Failed, "configmaps \"sakuralb-resync\" not found in namespace \"sakuralb-system\"", "sakuralb", "resync", "--all")]
    [InlineData(ExitCodes.Usage, "resync --all takes no SERVICE", "sakuralb", "resync", "--all", "web")]
    [InlineData(ExitCodes.Failed, "services \"missing\" not found in namespace \"default\"", "sakuralb", "status", "missing")]
    [InlineData(ExitCodes.Failed, "services \"missing\" not found in namespace \"default\"", "sakuralb", "resync", "missing")]
    [InlineData(ExitCodes.Failed, "cannot use the kubeconfig", "sakuralb", "status", "--context", "elsewhere")]
    [InlineData(ExitCodes.Usage, "unknown flag: --bogus", "sakuralb", "status", "--bogus")]
    [InlineData(ExitCodes.Usage, "resync needs exactly one SERVICE", "sakuralb", "resync")]
    [InlineData(ExitCodes.Usage, "unable to match a printer", "sakuralb", "nodes", "-o", "xml")]
    public async Task Failures_ExitWithTheDocumentedCodeAndAMessage(int code, string message, params string[] args)
    {
        var result = await host.RunAsync(args);

        Assert.Equal(code, result.ExitCode);
        Assert.Contains("error: " + message, result.Stderr, StringComparison.Ordinal);
    }
}
