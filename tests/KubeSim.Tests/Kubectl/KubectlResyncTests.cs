using SakuraLb.Testing;

namespace KubeSim.Tests.Kubectl;

/// <summary>
/// The kubectl commands a kubectl-native resync builds on: annotate a Service, Deployment or ConfigMap,
/// create and read ConfigMaps and Deployments, and find or wait for the Events about a Service.
/// </summary>
public sealed class KubectlResyncTests
{
    [Fact]
    public async Task Annotate_ServiceDeploymentAndConfigMap_CreatedThroughKubectlsTypedClients()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var kubectl = new KubectlRunner(sim.BaseAddress);
        sim.Objects.CreateService("default", "web", "LoadBalancer", 80);

        var svcFirst = (await kubectl.RunAsync("annotate", "svc", "web", "sakura.cloud/resync=1")).EnsureSuccess();
        var svcRefused = await kubectl.RunAsync("annotate", "svc", "web", "sakura.cloud/resync=2");
        var svcOverwritten = (await kubectl.RunAsync("annotate", "svc", "web", "sakura.cloud/resync=2", "--overwrite")).EnsureSuccess();

        // create deployment and create configmap POST protobuf bodies.
        var deployment = (await kubectl.RunAsync("create", "deployment", "web", "-n", "shop", "--image=nginx:1.27", "--port=80", "--replicas=2")).EnsureSuccess();
        var deployAnnotated = (await kubectl.RunAsync("annotate", "deployment", "web", "-n", "shop", "sakura.cloud/resync=1", "--overwrite")).EnsureSuccess();
        var deployments = (await kubectl.RunAsync("get", "deployments", "-n", "shop", "-o", "wide")).EnsureSuccess();
        var configMap = (await kubectl.RunAsync("create", "configmap", "lb-settings", "-n", "shop", "--from-literal=mode=fast", "--from-literal=zone=is1a")).EnsureSuccess();
        var cmAnnotated = (await kubectl.RunAsync("annotate", "configmap", "lb-settings", "-n", "shop", "sakura.cloud/resync=1")).EnsureSuccess();
        var configMaps = (await kubectl.RunAsync("get", "configmap", "-n", "shop")).EnsureSuccess();
        var cmJson = JsonNode.Parse((await kubectl.RunAsync("get", "cm", "lb-settings", "-n", "shop", "-o", "json")).EnsureSuccess().Stdout)!;

        Assert.Equal("service/web annotated", svcFirst.Stdout.Trim());
        Assert.NotEqual(0, svcRefused.ExitCode);
        Assert.Contains("--overwrite is false", svcRefused.Stderr, StringComparison.Ordinal);
        Assert.Equal("service/web annotated", svcOverwritten.Stdout.Trim());
        Assert.Equal("2", sim.Objects.Get("services", "default", "web")!["metadata"]!["annotations"]!["sakura.cloud/resync"]!.GetValue<string>());

        Assert.Equal("deployment.apps/web created", deployment.Stdout.Trim());
        Assert.Equal("deployment.apps/web annotated", deployAnnotated.Stdout.Trim());
        var stored = sim.Objects.Get("deployments", "shop", "web")!;
        Assert.Equal("2", stored.Str("metadata.generation"));
        Assert.Equal("2", stored.Str("spec.replicas"));
        Assert.Equal("""{"app":"web"}""", stored["spec"]!["selector"]!["matchLabels"]!.ToJsonString());
        Assert.Equal("80", stored.Str("spec.template.spec.containers.0.ports.0.containerPort"));
        Assert.Matches(@"NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR\n", deployments.Stdout);
        Assert.Matches(@"web\s+0/2\s+0\s+0\s+\d+s\s+nginx\s+nginx:1\.27\s+app=web\n", deployments.Stdout);

        Assert.Equal("configmap/lb-settings created", configMap.Stdout.Trim());
        Assert.Equal("configmap/lb-settings annotated", cmAnnotated.Stdout.Trim());
        Assert.Matches(@"NAME\s+DATA\s+AGE\nlb-settings\s+2\s+\d+s\n", configMaps.Stdout);
        Assert.Equal("""{"mode":"fast","zone":"is1a"}""", cmJson["data"]!.ToJsonString());
        Assert.Equal("1", cmJson["metadata"]!["annotations"]!["sakura.cloud/resync"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetEvents_ByInvolvedObject_AndWatchSeesTheNextEventAboutTheService()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var kubectl = new KubectlRunner(sim.BaseAddress);
        var web = sim.Objects.CreateService("default", "web", "LoadBalancer", 80);
        var api = sim.Objects.CreateService("default", "api", "LoadBalancer", 80);
        CreateEvent(sim, web, "EnsuredLoadBalancer", "load balancer ready");
        CreateEvent(sim, api, "EnsuredLoadBalancer", "api balancer ready");
        const string Selector = "involvedObject.name=web,involvedObject.kind=Service";

        var listed = (await kubectl.RunAsync("get", "events", "--field-selector", Selector)).EnsureSuccess();
        var watch = kubectl.Start("get", "events", "-w", "--field-selector", Selector, "-o", "custom-columns=REASON:.reason,MESSAGE:.message");
        await KubectlWait.LineContainingAsync(watch, "load balancer ready");
        await sim.WaitForWatchesAsync("events");
        CreateEvent(sim, api, "Resynced", "api resynced");
        CreateEvent(sim, web, "Resynced", "web resynced by request 7");
        var line = await KubectlWait.LineContainingAsync(watch, "Resynced");

        Assert.Matches(@"Normal\s+EnsuredLoadBalancer\s+service/web\s+load balancer ready", listed.Stdout);
        Assert.DoesNotContain("api balancer ready", listed.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"^Resynced\s+web resynced by request 7$", line);
    }

    private static void CreateEvent(KubeApiSimulator sim, JsonObject svc, string reason, string note) =>
        sim.Objects.Create("events.events.k8s.io", JsonNode.Parse($$$"""
            {"metadata":{"generateName":"{{{svc.Str("metadata.name")}}}.","namespace":"default"},"eventTime":"{{{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.ffffffZ}}}",
             "reportingController":"sakura.cloud/relay","reportingInstance":"relay-0","action":"Sync","reason":"{{{reason}}}","note":"{{{note}}}","type":"Normal",
             "regarding":{"kind":"Service","apiVersion":"v1","namespace":"default","name":"{{{svc.Str("metadata.name")}}}","uid":"{{{svc.Str("metadata.uid")}}}"}}
            """)!.AsObject());
}
