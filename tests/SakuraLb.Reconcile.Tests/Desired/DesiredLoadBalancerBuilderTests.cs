using static SakuraLb.Reconcile.Tests.Fixtures;

namespace SakuraLb.Reconcile.Tests.Desired;

public sealed class DesiredLoadBalancerBuilderTests
{
    [Fact]
    public void Build_Defaults_NameTagsDescriptionRouterAndServers()
    {
        var desired = BuildDesired();

        Assert.Equal("a3f6c1d2e4b5a69788990aabbccddeef", desired.Name);
        Assert.Equal("default/web", desired.Description);
        Assert.Equal(["@k8s", "@k8s.ClusterID=prod-1", "@k8s.Service=web", "@k8s.ServiceUID=" + Uid], desired.Tags);
        Assert.Same(Router, desired.Network);
        Assert.Equal(["203.0.113.104", "203.0.113.105"], desired.RealServers.Select(s => s.Address.ToString()));
        Assert.Equal(1, desired.OwnAddressCount);
    }

    [Fact]
    public void SettingsFor_OneEntryPerPortSameVip_RealServerPortIsServicePort()
    {
        var desired = BuildDesired(Service(Ours(("load-balancer-healthz-interval", "15"), ("load-balancer-sorry-server", "203.0.113.110")), 443, 80));

        var settings = desired.SettingsFor(Ip("203.0.113.101"));

        Assert.Equal([80, 443], settings.Select(s => s.Port));
        Assert.All(settings, s =>
        {
            Assert.Equal(Ip("203.0.113.101"), s.VirtualIPAddress);
            Assert.Equal(15, s.DelayLoopSeconds);
            Assert.Equal(Ip("203.0.113.110"), s.SorryServer);
            Assert.All(s.Servers, r =>
            {
                Assert.Equal(s.Port, r.Port);
                Assert.True(r.Enabled);
                Assert.Equal(HealthCheckSpec.Ping, r.HealthCheck);
            });
        });
    }

    [Fact]
    public void Build_HighAvailability_NeedsTwoOwnAddresses()
    {
        Assert.Equal(2, BuildDesired(Service(Ours(("load-balancer-ha", "true")))).OwnAddressCount);
    }

