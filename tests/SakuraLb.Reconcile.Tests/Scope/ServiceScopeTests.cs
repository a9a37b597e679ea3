using static SakuraLb.Reconcile.Tests.Fixtures;

namespace SakuraLb.Reconcile.Tests.Scope;

public sealed class ServiceScopeTests
{
    public static TheoryData<string, string?, string?, bool, bool, bool, ServiceIntent> Cases() => new()
    {
        // type, service class, controller class, finalizer, deleting, tombstone → intent
        { "LoadBalancer", null, null, false, false, false, ServiceIntent.Ensure },
        { "LoadBalancer", null, null, true, false, false, ServiceIntent.Ensure },
        { "LoadBalancer", "other.io/lb", null, false, false, false, ServiceIntent.Ignore },
        { "LoadBalancer", "other.io/lb", null, true, true, false, ServiceIntent.Ignore },
        { "LoadBalancer", "sakura.cloud/lb", "sakura.cloud/lb", false, false, false, ServiceIntent.Ensure },
        { "LoadBalancer", null, "sakura.cloud/lb", false, false, false, ServiceIntent.Ignore },
        { "LoadBalancer", null, null, true, true, false, ServiceIntent.Cleanup },
        { "LoadBalancer", null, null, false, true, false, ServiceIntent.Cleanup },
        { "ClusterIP", null, null, true, false, false, ServiceIntent.Cleanup },
        { "NodePort", null, null, true, false, false, ServiceIntent.Cleanup },
        { "ClusterIP", null, null, false, false, false, ServiceIntent.Cleanup },
        { "LoadBalancer", null, null, false, false, true, ServiceIntent.Cleanup },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classify_FollowsUpstreamScope(string type, string? serviceClass, string? controllerClass, bool finalizer, bool deleting, bool tombstone, ServiceIntent expected)
    {
        var service = Service() with
        {
            Type = type,
            LoadBalancerClass = serviceClass,
            Finalizers = finalizer ? [WellKnown.LoadBalancerCleanupFinalizer] : [],
            DeletionTimestamp = deleting ? DateTimeOffset.UnixEpoch : null,
            Deleted = tombstone,
        };

        Assert.Equal(expected, ServiceScope.Classify(service, Settings with { LoadBalancerClass = controllerClass }));
    }

    [Theory]
    [InlineData("ClusterIP", false, true, ServiceIntent.Cleanup)]
    [InlineData("NodePort", false, true, ServiceIntent.Cleanup)]
    [InlineData("LoadBalancer", true, true, ServiceIntent.Cleanup)]
    [InlineData("ClusterIP", false, false, ServiceIntent.Ignore)]
    public void Classify_ClassModeServiceThatLostItsClass_IsCleanedUpOnlyWhenPreviouslyManaged(string type, bool tombstone, bool previouslyManaged, ServiceIntent expected)
    {
        // The API server clears spec.loadBalancerClass when the type leaves LoadBalancer.
        var service = Service() with { Type = type, LoadBalancerClass = null, Deleted = tombstone };

        Assert.Equal(expected, ServiceScope.Classify(service, Settings with { LoadBalancerClass = "sakura.cloud/lb" }, previouslyManaged));
    }

    [Theory]
    [InlineData(false, ServiceIntent.Ignore)]
    [InlineData(true, ServiceIntent.Cleanup)]
    public void Classify_ForeignClass_IsCleanedUpOnlyWhenWeHoldStateForIt(bool previouslyManaged, ServiceIntent expected) =>
        Assert.Equal(
            expected,
            ServiceScope.Classify(Service() with { LoadBalancerClass = "other.io/lb" }, Settings, previouslyManaged));

    [Theory]
    [InlineData("LoadBalancer", false, false, false)]
    [InlineData("LoadBalancer", true, true, true)]
    [InlineData("ClusterIP", true, false, true)]
    [InlineData("ClusterIP", false, false, false)]
    public void NeedsCleanup_OnlyWithFinalizer(string type, bool finalizer, bool deleting, bool expected)
    {
        var service = Service() with
        {
            Type = type,
            Finalizers = finalizer ? [WellKnown.LoadBalancerCleanupFinalizer] : [],
            DeletionTimestamp = deleting ? DateTimeOffset.UnixEpoch : null,
        };

        Assert.Equal(expected, ServiceScope.NeedsCleanup(service, Settings));
    }

    [Fact]
    public void IsRelevant_LoadBalancerOrFinalizer()
    {
        Assert.True(ServiceScope.IsRelevant(Service(), Settings));
        Assert.True(ServiceScope.IsRelevant(Service() with { Type = "ClusterIP" }, Settings));
        Assert.False(ServiceScope.IsRelevant(Service() with { Type = "ClusterIP", Finalizers = [] }, Settings));
        Assert.False(ServiceScope.IsRelevant(Service() with { LoadBalancerClass = "x" }, Settings));
    }

    [Theory]
    [InlineData("ClusterIP", null, true, false, false)]
    [InlineData("ClusterIP", null, true, true, true)]
    [InlineData("ClusterIP", null, false, true, false)]
    [InlineData("ClusterIP", "other.io/lb", true, true, false)]
    [InlineData("LoadBalancer", "sakura.cloud/lb", false, false, true)]
    public void IsRelevant_ClassMode_ClassLessServiceWithFinalizerIsOursOnlyWhenPreviouslyManaged(
        string type, string? serviceClass, bool finalizer, bool previouslyManaged, bool expected)
    {
        // The API server clears spec.loadBalancerClass when the type leaves LoadBalancer, and every
        // controller's cleanup finalizer has the same name: only history tells that the finalizer is ours.
        var service = Service() with
        {
            Type = type,
            LoadBalancerClass = serviceClass,
            Finalizers = finalizer ? [WellKnown.LoadBalancerCleanupFinalizer] : [],
        };

        Assert.Equal(expected, ServiceScope.IsRelevant(service, Settings with { LoadBalancerClass = "sakura.cloud/lb" }, previouslyManaged));
    }

    [Fact]
    public void IsRelevant_DefaultMode_PreviouslyManagedDoesNotWidenTheScope() =>
        Assert.False(ServiceScope.IsRelevant(Service() with { Type = "ClusterIP", Finalizers = [] }, Settings, previouslyManaged: true));

    [Theory]
    [InlineData("LoadBalancer", null, false, false, true)]
    [InlineData("LoadBalancer", null, true, false, false)]
    [InlineData("LoadBalancer", null, false, true, false)]
    [InlineData("LoadBalancer", "other.io/lb", false, false, false)]
    [InlineData("ClusterIP", null, false, false, false)]
    public void NeedsFinalizer_OnlyForAServiceThatWantsALoadBalancerAndLacksIt(
        string type, string? serviceClass, bool finalizer, bool deleting, bool expected)
    {
        var service = Service() with
        {
            Type = type,
            LoadBalancerClass = serviceClass,
            Finalizers = finalizer ? [WellKnown.LoadBalancerCleanupFinalizer] : [],
            DeletionTimestamp = deleting ? DateTimeOffset.UnixEpoch : null,
        };

        Assert.Equal(expected, ServiceScope.NeedsFinalizer(service, Settings));
    }

    public static TheoryData<string, Func<ServiceSnapshot, ServiceSnapshot>, bool> Updates() => new()
    {
        { "resourceVersion only", s => s with { ResourceVersion = "101" }, false },
        { "status ingress only", s => s with { CurrentIngress = ["203.0.113.101"] }, false },
        { "foreign annotation", s => s with { Annotations = new Dictionary<string, string> { ["other.io/x"] = "1" } }, false },
        { "our annotation", s => s with { Annotations = Ours(("load-balancer-ha", "true")) }, true },
        { "port added", s => s with { Ports = [.. s.Ports, new ServicePortSnapshot { Protocol = "TCP", Port = 443 }] }, true },
        { "nodePort changed", s => s with { Ports = [s.Ports[0] with { NodePort = 31111 }] }, true },
        { "loadBalancerIP", s => s with { LoadBalancerIP = "203.0.113.105" }, true },
        { "type changed", s => s with { Type = "ClusterIP" }, true },
        { "traffic policy", s => s with { ExternalTrafficPolicy = "Local" }, true },
        { "deletion", s => s with { DeletionTimestamp = DateTimeOffset.UnixEpoch }, true },
        { "finalizer removed", s => s with { Finalizers = [] }, true },
        { "ip families count", s => s with { IpFamilies = ["IPv4", "IPv6"] }, true },
    };

    [Theory]
    [MemberData(nameof(Updates))]
    public void NeedsUpdate_OnlyForChangesThatMatter(string what, Func<ServiceSnapshot, ServiceSnapshot> change, bool expected)
    {
        var before = Service();

        Assert.True(expected == ServiceScope.NeedsUpdate(before, change(before), Settings), what);
    }

    [Fact]
    public void NeedsUpdate_IrrelevantBeforeAndAfter_IsFalse()
    {
        var before = Service() with { Type = "ClusterIP", Finalizers = [] };

        Assert.False(ServiceScope.NeedsUpdate(before, before with { Ports = [] }, Settings));
        Assert.True(ServiceScope.NeedsUpdate(null, Service(), Settings));
    }
}
