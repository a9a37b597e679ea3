namespace SakuraLb.Relay.Tests.Support;

/// <summary>Builders of typed Kubernetes objects for unit tests.</summary>
public static class Objects
{
    public static V1Service Service(
        string name = "web",
        string uid = "uid-web",
        string rv = "10",
        string type = "LoadBalancer",
        string? lbClass = null,
        IDictionary<string, string>? annotations = null,
        IDictionary<string, string>? labels = null,
        IList<string>? finalizers = null,
        DateTime? deletion = null,
        params string[] ingress) => new()
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = "default",
                Uid = uid,
                ResourceVersion = rv,
                Annotations = annotations,
                Labels = labels,
                Finalizers = finalizers,
                DeletionTimestamp = deletion,
            },
            Spec = new V1ServiceSpec
            {
                Type = type,
                LoadBalancerClass = lbClass,
                Ports = [new V1ServicePort { Name = "http", Port = 80, Protocol = "TCP", NodePort = 30080, TargetPort = 8080 }],
                ExternalTrafficPolicy = "Cluster",
            },
            Status = new V1ServiceStatus
            {
                LoadBalancer = new V1LoadBalancerStatus
                {
                    Ingress = ingress.Select(ip => new V1LoadBalancerIngress { Ip = ip, IpMode = "VIP" }).ToList(),
                },
            },
        };

    public static V1Service WithFinalizer(this V1Service service)
    {
        service.Metadata.Finalizers = [.. service.Metadata.Finalizers ?? [], SakuraLb.Model.WellKnown.LoadBalancerCleanupFinalizer];
        return service;
    }

    public static V1Node Node(string name = "node-1", string rv = "5", string ip = "10.0.0.11", bool ready = true, DateTime? heartbeat = null, IDictionary<string, string>? labels = null, IList<V1Taint>? taints = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Uid = "uid-" + name,
            ResourceVersion = rv,
            Labels = labels ?? new Dictionary<string, string> { ["kubernetes.io/hostname"] = name },
        },
        Spec = new V1NodeSpec { ProviderID = "sakuracloud://1131", Taints = taints },
        Status = new V1NodeStatus
        {
            Addresses = [new V1NodeAddress { Type = "InternalIP", Address = ip }, new V1NodeAddress { Type = "Hostname", Address = name }],
            Conditions =
            [
                new V1NodeCondition
                {
                    Type = "Ready",
                    Status = ready ? "True" : "False",
                    LastHeartbeatTime = heartbeat ?? new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
                },
            ],
        },
    };
}
