namespace SakuraLb.Reconcile.Tests.Model;

internal static class ModelSamples
{
    public static readonly DateTimeOffset At = new(2026, 8, 1, 12, 0, 0, TimeSpan.Zero);

    public static ServiceSnapshot Service(string uid = "3f6c1d2e-4b5a-6978-8990-aabbccddeeff") => new()
    {
        Uid = uid,
        Namespace = "default",
        Name = "web",
        ResourceVersion = "1234",
        Generation = 3,
        Type = WellKnown.ServiceTypeLoadBalancer,
        Ports =
        [
            new ServicePortSnapshot { Name = "http", Protocol = "TCP", Port = 80, NodePort = 30080, TargetPort = "8080" },
            new ServicePortSnapshot { Name = "https", Protocol = "TCP", Port = 443, NodePort = 30443, TargetPort = "https" },
        ],
        Annotations = new Dictionary<string, string> { ["k8s.usacloud.jp/load-balancer-ha"] = "true" },
        LoadBalancerIP = "203.0.113.105",
        ExternalTrafficPolicy = "Cluster",
        IpFamilies = ["IPv4"],
        AllocateLoadBalancerNodePorts = true,
        Finalizers = [WellKnown.LoadBalancerCleanupFinalizer],
        CurrentIngress = ["203.0.113.105"],
    };

    public static NodeSnapshot Node(string name = "worker01") => new()
    {
        Name = name,
        Uid = "node-uid-" + name,
        ResourceVersion = "77",
        ProviderId = "sakuracloud://113100000101",
        Addresses = [new NodeAddressSnapshot(WellKnown.NodeInternalIP, "203.0.113.104")],
        Labels = new Dictionary<string, string> { [WellKnown.ExcludeFromExternalLoadBalancersLabel] = "false" },
        Taints = [new NodeTaintSnapshot { Key = WellKnown.ToBeDeletedByClusterAutoscalerTaint, Effect = "NoSchedule" }],
        Ready = true,
    };

    public static EventBatch Batch() => new()
    {
        ClusterId = "prod-1",
        SentAt = At,
        Services = [Service()],
        Nodes = new NodeSetSnapshot { ResourceVersion = "900", Nodes = [Node(), Node("worker02")] },
    };
}
