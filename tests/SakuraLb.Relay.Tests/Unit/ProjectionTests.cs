using SakuraLb.Relay.Projection;

namespace SakuraLb.Relay.Tests.Unit;

public sealed class ProjectionTests
{
    [Theory]
    [InlineData("2026-12-02T07:00:00Z", "2026-12-02T07:00:00Z")]
    [InlineData("  now  ", "now")]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void ServiceProjection_CarriesTheResyncRequestInItsOwnFieldNotAmongTheAnnotations(string? value, string? expected)
    {
        var annotations = new Dictionary<string, string> { ["k8s.usacloud.jp/load-balancer-plan"] = "premium" };
        if (value is not null)
        {
            annotations[WellKnown.ResyncRequestedAtAnnotation] = value;
        }

        var snapshot = ServiceProjection.Project(Objects.Service(annotations: annotations));

        Assert.Equal(expected, snapshot.ResyncRequest);
        Assert.Equal(["k8s.usacloud.jp/load-balancer-plan"], snapshot.Annotations.Keys);
    }

    [Fact]
    public void ServiceProjection_IgnoresAResyncRequestLongerThanTheFunctionAppAccepts()
    {
        var annotations = new Dictionary<string, string> { [WellKnown.ResyncRequestedAtAnnotation] = new string('x', EventBatchValidator.MaxResyncRequestLength + 1) };

        Assert.Null(ServiceProjection.Project(Objects.Service(annotations: annotations)).ResyncRequest);
    }

    [Fact]
    public void Fingerprint_ChangesWithTheResyncRequest()
    {
        var first = ServiceProjection.Project(Objects.Service(annotations: new Dictionary<string, string> { [WellKnown.ResyncRequestedAtAnnotation] = "1" }));
        var second = first with { ResyncRequest = "2" };

        Assert.NotEqual(Fingerprint.Of(first), Fingerprint.Of(second));
    }

    [Fact]
    public void ServiceProjection_CapsOurAnnotationsInCountAndSize()
    {
        var many = Enumerable.Range(0, 1000).ToDictionary(i => $"k8s.usacloud.jp/x-{i:D4}", _ => "v");
        many["k8s.usacloud.jp/a-huge"] = new string('x', 200 * 1024);
        many["k8s.usacloud.jp/a-plan"] = "premium";
        var snapshot = ServiceProjection.Project(Objects.Service(annotations: many));

        Assert.Equal(ServiceProjection.MaxForwardedAnnotations, snapshot.Annotations.Count);
        Assert.True(snapshot.Annotations.Sum(a => a.Key.Length + a.Value.Length) <= ServiceProjection.MaxForwardedAnnotationChars);
        Assert.Equal("premium", snapshot.Annotations["k8s.usacloud.jp/a-plan"]);
        Assert.DoesNotContain("k8s.usacloud.jp/a-huge", snapshot.Annotations.Keys);
    }

    [Fact]
    public void ServiceProjection_KeepsControllerFieldsAndOnlyOurAnnotations()
    {
        var service = Objects.Service(
            annotations: new Dictionary<string, string>
            {
                ["k8s.usacloud.jp/load-balancer-plan"] = "premium",
                ["kubectl.kubernetes.io/last-applied-configuration"] = "{...}",
            },
            ingress: "203.0.113.1");
        service.Spec.LoadBalancerIP = "203.0.113.5";
        service.Spec.IpFamilies = ["IPv4"];

        var snapshot = ServiceProjection.Project(service);

        Assert.Equal("uid-web", snapshot.Uid);
        Assert.Equal("10", snapshot.ResourceVersion);
        Assert.Equal(new Dictionary<string, string> { ["k8s.usacloud.jp/load-balancer-plan"] = "premium" }, snapshot.Annotations);
        Assert.Equal("203.0.113.5", snapshot.LoadBalancerIP);
        Assert.Equal(["IPv4"], snapshot.IpFamilies);
        Assert.Equal(["203.0.113.1"], snapshot.CurrentIngress);
        var port = Assert.Single(snapshot.Ports);
        Assert.Equal(("http", "TCP", 80, (int?)30080, "8080"), (port.Name, port.Protocol, port.Port, port.NodePort, port.TargetPort));
    }

    [Fact]
    public void ServiceProjection_DefaultsAMissingTypeAndProtocolLikeTheApiServer()
    {
        var service = Objects.Service();
        service.Spec.Type = null;
        service.Spec.Ports[0].Protocol = null;
        service.Spec.Ports[0].NodePort = 0;

        var snapshot = ServiceProjection.Project(service);

        Assert.Equal("ClusterIP", snapshot.Type);
        Assert.Equal("TCP", snapshot.Ports[0].Protocol);
        Assert.Null(snapshot.Ports[0].NodePort);
    }

