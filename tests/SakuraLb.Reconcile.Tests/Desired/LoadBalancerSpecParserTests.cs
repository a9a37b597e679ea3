using CsCheck;
using SakuraLb.Reconcile.Annotations;
using static SakuraLb.Reconcile.Tests.Fixtures;

namespace SakuraLb.Reconcile.Tests.Desired;

public sealed class LoadBalancerSpecParserTests
{
    private static SpecResult Parse(params (string Name, string Value)[] annotations) =>
        LoadBalancerSpecParser.Parse(Service(Ours(annotations)), Settings);

    [Fact]
    public void Parse_NoAnnotations_UsesControllerDefaults()
    {
        var spec = Parse().Spec!;

        Assert.Equal(LoadBalancerPlan.Standard, spec.Plan);
        Assert.False(spec.HighAvailability);
        Assert.False(spec.RecreateAllowed);
        Assert.Equal(10, spec.HealthCheckIntervalSeconds);
        Assert.Equal(HealthCheckSpec.Ping, spec.HealthCheck);
        Assert.Equal([80], spec.Ports);
        Assert.Null(spec.RequestedVip);
        Assert.Equal(LoadBalancerType.Internet, spec.Network.Type);
        Assert.Equal(["@k8s", "@k8s.ClusterID=prod-1"], spec.Network.Tags);
    }

    [Fact]
    public void Parse_ControllerDefaults_AreOverridable()
    {
        var settings = Settings with { DefaultPlan = LoadBalancerPlan.Premium, DefaultHighAvailability = true, DefaultHealthCheckIntervalSeconds = 20 };

        var spec = LoadBalancerSpecParser.Parse(Service(), settings).Spec!;

        Assert.Equal(LoadBalancerPlan.Premium, spec.Plan);
        Assert.True(spec.HighAvailability);
        Assert.Equal(20, spec.HealthCheckIntervalSeconds);
    }

