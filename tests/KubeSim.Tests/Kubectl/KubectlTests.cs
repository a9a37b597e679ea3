using System.Diagnostics;
using SakuraLb.Testing;

namespace KubeSim.Tests.Kubectl;

/// <summary>The real kubectl 1.32 against the simulator, without --validate=false or any kubeconfig.</summary>
public sealed class KubectlTests
{
    private const string ServiceYaml = """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          labels:
            app: web
        spec:
          type: LoadBalancer
          selector:
            app: web
          ports:
          - name: http
            port: 80
            targetPort: 8080
        """;

    [Fact]
    public async Task CreateFromFile_GetJson_AndTableShowExternalIp()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var kubectl = new KubectlRunner(sim.BaseAddress);
        var file = kubectl.WriteFile("svc.yaml", ServiceYaml);

        var created = (await kubectl.RunAsync("create", "-f", file)).EnsureSuccess();
        var json = JsonNode.Parse((await kubectl.RunAsync("get", "svc", "-o", "json")).EnsureSuccess().Stdout)!;
        var pending = (await kubectl.RunAsync("get", "svc", "web")).EnsureSuccess();
        sim.Objects.MergePatch("services", "default", "web", """{"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.20"}]}}}""", status: true);
        var assigned = (await kubectl.RunAsync("get", "svc", "web")).EnsureSuccess();

