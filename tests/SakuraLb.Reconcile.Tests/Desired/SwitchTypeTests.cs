using static SakuraLb.Reconcile.Tests.Fixtures;

namespace SakuraLb.Reconcile.Tests.Desired;

/// <summary>load-balancer-type switch: the Service's ranges, the plain switch, and the nodes' NICs on it.</summary>
public sealed class SwitchTypeTests
{
    private static SpecResult Parse(IReadOnlyDictionary<string, string> annotations, string? loadBalancerIp = null) =>
        LoadBalancerSpecParser.Parse(Service(annotations) with { LoadBalancerIP = loadBalancerIp }, Settings);

    private static List<string> Codes(IEnumerable<ValidationProblem> problems) => [.. problems.Select(p => p.Code)];

    [Fact]
    public void Parse_OriginalExample_SwitchTypeWithItsRanges()
    {
        var spec = Parse(OnSwitch()).Spec!;

        Assert.Equal(LoadBalancerType.Switch, spec.Network.Type);
        Assert.Equal(["@k8s", "@k8s.ClusterID=prod-1"], spec.Network.Tags);
        Assert.Equal(new SwitchRanges(new(Ip("10.240.0.0"), 16), new(Ip("10.240.100.0"), 24), Ip("10.240.0.1")), spec.Network.Ranges);
        Assert.Equal(new Ipv4Range(Ip("10.240.100.1"), Ip("10.240.100.254")), spec.Network.Ranges!.PoolRange);
    }

    [Fact]
    public void Parse_SwitchSelectorAndAnyCase_AddTheTagToTheControllersSwitchTags()
    {
        var settings = Settings with { SwitchTags = ["@k8s", "@k8s.private"] };

        var spec = LoadBalancerSpecParser.Parse(Service(OnSwitch(("load-balancer-type", "Switch"), ("switch-selector", "blue"))), settings).Spec!;

        Assert.Equal(["@k8s", "@k8s.ClusterID=prod-1", "@k8s.private", "blue"], spec.Network.Tags);
    }

    [Fact]
    public void Parse_WithoutGateway_HasNone()
    {
        var annotations = OnSwitch();
        annotations.Remove(WellKnown.AnnotationPrefix + "load-balancer-assign-default-gateway");

        Assert.Null(Parse(annotations).Spec!.Network.Ranges!.Gateway);
    }

    [Fact]
    public void Parse_SwitchTypeWithoutRanges_NamesBothRequiredKeys()
    {
        var result = Parse(Ours(("load-balancer-type", "switch")));

        Assert.Equal([ReasonCodes.InvalidAnnotation, ReasonCodes.InvalidAnnotation], Codes(result.Errors));
        Assert.Equal(["k8s.usacloud.jp/load-balancer-ip-range", "k8s.usacloud.jp/load-balancer-assign-ip-range"], result.Errors.Select(e => e.Field));
        Assert.All(result.Errors, e => Assert.Contains("is required", e.Message, StringComparison.Ordinal));
        Assert.Equal(LoadBalancerType.Switch, result.Network!.Type);
        Assert.Null(result.Network.Ranges);
    }

