using k8s;
using k8s.Autorest;
using k8s.Models;

namespace KubeSim.Tests.Compatibility;

/// <summary>The calls the relay makes, through KubernetesClient 21.0.8 itself, against the simulator.</summary>
public sealed class KubernetesClientTests
{
    private static Kubernetes Client(KubeApiSimulator sim) =>
        new(new KubernetesClientConfiguration { Host = sim.BaseAddress.ToString().TrimEnd('/') });

    [Fact]
    public async Task ListThenWatch_WithBookmarks_SeesChangesAndBookmarks()
    {
        await using var sim = await KubeApiSimulator.StartAsync(new KubeApiSimulatorOptions { BookmarkInterval = TimeSpan.FromMilliseconds(100) });
        using var client = Client(sim);
        sim.Objects.CreateService("default", "before", "LoadBalancer", 80);
        var list = await client.CoreV1.ListServiceForAllNamespacesAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<(WatchEventType, string)>();

        var watching = Task.Run(async () =>
        {
            await foreach (var (type, svc) in client.CoreV1.WatchListServiceForAllNamespacesAsync(
                allowWatchBookmarks: true, resourceVersion: list.Metadata.ResourceVersion, timeoutSeconds: 300, cancellationToken: cts.Token))
            {
                seen.Add((type, type == WatchEventType.Bookmark ? svc.Metadata.ResourceVersion : svc.Metadata.Name));
                if (type == WatchEventType.Bookmark && seen.Any(s => s.Item1 == WatchEventType.Modified))
                {
                    return;
                }
            }
        }, cts.Token);
        await sim.WaitForWatchesAsync("services");
        sim.Objects.CreateService("default", "web", "LoadBalancer", 80);
        var patched = sim.Objects.MergePatch("services", "default", "web", """{"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.1"}]}}}""", status: true);
        await watching;

        Assert.Single(list.Items);
        Assert.Equal((WatchEventType.Added, "web"), seen[0]);
        Assert.Equal((WatchEventType.Modified, "web"), seen.First(s => s.Item1 == WatchEventType.Modified));
        Assert.Equal(patched["metadata"]!["resourceVersion"]!.GetValue<string>(), seen.Last().Item2);
    }

    [Fact]
    public async Task Watch_InStreamGone_GoesToOnErrorAsKubernetesException410()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var client = Client(sim);
        sim.Objects.CreateService("default", "a", "LoadBalancer", 80);
        var old = sim.Objects.ResourceVersion;
        sim.Objects.CreateService("default", "b", "LoadBalancer", 80);
        sim.CompactHistory();
        Exception? error = null;

        await foreach (var _ in client.CoreV1.WatchListServiceForAllNamespacesAsync(
            resourceVersion: old.ToString(System.Globalization.CultureInfo.InvariantCulture), onError: e => error = e))
        {
            Assert.Fail("no event should be yielded");
        }

