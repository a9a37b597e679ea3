using SakuraLb.Testing;

namespace KubeSim.Tests.Kubectl;

/// <summary>The real kubectl on hand-written discovery.k8s.io/v1 EndpointSlices.</summary>
public sealed class KubectlEndpointSliceTests
{
    private const string SliceYaml = """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: web-manual
          namespace: shop
          labels:
            kubernetes.io/service-name: web
        addressType: IPv4
        ports:
        - name: http
          port: 8080
          protocol: TCP
        endpoints:
        - addresses: ["10.244.1.5"]
          nodeName: node-1
          conditions: {ready: true, serving: true, terminating: false}
        - addresses: ["10.244.2.7"]
          nodeName: node-2
          conditions: {ready: false, serving: true, terminating: true}
        """;

    [Fact]
    public async Task CreateApplyGetBySelectorAndDelete()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var kubectl = new KubectlRunner(sim.BaseAddress);
        sim.Objects.CreateEndpointSlice("shop", "db-1", "db",
            [new KubeEndpoint("10.244.3.1"), new KubeEndpoint("10.244.3.2"), new KubeEndpoint("10.244.3.3"), new KubeEndpoint("10.244.3.4")], ("pg", 5432));
        var file = kubectl.WriteFile("slice.yaml", SliceYaml);
        var moved = kubectl.WriteFile("slice2.yaml", SliceYaml.Replace("10.244.2.7", "10.244.2.8", StringComparison.Ordinal));

        var created = (await kubectl.RunAsync("create", "-f", file)).EnsureSuccess();
        var applied = (await kubectl.RunAsync("apply", "-f", moved)).EnsureSuccess();
        var table = (await kubectl.RunAsync("get", "endpointslices", "-n", "shop")).EnsureSuccess();
        var selected = (await kubectl.RunAsync("get", "endpointslices", "-A", "-l", "kubernetes.io/service-name in (web,api)", "-o", "name")).EnsureSuccess();
        var stored = sim.Objects.Get("endpointslices", "shop", "web-manual")!;
        var deleted = (await kubectl.RunAsync("delete", "-f", moved)).EnsureSuccess();

        Assert.Equal("endpointslice.discovery.k8s.io/web-manual created", created.Stdout.Trim());
        Assert.Equal("endpointslice.discovery.k8s.io/web-manual configured", applied.Stdout.Trim());
        Assert.Matches(@"NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE\n", table.Stdout);
        Assert.Matches(@"db-1\s+IPv4\s+5432\s+10\.244\.3\.1,10\.244\.3\.2,10\.244\.3\.3 \+ 1 more\.\.\.\s+\d+s\n", table.Stdout);
        Assert.Matches(@"web-manual\s+IPv4\s+8080\s+10\.244\.1\.5,10\.244\.2\.8\s+\d+s\n", table.Stdout);
        Assert.Equal("endpointslice.discovery.k8s.io/web-manual", selected.Stdout.Trim());
        Assert.Equal("2", stored.Str("metadata.generation"));
        Assert.Equal("""{"ready":false,"serving":true,"terminating":true}""", stored["endpoints"]![1]!["conditions"]!.ToJsonString());
        Assert.Equal("node-2", stored.Str("endpoints.1.nodeName"));
        Assert.Equal("endpointslice.discovery.k8s.io \"web-manual\" deleted", deleted.Stdout.Trim());
        Assert.Null(sim.Objects.Get("endpointslices", "shop", "web-manual"));
    }
}