        Assert.Equal("service/web created", created.Stdout.Trim());
        var svc = json["items"]![0]!;
        Assert.Equal("web", svc.Str("metadata.name"));
        Assert.Equal("LoadBalancer", svc.Str("spec.type"));
        Assert.StartsWith("10.9", svc.Str("spec.clusterIP"), StringComparison.Ordinal);
        Assert.NotEqual("", svc.Str("spec.ports.0.nodePort"));
        Assert.NotEqual("", svc.Str("metadata.uid"));
        Assert.Matches(@"NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE", pending.Stdout);
        Assert.Matches(@"web\s+LoadBalancer\s+10\.9\d\.\d+\.\d+\s+<pending>\s+80:3\d{4}/TCP", pending.Stdout);
        Assert.Matches(@"web\s+LoadBalancer\s+\S+\s+203\.0\.113\.20\s+80:3\d{4}/TCP", assigned.Stdout);
    }

    [Fact]
    public async Task GetWatch_PrintsChangeMadeThroughTheApi()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var kubectl = new KubectlRunner(sim.BaseAddress);
        sim.Objects.CreateService("default", "web", "LoadBalancer", 80);

        var watch = kubectl.Start("get", "svc", "-w");
        await sim.WaitForWatchesAsync("services", timeout: TimeSpan.FromSeconds(30));
        sim.Objects.MergePatch("services", "default", "web", """{"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.30"}]}}}""", status: true);

        var line = await ReadLineContainingAsync(watch, "203.0.113.30", TimeSpan.FromSeconds(30));
        Assert.Matches(@"^web\s+LoadBalancer\s+\S+\s+203\.0\.113\.30\s+80:3\d{4}/TCP", line);
    }

    [Fact]
    public async Task Delete_WithFinalizer_WaitsUntilTheFinalizerIsRemoved()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var kubectl = new KubectlRunner(sim.BaseAddress);
        sim.Objects.CreateService("default", "web", "LoadBalancer", 80);
        sim.Objects.MergePatch("services", "default", "web", """{"metadata":{"finalizers":["service.kubernetes.io/load-balancer-cleanup"]}}""");

        var delete = kubectl.Start("delete", "svc", "web");
        await Eventually.UntilAsync(() => sim.Objects.Get("services", "default", "web")?["metadata"]?["deletionTimestamp"] is not null, "deletionTimestamp set", TimeSpan.FromSeconds(30));
        await sim.WaitForWatchesAsync("services", timeout: TimeSpan.FromSeconds(30));
        Assert.False(delete.HasExited, "kubectl delete must wait while the finalizer is present");

        sim.Objects.JsonPatch("services", "default", "web", """[{"op":"remove","path":"/metadata/finalizers"}]""");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await delete.WaitForExitAsync(timeout.Token);

        Assert.Equal(0, delete.ExitCode);
        Assert.Contains("service \"web\" deleted", await delete.StandardOutput.ReadToEndAsync(timeout.Token), StringComparison.Ordinal);
        Assert.Null(sim.Objects.Get("services", "default", "web"));
    }

    [Fact]
    public async Task DeleteWaitFalse_ReturnsAtOnce_LeavingTheObjectTerminating()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var kubectl = new KubectlRunner(sim.BaseAddress);
        sim.Objects.CreateService("default", "web", "LoadBalancer", 80);
        sim.Objects.MergePatch("services", "default", "web", """{"metadata":{"finalizers":["service.kubernetes.io/load-balancer-cleanup"]}}""");

        var result = (await kubectl.RunAsync("delete", "svc", "web", "--wait=false")).EnsureSuccess();

        Assert.Contains("service \"web\" deleted", result.Stdout, StringComparison.Ordinal);
        Assert.NotNull(sim.Objects.Get("services", "default", "web")!["metadata"]!["deletionTimestamp"]);
    }

    [Fact]
    public async Task Describe_ShowsEventCreatedThroughEventsApi_AndGetEventsListsIt()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var kubectl = new KubectlRunner(sim.BaseAddress);
        var svc = sim.Objects.CreateService("default", "web", "LoadBalancer", 80);
        sim.Objects.Create("events.events.k8s.io", JsonNode.Parse($$$"""
            {"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"generateName":"web.","namespace":"default"},
             "eventTime":"{{{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.ffffffZ}}}","reportingController":"sakura.cloud/relay","reportingInstance":"relay-0",
             "action":"Ensure","reason":"EnsuringLoadBalancer","note":"Ensuring load balancer in is1a","type":"Normal",
             "regarding":{"kind":"Service","apiVersion":"v1","namespace":"default","name":"web","uid":"{{{svc["metadata"]!["uid"]}}}"}}
            """)!.AsObject());

        var describe = (await kubectl.RunAsync("describe", "svc", "web")).EnsureSuccess();
        var events = (await kubectl.RunAsync("get", "events")).EnsureSuccess();

        Assert.Matches(@"Normal\s+EnsuringLoadBalancer\s+\S+\s+sakura\.cloud/relay\s+Ensuring load balancer in is1a", describe.Stdout);
        Assert.Matches(@"Normal\s+EnsuringLoadBalancer\s+service/web\s+Ensuring load balancer in is1a", events.Stdout);
    }

    [Fact]
    public async Task CreateServiceLoadBalancer_Apply_Label_AndGetNodes_Work()
    {
        await using var sim = await KubeApiSimulator.StartAsync(new KubeApiSimulatorOptions { SeedDefaultNodes = true });
        using var kubectl = new KubectlRunner(sim.BaseAddress);
        var file = kubectl.WriteFile("svc.yaml", ServiceYaml);
        var changed = kubectl.WriteFile("svc2.yaml", ServiceYaml.Replace("port: 80", "port: 81", StringComparison.Ordinal));

        (await kubectl.RunAsync("create", "service", "loadbalancer", "lb", "--tcp=80:8080")).EnsureSuccess();
        (await kubectl.RunAsync("apply", "-f", file)).EnsureSuccess();
        var applied = (await kubectl.RunAsync("apply", "-f", changed)).EnsureSuccess();
        (await kubectl.RunAsync("label", "svc", "web", "tier=front")).EnsureSuccess();
        var nodes = (await kubectl.RunAsync("get", "nodes")).EnsureSuccess();

        var lb = sim.Objects.Get("services", "default", "lb")!;
        var web = sim.Objects.Get("services", "default", "web")!;
        Assert.Equal("LoadBalancer", lb.Str("spec.type"));
        Assert.Equal("8080", lb.Str("spec.ports.0.targetPort"));
        Assert.Equal("service/web configured", applied.Stdout.Trim());
        Assert.Equal("81", web.Str("spec.ports.0.port"));
        Assert.Single(web["spec"]!["ports"]!.AsArray());
        Assert.Equal("front", web.Str("metadata.labels.tier"));
        Assert.Matches(@"node-1\s+Ready\s+<none>\s+\S+\s+v1\.32\.0", nodes.Stdout);
    }

    private static async Task<string> ReadLineContainingAsync(Process process, string text, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (await process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.Contains(text, StringComparison.Ordinal))
            {
                return line;
            }
        }

        throw new InvalidOperationException($"kubectl ended without printing {text}: {await process.StandardError.ReadToEndAsync(cts.Token)}");
    }
}