        var k8sError = Assert.IsType<KubernetesException>(error);
        Assert.Equal(410, k8sError.Status.Code);
    }

    [Fact]
    public async Task Watch_HttpGoneMode_ThrowsHttpOperationException()
    {
        await using var sim = await KubeApiSimulator.StartAsync(new KubeApiSimulatorOptions { TooOldWatchResponse = WatchGoneMode.HttpGone });
        using var client = Client(sim);
        sim.Objects.CreateService("default", "a", "LoadBalancer", 80);
        var old = sim.Objects.ResourceVersion;
        sim.Objects.CreateService("default", "b", "LoadBalancer", 80);
        sim.CompactHistory();

        var e = await Assert.ThrowsAsync<HttpOperationException>(async () =>
        {
            await foreach (var _ in client.CoreV1.WatchListServiceForAllNamespacesAsync(resourceVersion: old.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
            }
        });
        Assert.Equal(HttpStatusCode.Gone, e.Response.StatusCode);
    }

    [Fact]
    public async Task StatusMergePatch_FinalizerJsonPatch_AndStaleTest_BehaveLikeApiServer()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var client = Client(sim);
        sim.Objects.CreateService("default", "web", "LoadBalancer", 80);
        var svc = await client.CoreV1.ReadNamespacedServiceAsync("web", "default");

        var withStatus = await client.CoreV1.PatchNamespacedServiceStatusAsync(
            new V1Patch(new { status = new { loadBalancer = new { ingress = new[] { new { ip = "203.0.113.8" } } } } }, V1Patch.PatchType.MergePatch), "web", "default");
        var withFinalizer = await client.CoreV1.PatchNamespacedServiceAsync(
            new V1Patch(new object[]
            {
                new { op = "test", path = "/metadata/resourceVersion", value = withStatus.Metadata.ResourceVersion },
                new { op = "add", path = "/metadata/finalizers", value = new[] { "service.kubernetes.io/load-balancer-cleanup" } },
            }, V1Patch.PatchType.JsonPatch), "web", "default");
        var stale = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.PatchNamespacedServiceAsync(
            new V1Patch(new object[]
            {
                new { op = "test", path = "/metadata/resourceVersion", value = svc.Metadata.ResourceVersion },
                new { op = "remove", path = "/metadata/finalizers" },
            }, V1Patch.PatchType.JsonPatch), "web", "default"));

        Assert.Equal("203.0.113.8", withStatus.Status.LoadBalancer.Ingress.Single().Ip);
        Assert.Equal(["service.kubernetes.io/load-balancer-cleanup"], withFinalizer.Metadata.Finalizers);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, stale.Response.StatusCode);

        await client.CoreV1.DeleteNamespacedServiceAsync("web", "default");
        var terminating = await client.CoreV1.ReadNamespacedServiceAsync("web", "default");
        Assert.NotNull(terminating.Metadata.DeletionTimestamp);
    }

    [Fact]
    public async Task EventsV1Create_AndLeaseReplaceConflict_Work()
    {
        await using var sim = await KubeApiSimulator.StartAsync();
        using var client = Client(sim);
        var svc = sim.Objects.CreateService("default", "web", "LoadBalancer", 80);

        var ev = await client.EventsV1.CreateNamespacedEventAsync(new Eventsv1Event
        {
            Metadata = new V1ObjectMeta { GenerateName = "web.", NamespaceProperty = "default" },
            EventTime = DateTime.UtcNow,
            ReportingController = "sakura.cloud/relay",
            ReportingInstance = "relay-0",
            Action = "Ensure",
            Reason = "EnsuringLoadBalancer",
            Note = "Ensuring load balancer",
            Type = "Normal",
            Regarding = new V1ObjectReference { Kind = "Service", ApiVersion = "v1", NamespaceProperty = "default", Name = "web", Uid = svc["metadata"]!["uid"]!.GetValue<string>() },
        }, "default");
        var lease = await client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease
        {
            Metadata = new V1ObjectMeta { Name = "relay", NamespaceProperty = "kube-system" },
            Spec = new V1LeaseSpec { HolderIdentity = "a", LeaseDurationSeconds = 15 },
        }, "kube-system");
        lease.Spec.HolderIdentity = "b";
        await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, "relay", "kube-system");
        lease.Spec.HolderIdentity = "c";
        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, "relay", "kube-system"));

        Assert.StartsWith("web.", ev.Metadata.Name, StringComparison.Ordinal);
        Assert.Equal("Ensuring load balancer", Assert.Single(sim.Objects.Events("default", "web"))["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, conflict.Response.StatusCode);
        Assert.Equal("b", (await client.CoordinationV1.ReadNamespacedLeaseAsync("relay", "kube-system")).Spec.HolderIdentity);
    }

    [Fact]
    public async Task KubeconfigYaml_IsUsableByKubernetesClient()
    {
        await using var sim = await KubeApiSimulator.StartAsync(new KubeApiSimulatorOptions { SeedNodeNames = ["n1"] });
        var path = Path.Combine(Path.GetTempPath(), $"kubesim-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, sim.KubeconfigYaml());
        try
        {
            var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
            using var client = new Kubernetes(config);

            Assert.Equal("default", config.Namespace);
            Assert.Equal("n1", (await client.CoreV1.ListNodeAsync()).Items.Single().Metadata.Name);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Nodes_ListAndWatch_DecodeIntoTypedModels()
    {
        await using var sim = await KubeApiSimulator.StartAsync(new KubeApiSimulatorOptions { SeedDefaultNodes = true });
        using var client = Client(sim);

        var nodes = await client.CoreV1.ListNodeAsync();

        Assert.Equal(["node-1", "node-2", "node-3"], nodes.Items.Select(n => n.Metadata.Name));
        Assert.Equal("10.0.0.11", nodes.Items[0].Status.Addresses.First(a => a.Type == "InternalIP").Address);
        Assert.Equal("True", nodes.Items[0].Status.Conditions.First(c => c.Type == "Ready").Status);
        Assert.StartsWith("sakuracloud://", nodes.Items[0].Spec.ProviderID, StringComparison.Ordinal);
    }
}