    [Theory]
    [InlineData(null, 30, 30)]
    [InlineData(null, 0, 0)]
    [InlineData("0", 30, 0)]
    [InlineData("5", 30, 5)]
    [InlineData("3600", 0, 3600)]
    public void Parse_DrainSeconds_AnnotationOverridesTheControllerDefault(string? value, int controllerDefault, int expected)
    {
        var annotations = value is null ? null : new Dictionary<string, string> { [LoadBalancerAnnotations.DrainSeconds.Key] = value };

        var spec = LoadBalancerSpecParser.Parse(Service(annotations), Settings with { DefaultDrainSeconds = controllerDefault }).Spec!;

        Assert.Equal(TimeSpan.FromSeconds(expected), spec.DrainPeriod);
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(3600, true)]
    [InlineData(3601, false)]
    public void Settings_DefaultDrainSeconds_IsValidatedAtStartUp(int seconds, bool valid)
    {
        var problems = (Settings with { DefaultDrainSeconds = seconds }).Validate();

        Assert.Equal(valid, !problems.Any(p => p.Contains("DefaultDrainSeconds", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("TRUE", true)]
    [InlineData("1", true)]
    [InlineData("t", true)]
    [InlineData(" true ", true)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    [InlineData("0", false)]
    [InlineData("f", false)]
    public void Parse_HighAvailability_FalseMeansFalse(string value, bool expected)
    {
        Assert.Equal(expected, Parse(("load-balancer-ha", value)).Spec!.HighAvailability);
    }

    [Theory]
    [InlineData("standard", LoadBalancerPlan.Standard)]
    [InlineData("Standard", LoadBalancerPlan.Standard)]
    [InlineData("premium", LoadBalancerPlan.Premium)]
    [InlineData("PREMIUM", LoadBalancerPlan.Premium)]
    public void Parse_Plan_Accepted(string value, LoadBalancerPlan expected)
    {
        Assert.Equal(expected, Parse(("load-balancer-plan", value)).Spec!.Plan);
    }

    [Theory]
    [InlineData("10", 10)]
    [InlineData("30", 30)]
    [InlineData("2147483647", int.MaxValue)]
    public void Parse_Interval_IsHonoured(string value, int expected)
    {
        Assert.Equal(expected, Parse(("load-balancer-healthz-interval", value)).Spec!.HealthCheckIntervalSeconds);
    }

    [Theory]
    [InlineData("load-balancer-ha", "yes", "\"true\" or \"false\"")]
    [InlineData("load-balancer-recreate-allowed", "sure", "\"true\" or \"false\"")]
    [InlineData("load-balancer-plan", "gold", "\"standard\" or \"premium\"")]
    [InlineData("load-balancer-healthz-interval", "9", "at least 10")]
    [InlineData("load-balancer-healthz-interval", "0", "at least 10")]
    [InlineData("load-balancer-healthz-interval", "-10", "at least 10")]
    [InlineData("load-balancer-healthz-interval", "10s", "at least 10")]
    [InlineData("load-balancer-healthz-interval", "99999999999", "at least 10")]
    [InlineData("load-balancer-healthz-protocol", "udp", "\"ping\", \"tcp\", \"http\" or \"https\"")]
    [InlineData("load-balancer-healthz-protocol", "1", "\"ping\", \"tcp\", \"http\" or \"https\"")]
    [InlineData("load-balancer-healthz-path", "healthz", "absolute path")]
    [InlineData("load-balancer-healthz-path", "/a b", "absolute path")]
    [InlineData("load-balancer-healthz-status", "99", "from 100 to 599")]
    [InlineData("load-balancer-healthz-status", "600", "from 100 to 599")]
    [InlineData("load-balancer-healthz-retry", "0", "from 1 to 5")]
    [InlineData("load-balancer-healthz-retry", "6", "from 1 to 5")]
    [InlineData("load-balancer-healthz-connect-timeout", "31", "from 1 to 30")]
    [InlineData("load-balancer-sorry-server", "sorry.example.com", "IPv4 address")]
    [InlineData("router-selector", "tag\u0001", "Sakura tag of at most")]
    [InlineData("load-balancer-type", "global", "\"internet\"")]
    [InlineData("load-balancer-drain-seconds", "-1", "from 0 to 3600")]
    [InlineData("load-balancer-drain-seconds", "3601", "from 0 to 3600")]
    [InlineData("load-balancer-drain-seconds", "30s", "from 0 to 3600")]
    public void Parse_InvalidValue_ReportsKeyValueAndAcceptedValues(string name, string value, string accepted)
    {
        var result = Parse((name, value));

        Assert.Null(result.Spec);
        var error = Assert.Single(result.Errors);
        Assert.Equal(ReasonCodes.InvalidAnnotation, error.Code);
        Assert.Equal(WellKnown.AnnotationPrefix + name, error.Field);
        Assert.Contains(WellKnown.AnnotationPrefix + name, error.Message, StringComparison.Ordinal);
        Assert.Contains(accepted, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EmptyOrBlankValue_OfEveryKey_MeansNotSet_AsInTheOriginal()
    {
        var blank = LoadBalancerSpecParser.Parse(Service(), Settings);
        foreach (var key in LoadBalancerAnnotations.All.Except(LoadBalancerAnnotations.SwitchTypeOnly))
        {
            foreach (var value in new[] { "", "  " })
            {
                var result = LoadBalancerSpecParser.Parse(Service(Ours((key.Name, value))), Settings);

                Assert.True(result.IsValid, $"{key.Key}: \"{value}\" gave {string.Join("; ", result.Errors.Select(e => e.Message))}");
                Assert.Equivalent(blank.Spec, result.Spec, strict: true);
            }
        }
    }

    [Fact]
    public void Parse_SeveralProblems_AreAllReportedAtOnce()
    {
        var service = Service(
            Ours(("load-balancer-plan", "gold"), ("load-balancer-healthz-interval", "5"), ("load-balancer-ha", "maybe")),
            80, 80) with
        {
            Ports =
            [
                new ServicePortSnapshot { Protocol = "TCP", Port = 80 },
                new ServicePortSnapshot { Protocol = "TCP", Port = 80 },
                new ServicePortSnapshot { Name = "dns", Protocol = "UDP", Port = 53 },
            ],
            LoadBalancerIP = "not-an-ip",
        };

        var result = LoadBalancerSpecParser.Parse(service, Settings);

        Assert.Null(result.Spec);
        Assert.Equal(
            [ReasonCodes.InvalidAnnotation, ReasonCodes.InvalidAnnotation, ReasonCodes.InvalidAnnotation, ReasonCodes.InvalidLoadBalancerIP, ReasonCodes.UnsupportedProtocol, ReasonCodes.DuplicatePort],
            result.Errors.Select(e => e.Code).ToList());
    }

    [Theory]
    [InlineData("UDP")]
    [InlineData("SCTP")]
    public void Parse_NonTcpPort_IsRejectedNotSkipped(string protocol)
    {
        var service = Service() with
        {
            Ports = [new ServicePortSnapshot { Protocol = "TCP", Port = 80 }, new ServicePortSnapshot { Name = "x", Protocol = protocol, Port = 8125 }],
        };

        var error = Assert.Single(LoadBalancerSpecParser.Parse(service, Settings).Errors);

        Assert.Equal(ReasonCodes.UnsupportedProtocol, error.Code);
        Assert.Contains($"x 8125/{protocol}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MorePortsThanVipEntries_IsRejectedWithTheLimit()
    {
        var service = Service(null, [.. Enumerable.Range(8000, 11)]);

        var error = Assert.Single(LoadBalancerSpecParser.Parse(service, Settings).Errors);

        Assert.Equal(ReasonCodes.TooManyPorts, error.Code);
        Assert.Contains("11 ports", error.Message, StringComparison.Ordinal);
        Assert.Contains("at most 10", error.Message, StringComparison.Ordinal);
        Assert.True(LoadBalancerSpecParser.Parse(service, Settings with { MaxVipsPerLoadBalancer = 20 }).IsValid);
    }

    [Fact]
    public void Parse_NoPorts_IsRejected()
    {
        Assert.Equal(ReasonCodes.NoPorts, Assert.Single(LoadBalancerSpecParser.Parse(Service() with { Ports = [] }, Settings).Errors).Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    public void Parse_PortOutOfRange_IsRejected(int port)
    {
        var service = Service() with { Ports = [new ServicePortSnapshot { Protocol = "TCP", Port = port }] };

        Assert.Equal(ReasonCodes.InvalidPort, Assert.Single(LoadBalancerSpecParser.Parse(service, Settings).Errors).Code);
    }

    [Fact]
    public void Parse_Ports_AreSortedAndNodePortsIgnored()
    {
        var service = Service() with
        {
            Ports = [new ServicePortSnapshot { Protocol = "TCP", Port = 443, NodePort = 0 }, new ServicePortSnapshot { Protocol = "tcp", Port = 80 }],
            AllocateLoadBalancerNodePorts = false,
        };

        Assert.Equal([80, 443], LoadBalancerSpecParser.Parse(service, Settings).Spec!.Ports);
    }

    [Theory]
    [InlineData("203.0.113.105", null, "203.0.113.105")]
    [InlineData(null, "203.0.113.106", "203.0.113.106")]
    [InlineData("203.0.113.107", "203.0.113.107", "203.0.113.107")]
    [InlineData("", null, null)]
    public void Parse_RequestedVip_FromSpecOrAnnotation(string? specIp, string? annotation, string? expected)
    {
        var service = Service(annotation is null ? null : Ours(("load-balancer-ip", annotation))) with { LoadBalancerIP = specIp };

        var spec = LoadBalancerSpecParser.Parse(service, Settings).Spec!;

        Assert.Equal(expected is null ? null : Ip(expected), spec.RequestedVip);
    }

    [Fact]
    public void Parse_SpecAndAnnotationIpDiffer_IsConflict()
    {
        var service = Service(Ours(("load-balancer-ip", "203.0.113.106"))) with { LoadBalancerIP = "203.0.113.105" };

        Assert.Equal(ReasonCodes.ConflictingLoadBalancerIP, Assert.Single(LoadBalancerSpecParser.Parse(service, Settings).Errors).Code);
    }

    [Theory]
    [InlineData("http", null, null, "/", 200)]
    [InlineData("https", "/healthz", "204", "/healthz", 204)]
    [InlineData("HTTP", "/", "200", "/", 200)]
    public void Parse_HttpCheck_HasPathAndStatus(string protocol, string? path, string? status, string expectedPath, int expectedStatus)
    {
        var pairs = new List<(string, string)> { ("load-balancer-healthz-protocol", protocol) };
        if (path is not null)
        {
            pairs.Add(("load-balancer-healthz-path", path));
        }

        if (status is not null)
        {
            pairs.Add(("load-balancer-healthz-status", status));
        }

        var check = Parse([.. pairs]).Spec!.HealthCheck;

        Assert.True(check.IsHttp);
        Assert.Equal(expectedPath, check.Path);
        Assert.Equal(expectedStatus, check.Status);
    }

    [Fact]
    public void Parse_RetryAndTimeout_AreCarried()
    {
        var check = Parse(("load-balancer-healthz-protocol", "tcp"), ("load-balancer-healthz-retry", "3"), ("load-balancer-healthz-connect-timeout", "5")).Spec!.HealthCheck;

        Assert.Equal(new HealthCheckSpec(HealthCheckProtocol.Tcp, null, null, 3, 5), check);
    }

    [Fact]
    public void Parse_PathWithPing_IsIgnoredWithWarning()
    {
        var result = Parse(("load-balancer-healthz-path", "/healthz"), ("load-balancer-healthz-status", "200"));

        Assert.Equal(HealthCheckSpec.Ping, result.Spec!.HealthCheck);
        Assert.Equal([ReasonCodes.HealthCheckSettingIgnored, ReasonCodes.HealthCheckSettingIgnored], result.Warnings.Select(w => w.Code).ToList());
    }

    [Theory]
    [InlineData("Local", "ping", ReasonCodes.LocalTrafficPolicyUnchecked)]
    [InlineData("Local", "tcp", ReasonCodes.HealthCheckProbesNodeAddress)]
    [InlineData("Cluster", "http", ReasonCodes.HealthCheckProbesNodeAddress)]
    public void Parse_TrafficPolicyAndCheck_WarnsAboutTheTradeOff(string policy, string protocol, string warning)
    {
        var service = Service(Ours(("load-balancer-healthz-protocol", protocol))) with { ExternalTrafficPolicy = policy };

        var result = LoadBalancerSpecParser.Parse(service, Settings);

        Assert.True(result.IsValid);
        Assert.Equal(warning, Assert.Single(result.Warnings).Code);
    }

    [Fact]
    public void Parse_ClusterPolicyWithPing_HasNoWarning()
    {
        Assert.Empty(LoadBalancerSpecParser.Parse(Service() with { ExternalTrafficPolicy = "Cluster" }, Settings).Warnings);
    }

    [Fact]
    public void Parse_InternetType_IsAccepted()
    {
        Assert.True(Parse(("load-balancer-type", "Internet")).IsValid);
    }

    [Fact]
    public void Parse_RouterSelector_AddsToControllerTags()
    {
        Assert.Equal(["@k8s", "@k8s.ClusterID=prod-1", "k8s-prod"], Parse(("router-selector", "k8s-prod")).Spec!.Network.Tags);
    }

    [Fact]
    public void Parse_UnknownKeyWithOurPrefix_WarnsWithSuggestion()
    {
        var result = Parse(("load-balancer-hа", "true"), ("load-balancer-healthz-intervall", "20"), ("totally-unknown", "x"));

        Assert.True(result.IsValid);
        Assert.Equal(3, result.Warnings.Count);
        Assert.All(result.Warnings, w => Assert.Equal(ReasonCodes.UnknownAnnotation, w.Code));
        Assert.Contains(result.Warnings, w => w.Message.Contains("did you mean k8s.usacloud.jp/load-balancer-healthz-interval?", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_ForeignAnnotations_AreIgnoredSilently()
    {
        var service = Service(new Dictionary<string, string> { ["metallb.io/address-pool"] = "x", ["kubectl.kubernetes.io/last-applied-configuration"] = "{}" });

        var result = LoadBalancerSpecParser.Parse(service, Settings);

        Assert.True(result.IsValid);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Parse_Ipv6Only_IsRejected()
    {
        Assert.Equal(ReasonCodes.UnsupportedIpFamily, Assert.Single(LoadBalancerSpecParser.Parse(Service() with { IpFamilies = ["IPv6"] }, Settings).Errors).Code);
        Assert.True(LoadBalancerSpecParser.Parse(Service() with { IpFamilies = ["IPv6", "IPv4"] }, Settings).IsValid);
    }

    private static readonly Gen<string> ValueGen = Gen.OneOf(
        Gen.String,
        Gen.Const("true"), Gen.Const("false"), Gen.Const("premium"), Gen.Const("http"), Gen.Const("/x"),
        Gen.Int[-100, 1000].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Const("203.0.113.105"), Gen.Const("999.1.1.1"), Gen.Const(""));

    private static readonly Gen<string> KeyGen = Gen.OneOf(
        Gen.OneOf([.. LoadBalancerAnnotations.All.Select(a => a.Key)]),
        Gen.String.Select(s => WellKnown.AnnotationPrefix + s),
        Gen.String);

    private static readonly Gen<ServiceSnapshot> ServiceGen =
        from annotations in Gen.Dictionary(KeyGen, ValueGen)[0, 12]
        from ports in Gen.Select(Gen.Int[-1, 70000], Gen.OneOf("TCP", "UDP", "SCTP", "tcp", null!)).Array[0, 14]
        from lbIp in Gen.OneOf(Gen.Const((string?)null), Gen.Const((string?)"203.0.113.105"), Gen.String.Select(s => (string?)s))
        from policy in Gen.OneOf<string?>(null, "Local", "Cluster", "weird")
        from families in Gen.OneOf<IReadOnlyList<string>?>(null, ["IPv4"], ["IPv6"], [])
        select Service(annotations) with
        {
            Ports = [.. ports.Select(p => new ServicePortSnapshot { Port = p.Item1, Protocol = p.Item2 })],
            LoadBalancerIP = lbIp,
            ExternalTrafficPolicy = policy,
            IpFamilies = families,
        };

    [Fact]
    public void Parse_Property_TotalAndDeterministic()
    {
        ServiceGen.Sample(service =>
        {
            var first = LoadBalancerSpecParser.Parse(service, Settings);
            var second = LoadBalancerSpecParser.Parse(service, Settings);
            var specOrErrors = (first.Spec is null) == (first.Errors.Count > 0);
            var same = first.Errors.SequenceEqual(second.Errors)
                && first.Warnings.SequenceEqual(second.Warnings)
                && (first.Spec is null
                    ? second.Spec is null
                    : second.Spec is not null && first.Spec.Ports.SequenceEqual(second.Spec.Ports) && first.Spec with { Ports = second.Spec.Ports, Network = second.Spec.Network, CurrentIngress = second.Spec.CurrentIngress } == second.Spec);
            var messagesUsable = first.Errors.Concat(first.Warnings).All(p => !string.IsNullOrWhiteSpace(p.Message) && ReasonCodes.Find(p.Code) is not null);
            return specOrErrors && same && messagesUsable;
        }, iter: 3000);
    }

    [Fact]
    public void Build_Property_TotalForAnyServiceAndContext()
    {
        ServiceGen.Sample(service =>
        {
            var result = DesiredLoadBalancerBuilder.Build(service, Settings, Context(3));
            return (result.Desired is null) == (result.Errors.Count > 0);
        }, iter: 1000);
    }
}
