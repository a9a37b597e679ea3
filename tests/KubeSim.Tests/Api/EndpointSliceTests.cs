using k8s;
using k8s.Models;

namespace KubeSim.Tests.Api;

/// <summary>discovery.k8s.io/v1 EndpointSlices: what a traffic-aware relay lists and watches by service name.</summary>
public sealed class EndpointSliceTests
{
    private const string Slices = "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices";

    private static string Slice(string name, string service, string address = "10.244.1.5", string addressType = "IPv4") => $$$"""
        {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"{{{name}}}","labels":{"kubernetes.io/service-name":"{{{service}}}"}},
         "addressType":"{{{addressType}}}","ports":[{"name":"http","port":8080},{"port":9090,"protocol":"UDP"}],
         "endpoints":[{"addresses":["{{{address}}}"],"nodeName":"node-1","zone":"is1a","conditions":{"ready":false,"serving":true,"terminating":true},
                       "targetRef":{"kind":"Pod","namespace":"default","name":"web-1"},"deprecatedTopology":{"kubernetes.io/hostname":"node-1"}}]}
        """;

    [Fact]
    public async Task Create_DefaultsPorts_KeepsEndpointFieldsAsGiven_AndStartsAtGeneration1()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);

        var created = await api.PostAsync(Slices, Slice("web-1", "web"));

        Assert.Equal(HttpStatusCode.Created, created.Status);
        var slice = created.Object;
        Assert.Equal("1", slice.Str("metadata.generation"));
        Assert.Equal("""[{"name":"http","port":8080,"protocol":"TCP"},{"port":9090,"protocol":"UDP","name":""}]""", slice["ports"]!.ToJsonString());
        Assert.Equal("""{"ready":false,"serving":true,"terminating":true}""", slice["endpoints"]![0]!["conditions"]!.ToJsonString());
        Assert.Equal("node-1", slice.Str("endpoints.0.nodeName"));
        Assert.Equal("is1a", slice.Str("endpoints.0.zone"));
        Assert.Equal("web-1", slice.Str("endpoints.0.targetRef.name"));
        Assert.Equal("", slice.Str("endpoints.0.deprecatedTopology"));
    }

    [Fact]
    public async Task Generation_GrowsOnEndpointAndLabelChanges_NotOnAnnotations()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        await api.PostAsync(Slices, Slice("web-1", "web"));
        const string Merge = "application/merge-patch+json";

        var annotated = await api.PatchAsync(Slices + "/web-1", """{"metadata":{"annotations":{"a":"b"}}}""", Merge);
        var relabelled = await api.PatchAsync(Slices + "/web-1", """{"metadata":{"labels":{"extra":"x"}}}""", Merge);
        var moved = await api.PatchAsync(Slices + "/web-1", """{"endpoints":[{"addresses":["10.244.1.6"],"conditions":{"ready":true}}]}""", Merge);

        Assert.Equal("1", annotated.Object.Str("metadata.generation"));
        Assert.Equal("2", relabelled.Object.Str("metadata.generation"));
        Assert.Equal("3", moved.Object.Str("metadata.generation"));
        Assert.Equal("""[{"addresses":["10.244.1.6"],"conditions":{"ready":true}}]""", moved.Object["endpoints"]!.ToJsonString());
    }

    [Theory]
    [InlineData("127.0.0.1", "IPv4", "endpoints[0].addresses[0]: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)")]
    [InlineData("169.254.1.1", "IPv4", "may not be in the link-local range (169.254.0.0/16, fe80::/10)")]
    [InlineData("0.0.0.0", "IPv4", "may not be unspecified (0.0.0.0)")]
    [InlineData("10.0.0.300", "IPv4", "endpoints[0].addresses[0]: Invalid value: \"10.0.0.300\": must be a valid IPv4 address")]
    [InlineData("10.0.0.1", "IPv6", "must be a valid IPv6 address")]
    [InlineData("web", "FQDN", "should be a domain with at least two segments separated by dots")]
    [InlineData("10.0.0.1", "IPX", "addressType: Unsupported value: \"IPX\": supported values: \"FQDN\", \"IPv4\", \"IPv6\"")]
    public async Task InvalidAddress_Is422(string address, string addressType, string expected)
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);

        var r = await api.PostAsync(Slices, Slice("web-1", "web", address, addressType));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.Status);
        Assert.Contains(expected, r.Object.Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddressType_IsImmutable_AndDuplicatePortNamesAreRejected()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);
        var slice = (await api.PostAsync(Slices, Slice("web-1", "web"))).Object;

        var retyped = await api.PatchAsync(Slices + "/web-1", """{"addressType":"IPv6","endpoints":[{"addresses":["fd00::1"]}]}""", "application/merge-patch+json");
        slice["ports"] = JsonNode.Parse("""[{"port":80},{"port":81}]""");
        var duplicate = await api.PutAsync(Slices + "/web-1", slice.ToJsonString());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, retyped.Status);
        Assert.Contains("addressType: Invalid value: \"IPv6\": field is immutable", retyped.Object.Str("message"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, duplicate.Status);
        Assert.Contains("ports[1].name: Duplicate value: \"\"", duplicate.Object.Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KubernetesClient_ListsAndWatchesOnlyTheSlicesOfTheWatchedServices()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = sim.BaseAddress.ToString().TrimEnd('/') });
        sim.Objects.CreateEndpointSlice("default", "web-a", "web", [new KubeEndpoint("10.244.1.5", "node-1")], ("http", 8080));
        sim.Objects.CreateEndpointSlice("default", "db-a", "db", [new KubeEndpoint("10.244.2.5", "node-2")], ("pg", 5432));
        sim.Objects.CreateEndpointSlice("shop", "api-a", "api", [new KubeEndpoint("10.244.3.5", "node-3", Ready: false)], ("http", 80));
        const string Selector = "kubernetes.io/service-name in (web,api)";

        var list = await client.DiscoveryV1.ListEndpointSliceForAllNamespacesAsync(labelSelector: Selector);
        var seen = new List<(WatchEventType, string)>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var watching = Task.Run(async () =>
        {
            await foreach (var (type, slice) in client.DiscoveryV1.WatchListEndpointSliceForAllNamespacesAsync(
                labelSelector: Selector, resourceVersion: list.Metadata.ResourceVersion, cancellationToken: cts.Token))
            {
                seen.Add((type, slice.Metadata.Name + ":" + string.Join(",", slice.Endpoints.Select(e => e.Addresses[0] + "/" + e.Conditions.Ready))));
                if (type == WatchEventType.Deleted)
                {
                    return;
                }
            }
        }, cts.Token);
        await sim.WaitForWatchesAsync("endpointslices.discovery.k8s.io");
        sim.Objects.MergePatch("endpointslices", "default", "db-a", """{"endpoints":[{"addresses":["10.244.2.6"]}]}""");
        sim.Objects.MergePatch("endpointslices", "shop", "api-a", """{"endpoints":[{"addresses":["10.244.3.5"],"nodeName":"node-3","conditions":{"ready":true}}]}""");
        sim.Objects.Delete("endpointslices", "default", "web-a");
        await watching;

        Assert.Equal(["web-a", "api-a"], list.Items.Select(s => s.Metadata.Name));
        Assert.Equal("node-3", list.Items.First(s => s.Metadata.Name == "api-a").Endpoints[0].NodeName);
        Assert.Equal([(WatchEventType.Modified, "api-a:10.244.3.5/True"), (WatchEventType.Deleted, "web-a:10.244.1.5/True")], seen);
    }

    [Fact]
    public async Task Discovery_ListsEndpointSlicesAndTheNewCoreAndAppsResources()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var api = new ApiClient(sim.BaseAddress);

        var discovery = (await api.GetAsync("/apis/discovery.k8s.io/v1")).Object;
        var apps = (await api.GetAsync("/apis/apps/v1")).Object;
        var core = (await api.GetAsync("/api/v1")).Object;
        var group = (await api.GetAsync("/apis/discovery.k8s.io")).Object;

        Assert.Equal("endpointslices", discovery.Str("resources.0.name"));
        Assert.Equal("EndpointSlice", discovery.Str("resources.0.kind"));
        Assert.Equal("true", discovery.Str("resources.0.namespaced"));
        Assert.Equal(["deployments", "deployments/status"], apps["resources"]!.AsArray().Select(r => r.Str("name")));
        Assert.Contains("pods", core["resources"]!.AsArray().Select(r => r.Str("name")));
        Assert.Contains("configmaps", core["resources"]!.AsArray().Select(r => r.Str("name")));
        Assert.Equal("discovery.k8s.io/v1", group.Str("preferredVersion.groupVersion"));
    }
}