    [Fact]
    public void Build_NoRouterWithTags_RouterNotFound()
    {
        var result = DesiredLoadBalancerBuilder.Build(Service(Ours(("router-selector", "other"))), Settings, Context());

        Assert.Equal(ReasonCodes.RouterNotFound, Assert.Single(result.Errors).Code);
        Assert.Contains("[@k8s, @k8s.ClusterID=prod-1, other]", result.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_TwoRoutersMatch_AmbiguousUntilSelectorNarrowsIt()
    {
        var second = Router with { Id = 5, Name = "r2", Tags = ["@k8s", "@k8s.ClusterID=prod-1", "blue"], SwitchId = 6 };
        var context = Context() with { Routers = [Router, second] };

        var ambiguous = DesiredLoadBalancerBuilder.Build(Service(), Settings, context);
        var chosen = DesiredLoadBalancerBuilder.Build(Service(Ours(("router-selector", "blue"))), Settings, context);

        Assert.Equal(ReasonCodes.AmbiguousRouter, Assert.Single(ambiguous.Errors).Code);
        Assert.Contains("(r2, k8s-router)", ambiguous.Errors[0].Message, StringComparison.Ordinal);
        Assert.Same(second, chosen.Desired!.Network);
    }

    [Theory]
    [InlineData("203.0.113.99")]
    [InlineData("203.0.113.111")]
    [InlineData("198.51.100.7")]
    public void Build_LoadBalancerIpOutsideRouterRange_IsReported(string ip)
    {
        var result = DesiredLoadBalancerBuilder.Build(Service() with { LoadBalancerIP = ip }, Settings, Context());

        var error = Assert.Single(result.Errors);
        Assert.Equal(ReasonCodes.LoadBalancerIPUnavailable, error.Code);
        Assert.Contains("203.0.113.100–203.0.113.110", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_AnnotationAndRouterProblems_ReportedTogether()
    {
        var result = DesiredLoadBalancerBuilder.Build(Service(Ours(("load-balancer-plan", "x"))), Settings, Context() with { Routers = [] });

        Assert.Equal([ReasonCodes.InvalidAnnotation, ReasonCodes.RouterNotFound], result.Errors.Select(e => e.Code));
        Assert.Null(result.Desired);
    }

    [Fact]
    public void Build_NoNodes_StillBuildsWithWarning()
    {
        var result = DesiredLoadBalancerBuilder.Build(Service(), Settings, Context() with { Nodes = [] });

        Assert.True(result.IsValid);
        Assert.Empty(result.Desired!.RealServers);
        Assert.Equal(ReasonCodes.NoEligibleNodes, Assert.Single(result.Warnings).Code);
    }

    [Fact]
    public void Build_SameInputs_SameOutput()
    {
        var a = BuildDesired(workers: 5);
        var b = BuildDesired(workers: 5);

        Assert.Equal(a.Tags, b.Tags);
        Assert.Equal(a.RealServers, b.RealServers);
        Assert.Equal(a.SettingsFor(Ip("203.0.113.101")).Select(s => s with { Servers = [] }), b.SettingsFor(Ip("203.0.113.101")).Select(s => s with { Servers = [] }));
    }

    [Theory]
    [InlineData("3f6c1d2e-4b5a-6978-8990-aabbccddeeff", "a3f6c1d2e4b5a69788990aabbccddeef")]
    [InlineData("short", "ashort")]
    public void Naming_Name_IsOriginalDefaultLoadBalancerName(string uid, string expected)
    {
        Assert.Equal(expected, LoadBalancerNaming.Name(uid));
    }

    [Fact]
    public void Naming_Tags_CutServiceNameTo18()
    {
        var tags = LoadBalancerNaming.Tags("c", "a-very-long-service-name-indeed", "u");

        Assert.Contains("@k8s.Service=a-very-long-servic", tags);
        Assert.Equal(tags.Order(StringComparer.Ordinal), tags);
    }

    [Fact]
    public void Naming_MergeTags_KeepsForeignTagsAndReplacesOurs()
    {
        var merged = LoadBalancerNaming.MergeTags(["owner=team-a", "@k8s.Service=old", "@k8s"], LoadBalancerNaming.Tags("c", "web", "u"));

        Assert.Equal(["@k8s", "@k8s.ClusterID=c", "@k8s.Service=web", "@k8s.ServiceUID=u", "owner=team-a"], merged);
    }

    [Fact]
    public void Naming_Tags_WithAnOwnerId_CarryTheOwnerTag_WithoutOne_None()
    {
        var owned = LoadBalancerNaming.Tags("c", "web", "u", "0123456789abcdef0123456789abcdef");

        Assert.Contains("@k8s.Owner=0123456789abcdef0123456789abcdef", owned);
        Assert.Equal(["0123456789abcdef0123456789abcdef"], LoadBalancerNaming.OwnerIdsOf(owned));
        Assert.Equal(owned.Order(StringComparer.Ordinal), owned);
        Assert.Empty(LoadBalancerNaming.OwnerIdsOf(LoadBalancerNaming.Tags("c", "web", "u")));
    }

    [Fact]
    public void Naming_MergeTags_ReplacesAnotherOwnersTag_TheServiceClaimsItsLoadBalancer()
    {
        var merged = LoadBalancerNaming.MergeTags(["@k8s", "@k8s.Owner=old", "x"], LoadBalancerNaming.Tags("c", "web", "u", "new"));

        Assert.Equal(["@k8s", "@k8s.ClusterID=c", "@k8s.Owner=new", "@k8s.Service=web", "@k8s.ServiceUID=u", "x"], merged);
    }

    public static TheoryData<string, string[], Ownership> OwnershipCases() => new()
    {
        { "a3f6c1d2e4b5a69788990aabbccddeef", ["@k8s", "@k8s.ClusterID=prod-1", "@k8s.Service=web", "@k8s.ServiceUID=" + Uid], Ownership.Ours },
        { "renamed-by-hand", ["@k8s.ClusterID=prod-1", "@k8s.ServiceUID=" + Uid], Ownership.Ours },
        { "a3f6c1d2e4b5a69788990aabbccddeef", ["@k8s.ClusterID=prod-1"], Ownership.Ours },
        { "a3f6c1d2e4b5a69788990aabbccddeef", ["@k8s", "@k8s.Service=web"], Ownership.Adoptable },
        { "a3f6c1d2e4b5a69788990aabbccddeef", [], Ownership.Adoptable },
        { "a3f6c1d2e4b5a69788990aabbccddeef", ["@k8s", "@k8s.ClusterID=other"], Ownership.Foreign },
        { "a3f6c1d2e4b5a69788990aabbccddeef", ["@k8s.ClusterID=prod-1", "@k8s.ClusterID=other"], Ownership.Foreign },
        { "something-else", ["@k8s.ServiceUID=" + Uid], Ownership.Foreign },
        { "a3f6c1d2e4b5a69788990aabbccddeef", ["@k8s.ClusterID=prod-1", "@k8s.ServiceUID=3f6c1d2e-4b5a-6978-8990-aabbccddeef0"], Ownership.Unrelated },
        { "something-else", ["@k8s.ClusterID=prod-1"], Ownership.Unrelated },
    };

    [Theory]
    [MemberData(nameof(OwnershipCases))]
    public void Ownership_Classify(string name, string[] tags, Ownership expected)
    {
        var lb = new ObservedLoadBalancer { Id = 1, Name = name, Tags = tags };

        Assert.Equal(expected, LoadBalancerOwnership.Classify(lb, ClusterId, Uid));
    }

    [Fact]
    public void ControllerSettings_Validate_ReportsEveryProblem()
    {
        var bad = new ControllerSettings
        {
            ClusterId = "this cluster id is far too long for a tag!",
            LoadBalancerClass = "",
            MaxVipsPerLoadBalancer = 0,
            MaxServersPerVip = 0,
            DefaultHealthCheckIntervalSeconds = 5,
            RouterTags = [],
        };

        Assert.Equal(6, bad.Validate().Count);
        Assert.Empty(Settings.Validate());
    }

    [Fact]
    public void ServiceSnapshot_UsedByBuilder_IsNotModified()
    {
        var service = Service(Ours(("load-balancer-ha", "true")));
        var json = ModelJson.Serialize(service);

        _ = DesiredLoadBalancerBuilder.Build(service, Settings, Context());

        Assert.Equal(json, ModelJson.Serialize(service));
    }
}
