using SakuraLb.Testing;

namespace KubeSim.Tests.Kubectl;

/// <summary>The real kubectl on Nodes: what an operator does around a cloud node controller.</summary>
public sealed class KubectlNodeTests
{
    private const string NodeYaml = """
        apiVersion: v1
        kind: Node
        metadata:
          name: lb-node
          labels:
            kubernetes.io/hostname: lb-node
            node-role.kubernetes.io/worker: ""
            node-role.kubernetes.io/edge: ""
        spec:
          providerID: sakuracloud://113000000042
        status:
          addresses:
          - type: InternalIP
            address: 10.0.0.42
          - type: ExternalIP
            address: 203.0.113.42
          conditions:
          - type: Ready
            status: "True"
            reason: KubeletReady
          nodeInfo:
            kubeletVersion: v1.32.4
            osImage: Ubuntu 24.04 LTS
            kernelVersion: 6.8.0-generic
            containerRuntimeVersion: containerd://1.7.24
        """;

    [Fact]
    public async Task CreateFromFile_ThenGetAsTableWideJsonYamlAndJsonpath()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var kubectl = new KubectlRunner(sim.BaseAddress);
        var file = kubectl.WriteFile("node.yaml", NodeYaml);

        var created = (await kubectl.RunAsync("create", "-f", file)).EnsureSuccess();
        var table = (await kubectl.RunAsync("get", "nodes")).EnsureSuccess();
        var wide = (await kubectl.RunAsync("get", "nodes", "-o", "wide")).EnsureSuccess();
        var json = JsonNode.Parse((await kubectl.RunAsync("get", "node", "lb-node", "-o", "json")).EnsureSuccess().Stdout)!;
        var yaml = (await kubectl.RunAsync("get", "nodes", "-o", "yaml")).EnsureSuccess();
        var jsonpath = (await kubectl.RunAsync("get", "nodes", "-o",
            "jsonpath={range .items[*]}{.metadata.name} {.spec.providerID} {.status.addresses[?(@.type==\"ExternalIP\")].address}{\"\\n\"}{end}")).EnsureSuccess();