    public static TheoryData<string, Action<V1Service>> IrrelevantServiceChanges => new()
    {
        { "resourceVersion", s => s.Metadata.ResourceVersion = "11" },
        { "labels", s => s.Metadata.Labels = new Dictionary<string, string> { ["team"] = "x" } },
        { "foreign annotation", s => s.Metadata.Annotations = new Dictionary<string, string> { ["example.com/a"] = "b" } },
        { "managed fields", s => s.Metadata.ManagedFields = [new V1ManagedFieldsEntry { Manager = "kubectl" }] },
        { "selector", s => s.Spec.Selector = new Dictionary<string, string> { ["app"] = "other" } },
        { "internal traffic policy", s => s.Spec.InternalTrafficPolicy = "Local" },
        { "status conditions", s => s.Status.Conditions = [new V1Condition { Type = "X", Status = "True" }] },
        { "generation", s => s.Metadata.Generation = 7 },
    };

    [Theory]
    [MemberData(nameof(IrrelevantServiceChanges))]
    public void ServiceFingerprint_IgnoresWhatTheControllerDoesNotRead(string change, Action<V1Service> mutate)
    {
        ArgumentNullException.ThrowIfNull(mutate);
        var before = Fingerprint.Of(ServiceProjection.Project(Objects.Service()));
        var service = Objects.Service();
        mutate(service);

        Assert.True(before == Fingerprint.Of(ServiceProjection.Project(service)), change);
    }

    public static TheoryData<string, Action<V1Service>> RelevantServiceChanges => new()
    {
        { "our annotation", s => s.Metadata.Annotations = new Dictionary<string, string> { ["k8s.usacloud.jp/load-balancer-ha"] = "true" } },
        { "port", s => s.Spec.Ports[0].Port = 443 },
        { "node port", s => s.Spec.Ports[0].NodePort = 30443 },
        { "added port", s => s.Spec.Ports.Add(new V1ServicePort { Port = 443, Protocol = "TCP" }) },
        { "type", s => s.Spec.Type = "ClusterIP" },
        { "external traffic policy", s => s.Spec.ExternalTrafficPolicy = "Local" },
        { "finalizer", s => s.WithFinalizer() },
        { "deletion", s => s.Metadata.DeletionTimestamp = DateTime.UtcNow },
        { "ingress", s => s.Status.LoadBalancer.Ingress = [new V1LoadBalancerIngress { Ip = "203.0.113.2" }] },
        { "load balancer ip", s => s.Spec.LoadBalancerIP = "203.0.113.9" },
    };

    [Theory]
    [MemberData(nameof(RelevantServiceChanges))]
    public void ServiceFingerprint_ChangesWithWhatTheControllerReads(string change, Action<V1Service> mutate)
    {
        ArgumentNullException.ThrowIfNull(mutate);
        var before = Fingerprint.Of(ServiceProjection.Project(Objects.Service()));
        var service = Objects.Service();
        mutate(service);

        Assert.False(before == Fingerprint.Of(ServiceProjection.Project(service)), change);
    }

    [Fact]
    public void ServiceFingerprint_DoesNotDependOnAnnotationOrder()
    {
        var a = Objects.Service(annotations: new Dictionary<string, string> { ["k8s.usacloud.jp/a"] = "1", ["k8s.usacloud.jp/b"] = "2" });
        var b = Objects.Service(annotations: new Dictionary<string, string> { ["k8s.usacloud.jp/b"] = "2", ["k8s.usacloud.jp/a"] = "1" });

        Assert.Equal(Fingerprint.Of(ServiceProjection.Project(a)), Fingerprint.Of(ServiceProjection.Project(b)));
    }