    [Fact]
    public void Parse_EveryRangeProblem_IsReportedAtOnce()
    {
        var result = Parse(
            OnSwitch(("load-balancer-assign-ip-range", "10.241.0.0/24"), ("load-balancer-assign-default-gateway", "192.168.0.1"), ("load-balancer-plan", "gold")),
            loadBalancerIp: "10.240.100.7");

        Assert.Equal(
            [ReasonCodes.InvalidAnnotation, ReasonCodes.InvalidAnnotation, ReasonCodes.LoadBalancerIPUnavailable, ReasonCodes.InvalidAnnotation],
            Codes(result.Errors));
        Assert.Contains("10.241.0.0/24 is not inside", result.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("192.168.0.1 is not a host address", result.Errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("10.240.100.7 is not in the pool", result.Errors[2].Message, StringComparison.Ordinal);
        Assert.Contains("load-balancer-plan", result.Errors[3].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.240.100.0/30", false, null)]
    [InlineData("10.240.100.0/30", true, "has 2 usable addresses")]
    [InlineData("10.240.100.0/31", false, null)]
    [InlineData("10.240.100.0/32", false, "has 1 usable addresses")]
    [InlineData("10.240.100.0/29", true, null)]
    [InlineData("10.240.0.0/30", false, "has 1 usable addresses")]
    public void Parse_PoolSize_MustHoldOwnAddressesAndTheVip(string pool, bool ha, string? problem)
    {
        // 10.240.0.0/30 inside 10.240.0.0/16: .1 and .2 are its hosts, and .1 is the gateway.
        var result = Parse(OnSwitch(("load-balancer-assign-ip-range", pool), ("load-balancer-ha", ha ? "true" : "false")));

        if (problem is null)
        {
            Assert.True(result.IsValid, string.Join("; ", result.Errors));
        }
        else
        {
            Assert.Contains(problem, Assert.Single(result.Errors).Message, StringComparison.Ordinal);
            Assert.Contains(ha ? "an HA pair needs 3" : "a single load balancer needs 2", result.Errors[0].Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("load-balancer-ip-range", "10.240.0.5/16", "such as 10.240.0.0/16")]
    [InlineData("load-balancer-ip-range", "10.240.0.0/30", "prefix length 8–29")]
    [InlineData("load-balancer-ip-range", "10.240.0.0", "prefix length 8–29")]
    [InlineData("load-balancer-assign-ip-range", "10.240.100.1/24", "such as 10.240.100.0/24")]
    [InlineData("load-balancer-assign-ip-range", "any", "prefix length 8–32")]
    [InlineData("load-balancer-assign-default-gateway", "10.240.0.256", "an IPv4 address")]
    [InlineData("load-balancer-assign-default-gateway", "10.240.0.0", "not a host address")]
    [InlineData("load-balancer-assign-default-gateway", "10.240.255.255", "not a host address")]
    [InlineData("load-balancer-assign-ip-range", "10.0.0.0/8", "is not inside")]
    public void Parse_BadRangeValue_IsNamed(string key, string value, string message)
    {
        var result = Parse(OnSwitch((key, value)));

        var error = Assert.Single(result.Errors);
        Assert.Equal(WellKnown.AnnotationPrefix + key, error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.240.100.1", true)]
    [InlineData("10.240.100.254", true)]
    [InlineData("10.240.100.0", false)]
    [InlineData("10.240.100.255", false)]
    [InlineData("10.240.101.1", false)]
    public void Parse_RequestedVip_MustBeInThePool(string vip, bool valid)
    {
        // The original's with-switch-loadBalancerIP.yaml asked for 10.240.101.1 with the pool 10.240.100.0/24.
        var result = Parse(OnSwitch(), loadBalancerIp: vip);

        Assert.Equal(valid, result.IsValid);
        if (!valid)
        {
            Assert.Equal(ReasonCodes.LoadBalancerIPUnavailable, Assert.Single(result.Errors).Code);
        }
    }

    [Fact]
    public void Parse_GatewayInsideThePool_IsNeverTheVip()
    {
        var result = Parse(OnSwitch(("load-balancer-assign-default-gateway", "10.240.100.1")), loadBalancerIp: "10.240.100.1");

        Assert.Equal(ReasonCodes.LoadBalancerIPUnavailable, Assert.Single(result.Errors).Code);
        Assert.Contains("other than the gateway 10.240.100.1", result.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SwitchKeysOnAnInternetService_AreErrors()
    {
        // Without the type the Service would get a global VIP: a private workload must not be exposed by a forgotten key.
        var annotations = OnSwitch(("switch-selector", "blue"));
        annotations.Remove(WellKnown.AnnotationPrefix + "load-balancer-type");

        var result = Parse(annotations);

        Assert.Equal(4, result.Errors.Count);
        Assert.All(result.Errors, e => Assert.Equal(ReasonCodes.InvalidAnnotation, e.Code));
        Assert.All(result.Errors, e => Assert.Contains("used only by k8s.usacloud.jp/load-balancer-type: \"switch\"", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_BlankSwitchKeysOnAnInternetService_OrABlankRouterSelectorOnASwitchService_AreNotSet()
    {
        // A blank value means not set, as in the original: nothing to report on either kind.
        var internet = Ours(("switch-selector", ""), ("load-balancer-ip-range", " "), ("load-balancer-assign-ip-range", ""), ("load-balancer-assign-default-gateway", ""));
        var onSwitch = OnSwitch(("router-selector", ""));

        Assert.Empty(Parse(internet).Errors);
        Assert.Empty(Parse(onSwitch).Errors);
    }

    [Fact]
    public void Parse_RouterSelectorOnASwitchService_IsAnError()
    {
        var result = Parse(OnSwitch(("router-selector", "blue")));

        Assert.Equal("k8s.usacloud.jp/router-selector", Assert.Single(result.Errors).Field);
    }

    [Fact]
    public void Parse_UnknownType_IsOneErrorAndTheSwitchKeysAreNotJudged()
    {
        var result = Parse(OnSwitch(("load-balancer-type", "private")));

        var error = Assert.Single(result.Errors);
        Assert.Equal(ReasonCodes.InvalidAnnotation, error.Code);
        Assert.Contains("\"internet\" or \"switch\"", error.Message, StringComparison.Ordinal);
        Assert.Null(result.Network);
    }

    [Fact]
    public void Parse_TypeProblems_ComeFirst()
    {
        var result = Parse(Ours(("load-balancer-plan", "gold"), ("load-balancer-type", "switch")));

        Assert.Equal("k8s.usacloud.jp/load-balancer-ip-range", result.Errors[0].Field);
        Assert.Equal("k8s.usacloud.jp/load-balancer-plan", result.Errors[^1].Field);
    }

    [Fact]
    public void Build_OnThePlainSwitch_NetworkFromTheRangesAndWorkersPrivateAddresses()
    {
        var desired = BuildOnSwitch(workers: 3);

        var network = Assert.IsType<SwitchNetwork>(desired.Network);
        Assert.Equal((PrivateSwitchId, "k8s-private"), (network.SwitchId, network.Name));
        Assert.Equal((new Ipv4Block(Ip("10.240.0.0"), 16), Ip("10.240.0.1")), (network.Block, network.Gateway));
        Assert.Equal(new Ipv4Range(Ip("10.240.100.1"), Ip("10.240.100.254")), network.AssignableRange);
        Assert.Equal(
            [("worker01", "10.240.0.11"), ("worker02", "10.240.0.12"), ("worker03", "10.240.0.13")],
            desired.RealServers.Select(s => (s.NodeName, s.Address.ToString())));
    }

    [Fact]
    public void Build_NodeWithoutANicOnTheSwitch_IsReportedAndNotARealServer()
    {
        var context = SwitchContext(3);
        context = context with { Servers = [.. context.Servers.Where(s => s.Name != "worker02")] };

        var result = DesiredLoadBalancerBuilder.Build(Service(OnSwitch()), Settings, context);

        Assert.Equal(["10.240.0.11", "10.240.0.13"], result.Desired!.RealServers.Select(s => s.Address.ToString()));
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(ReasonCodes.NodeNotOnSwitch, warning.Code);
        Assert.Contains("no NIC on switch k8s-private", warning.Message, StringComparison.Ordinal);
        Assert.EndsWith("(1): worker02", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_AddressOnAnotherNetwork_IsNotUsed()
    {
        // A node's router address cannot receive DSR traffic from the plain switch.
        var context = SwitchContext(1);
        var server = context.Servers[0] with { Nics = [new CloudServerNic { SwitchId = PrivateSwitchId, UserIPAddress = "192.168.0.5" }, .. context.Servers[0].Nics.Take(1)] };

        var result = DesiredLoadBalancerBuilder.Build(Service(OnSwitch()), Settings, context with { Servers = [server] });

        Assert.Empty(result.Desired!.RealServers);
        Assert.Equal([ReasonCodes.NodeWithoutAddress, ReasonCodes.NoEligibleNodes], Codes(result.Warnings));
        Assert.Contains("without an address in 10.240.0.0/16 on switch k8s-private", result.Warnings[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NoPlainSwitchWithTheTags_SwitchNotFoundWithTheRangeProblems()
    {
        var result = DesiredLoadBalancerBuilder.Build(
            Service(OnSwitch(("switch-selector", "blue"), ("load-balancer-assign-default-gateway", "10.1.0.1"))), Settings, SwitchContext());

        Assert.Equal([ReasonCodes.InvalidAnnotation, ReasonCodes.SwitchNotFound], Codes(result.Errors));
        Assert.Contains("no plain switch carries all of the tags [@k8s, @k8s.ClusterID=prod-1, blue]", result.Errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_TwoSwitchesMatch_AmbiguousUntilTheSelectorNarrowsIt()
    {
        var blue = new PlainSwitch(7, "k8s-private-blue", ["@k8s", "@k8s.ClusterID=prod-1", "blue"]);
        var context = SwitchContext() with { Switches = [PrivateSwitch, blue] };

        var ambiguous = DesiredLoadBalancerBuilder.Build(Service(OnSwitch()), Settings, context);
        var chosen = DesiredLoadBalancerBuilder.Build(Service(OnSwitch(("switch-selector", "blue"))), Settings, context);

        Assert.Equal(ReasonCodes.AmbiguousSwitch, Assert.Single(ambiguous.Errors).Code);
        Assert.Contains("(k8s-private-blue, k8s-private)", ambiguous.Errors[0].Message, StringComparison.Ordinal);
        Assert.Equal(7, chosen.Desired!.Network.SwitchId);
    }

    [Fact]
    public void Build_SwitchService_NeverLandsOnTheRouter()
    {
        var result = DesiredLoadBalancerBuilder.Build(Service(OnSwitch()), Settings, SwitchContext() with { Switches = [] });

        Assert.Equal(ReasonCodes.SwitchNotFound, Assert.Single(result.Errors).Code);
    }

    [Fact]
    public void Build_InternetService_IgnoresPlainSwitches()
    {
        var desired = DesiredLoadBalancerBuilder.Build(Service(), Settings, SwitchContext()).Desired!;

        Assert.Same(Router, desired.Network);
        Assert.Equal(["203.0.113.104", "203.0.113.105"], desired.RealServers.Select(s => s.Address.ToString()));
    }

    [Fact]
    public void SwitchNetwork_ReservedAndCandidates_FollowTheRanges()
    {
        var network = new SwitchRanges(new(Ip("10.240.0.0"), 16), new(Ip("10.240.0.0"), 29), Ip("10.240.0.1")).On(PrivateSwitch);

        Assert.Equal(["10.240.0.2", "10.240.0.3", "10.240.0.4", "10.240.0.5", "10.240.0.6"], network.CandidateAddresses().Select(a => a.ToString()));
        Assert.Equal(5, network.CandidateCount());
        Assert.True(network.IsReserved(Ip("10.240.255.255")));
        Assert.Equal(16_777_214, new SwitchRanges(new(Ip("10.0.0.0"), 8), new(Ip("10.0.0.0"), 8), null).On(PrivateSwitch).CandidateCount());
    }
}