        Assert.Equal("node/lb-node created", created.Stdout.Trim());
        Assert.Matches(@"NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\n", table.Stdout);
        Assert.Matches(@"lb-node\s+Ready\s+edge,worker\s+\d+s\s+v1\.32\.4\n", table.Stdout);
        Assert.Matches(@"NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME", wide.Stdout);
        Assert.Matches(@"lb-node\s+Ready\s+edge,worker\s+\S+\s+v1\.32\.4\s+10\.0\.0\.42\s+203\.0\.113\.42\s+Ubuntu 24\.04 LTS\s+6\.8\.0-generic\s+containerd://1\.7\.24", wide.Stdout);
        Assert.Equal("sakuracloud://113000000042", json.Str("spec.providerID"));
        Assert.NotEqual("", json.Str("metadata.uid"));
        Assert.Contains("providerID: sakuracloud://113000000042", yaml.Stdout, StringComparison.Ordinal);
        Assert.Contains("kind: List", yaml.Stdout, StringComparison.Ordinal);
        Assert.Equal("lb-node sakuracloud://113000000042 203.0.113.42", jsonpath.Stdout.Trim());
    }

    [Fact]
    public async Task TaintLabelCordon_ShowInDescribe_WithTheNodesEvents_AndAreUndone()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var kubectl = new KubectlRunner(sim.BaseAddress);
        var node = sim.Objects.CreateNode("n1", "10.0.0.11", providerId: "sakuracloud://113000000001");
        sim.Objects.StrategicMergePatch("nodes", null, "n1",
            """{"status":{"addresses":[{"type":"ExternalIP","address":"203.0.113.11"}]}}""", status: true);
        sim.Objects.Create("events", JsonNode.Parse($$$"""
            {"metadata":{"generateName":"n1.","namespace":"default"},"reason":"ProviderIDSet","message":"matched server 113000000001","type":"Normal",
             "source":{"component":"sakura-node-controller"},"involvedObject":{"kind":"Node","apiVersion":"v1","name":"n1","uid":"{{{node.Str("metadata.uid")}}}"},
             "firstTimestamp":"{{{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}}}","lastTimestamp":"{{{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}}}","count":1}
            """)!.AsObject());

        // Kubelets record node events with the node's name as uid; describe merges both searches.
        sim.Objects.Create("events.events.k8s.io", JsonNode.Parse($$$"""
            {"metadata":{"generateName":"n1.","namespace":"default"},"eventTime":"{{{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.ffffffZ}}}",
             "reportingController":"kubelet","reportingInstance":"n1","action":"Starting","reason":"Starting","note":"Starting kubelet.","type":"Normal",
             "regarding":{"kind":"Node","apiVersion":"v1","name":"n1","uid":"n1"}}
            """)!.AsObject());

        var tainted = (await kubectl.RunAsync("taint", "nodes", "n1", "sakura.cloud/lb-drain=true:NoSchedule")).EnsureSuccess();
        var labelled = (await kubectl.RunAsync("label", "node", "n1", "topology.kubernetes.io/zone=is1a")).EnsureSuccess();
        var cordoned = (await kubectl.RunAsync("cordon", "n1")).EnsureSuccess();
        var table = (await kubectl.RunAsync("get", "nodes")).EnsureSuccess();
        var describe = (await kubectl.RunAsync("describe", "node", "n1")).EnsureSuccess();
        var events = (await kubectl.RunAsync("get", "events", "-A", "--field-selector", "involvedObject.kind=Node")).EnsureSuccess();
        var stored = sim.Objects.Get("nodes", null, "n1")!;
        var untainted = (await kubectl.RunAsync("taint", "nodes", "n1", "sakura.cloud/lb-drain-")).EnsureSuccess();
        var uncordoned = (await kubectl.RunAsync("uncordon", "n1")).EnsureSuccess();
        var after = sim.Objects.Get("nodes", null, "n1")!;

        Assert.Equal("node/n1 tainted", tainted.Stdout.Trim());
        Assert.Equal("node/n1 labeled", labelled.Stdout.Trim());
        Assert.Equal("node/n1 cordoned", cordoned.Stdout.Trim());
        Assert.Equal("""[{"effect":"NoSchedule","key":"sakura.cloud/lb-drain","value":"true"}]""", stored["spec"]!["taints"]!.ToJsonString());
        Assert.Equal("is1a", stored["metadata"]!["labels"]!["topology.kubernetes.io/zone"]!.GetValue<string>());
        Assert.Matches(@"n1\s+Ready,SchedulingDisabled\s+<none>", table.Stdout);
        Assert.Matches(@"Taints:\s+sakura\.cloud/lb-drain=true:NoSchedule\n", describe.Stdout);
        Assert.Matches(@"Unschedulable:\s+true\n", describe.Stdout);
        Assert.Matches(@"Addresses:\n\s+InternalIP:\s+10\.0\.0\.11\n\s+Hostname:\s+n1\n\s+ExternalIP:\s+203\.0\.113\.11\n", describe.Stdout);
        Assert.Matches(@"ProviderID:\s+sakuracloud://113000000001\n", describe.Stdout);
        Assert.Matches(@"topology\.kubernetes\.io/zone=is1a", describe.Stdout);
        Assert.Matches(@"Normal\s+ProviderIDSet\s+\S+\s+sakura-node-controller\s+matched server 113000000001", describe.Stdout);
        Assert.Matches(@"Normal\s+Starting\s+\S+\s+kubelet\s+Starting kubelet\.", describe.Stdout);
        Assert.Matches(@"default\s+\S+\s+Normal\s+ProviderIDSet\s+node/n1\s+matched server 113000000001", events.Stdout);
        Assert.Equal("node/n1 untainted", untainted.Stdout.Trim());
        Assert.Equal("node/n1 uncordoned", uncordoned.Stdout.Trim());
        Assert.Equal("", after.Str("spec.taints"));
        Assert.Equal("", after.Str("spec.unschedulable"));
    }

    [Fact]
    public async Task PatchChangingProviderId_IsRejectedWithTheApiServersMessage_AndDeleteNodeRemovesIt()
    {
        await using var sim = await KubeApiSimulator.StartAsync(new KubeApiSimulatorOptions { SeedDefaultNodes = true });
        using var kubectl = new KubectlRunner(sim.BaseAddress);

        var rejected = await kubectl.RunAsync("patch", "node", "node-1", "-p", """{"spec":{"providerID":"sakuracloud://999"}}""");
        var deleted = (await kubectl.RunAsync("delete", "node", "node-3")).EnsureSuccess();
        var left = (await kubectl.RunAsync("get", "nodes", "-o", "name")).EnsureSuccess();

        Assert.NotEqual(0, rejected.ExitCode);
        Assert.Contains(
            "The Node \"node-1\" is invalid: spec.providerID: Forbidden: node updates may not change providerID except from \"\" to valid",
            rejected.Stderr, StringComparison.Ordinal);
        Assert.Equal("node \"node-3\" deleted", deleted.Stdout.Trim());
        Assert.Equal("node/node-1\nnode/node-2", left.Stdout.Trim());
    }
}