    public static TheoryData<string, Action<V1Node>> IrrelevantNodeChanges => new()
    {
        { "heartbeat", n => n.Status.Conditions[0].LastHeartbeatTime = DateTime.UtcNow },
        { "ready flip", n => n.Status.Conditions[0].Status = "False" },
        { "new condition", n => n.Status.Conditions.Add(new V1NodeCondition { Type = "MemoryPressure", Status = "False" }) },
        { "resourceVersion", n => n.Metadata.ResourceVersion = "6" },
        { "unrelated label", n => n.Metadata.Labels["node-role.kubernetes.io/worker"] = "" },
        { "unrelated annotation", n => n.Metadata.Annotations = new Dictionary<string, string> { ["node.alpha.kubernetes.io/ttl"] = "0" } },
        { "unrelated taint", n => n.Spec.Taints = [new V1Taint { Key = "node.kubernetes.io/not-ready", Effect = "NoSchedule" }] },
        { "capacity", n => n.Status.Capacity = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("4") } },
        { "images", n => n.Status.Images = [new V1ContainerImage { Names = ["nginx"] }] },
        { "address order", n => n.Status.Addresses = n.Status.Addresses.Reverse().ToList() },
    };

    [Theory]
    [MemberData(nameof(IrrelevantNodeChanges))]
    public void NodeFingerprint_IgnoresHeartbeatsAndChurn(string change, Action<V1Node> mutate)
    {
        ArgumentNullException.ThrowIfNull(mutate);
        var before = Fingerprint.Of(NodeProjection.Project(Objects.Node()));
        var node = Objects.Node();
        mutate(node);

        Assert.True(before == Fingerprint.Of(NodeProjection.Project(node)), change);
    }

    public static TheoryData<string, Action<V1Node>> RelevantNodeChanges => new()
    {
        { "address", n => n.Status.Addresses[0].Address = "10.0.0.99" },
        { "external address", n => n.Status.Addresses.Add(new V1NodeAddress { Type = "ExternalIP", Address = "203.0.113.7" }) },
        { "exclusion label", n => n.Metadata.Labels[WellKnown.ExcludeFromExternalLoadBalancersLabel] = "true" },
        { "exclusion label value", n => n.Metadata.Labels[WellKnown.ExcludeFromExternalLoadBalancersLabel] = "false" },
        { "autoscaler taint", n => n.Spec.Taints = [new V1Taint { Key = WellKnown.ToBeDeletedByClusterAutoscalerTaint, Effect = "NoSchedule" }] },
        { "provider id", n => n.Spec.ProviderID = "sakuracloud://9999" },
        { "deletion", n => n.Metadata.DeletionTimestamp = DateTime.UtcNow },
        { "cordon", n => n.Spec.Unschedulable = true },
        { "host name", n => n.Status.Addresses[1].Address = "renamed" },
        { "zone label", n => n.Metadata.Labels[WellKnown.ZoneLabel] = "is1a" },
        { "region label", n => n.Metadata.Labels[WellKnown.RegionLabel] = "is1" },
        { "instance-type label", n => n.Metadata.Labels[WellKnown.InstanceTypeLabel] = "2core-4gb" },
        { "uninitialized taint", n => n.Spec.Taints = [new V1Taint { Key = WellKnown.UninitializedTaint, Value = "true", Effect = "NoSchedule" }] },
        { "shutdown taint", n => n.Spec.Taints = [new V1Taint { Key = WellKnown.ShutdownTaint, Effect = "NoSchedule" }] },
        { "provided node IP", n => n.Metadata.Annotations = new Dictionary<string, string> { [WellKnown.ProvidedNodeIpAnnotation] = "10.0.0.11" } },
    };

    [Theory]
    [MemberData(nameof(RelevantNodeChanges))]
    public void NodeFingerprint_ChangesWithWhatTheControllerReads(string change, Action<V1Node> mutate)
    {
        ArgumentNullException.ThrowIfNull(mutate);
        var before = Fingerprint.Of(NodeProjection.Project(Objects.Node()));
        var node = Objects.Node();
        mutate(node);

        Assert.False(before == Fingerprint.Of(NodeProjection.Project(node)), change);
    }

    [Fact]
    public void NodeProjection_SendsNeitherReadinessNorForeignLabelsTaintsOrAnnotations()
    {
        var source = Objects.Node(
            ready: false,
            labels: new Dictionary<string, string>
            {
                ["kubernetes.io/hostname"] = "node-1",
                [WellKnown.ExcludeFromExternalLoadBalancersLabel] = "true",
                [WellKnown.ZoneLabel] = "is1a",
            },
            taints: [new V1Taint { Key = WellKnown.UninitializedTaint, Value = "true", Effect = "NoSchedule" }, new V1Taint { Key = "dedicated", Value = "db", Effect = "NoSchedule" }]);
        source.Metadata.Annotations = new Dictionary<string, string> { [WellKnown.ProvidedNodeIpAnnotation] = "10.0.0.11", ["volumes.kubernetes.io/controller-managed-attach-detach"] = "true" };

        var node = NodeProjection.Project(source);

        Assert.Null(node.Ready);
        Assert.Equal(new Dictionary<string, string> { [WellKnown.ExcludeFromExternalLoadBalancersLabel] = "true", [WellKnown.ZoneLabel] = "is1a" }, node.Labels);
        Assert.Equal([WellKnown.UninitializedTaint], node.Taints.Select(t => t.Key));
        Assert.Equal("10.0.0.11", node.ProvidedNodeIp);
        Assert.Equal("sakuracloud://1131", node.ProviderId);
        Assert.Equal([new NodeAddressSnapshot("Hostname", "node-1"), new NodeAddressSnapshot("InternalIP", "10.0.0.11")], node.Addresses);
    }

    [Fact]
    public void Tombstone_KeepsTheLastStateMarkedDeleted()
    {
        var last = ServiceProjection.Project(Objects.Service(lbClass: "k8s.usacloud.jp/sakura"));

        var tombstone = ServiceProjection.Tombstone(last);

        Assert.True(tombstone.Deleted);
        Assert.Equal((last.Uid, last.Name, last.LoadBalancerClass), (tombstone.Uid, tombstone.Name, tombstone.LoadBalancerClass));
        Assert.Empty(EventBatchValidator.Validate(new EventBatch { ClusterId = "c", SentAt = DateTimeOffset.UtcNow, Services = [tombstone] }));
    }
}
