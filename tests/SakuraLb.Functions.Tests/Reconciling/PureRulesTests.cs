using System.Text.Json;
using SakuraLb.Functions.Activities;
using SakuraLb.Functions.Reconciling;
using SakuraLb.Functions.Resync;
using SakuraLb.Functions.Storage;
using SakuraLb.Functions.Telemetry;
using SakuraLb.Functions.Tests.Infrastructure;
using SakuraLb.Model;
using SakuraLb.Reconcile;
using SakuraLb.Reconcile.Addressing;
using SakuraLb.Reconcile.Desired;
using SakuraLb.Reconcile.Observed;
using SakuraLb.Reconcile.Planning;
using SakuraLb.Reconcile.Scope;

namespace SakuraLb.Functions.Tests.Reconciling;

public sealed class NodeFingerprintTests
{
    private static NodeSetSnapshot Set(params NodeSnapshot[] nodes) => new() { ResourceVersion = "1", Nodes = nodes };

    [Fact]
    public void Eligible_OrderAndReadinessAndResourceVersions_DoNotMatter()
    {
        var a = Snapshots.Node("a", "10.0.0.1");
        var b = Snapshots.Node("b", "10.0.0.2");

        var first = NodeFingerprint.Eligible(Set(a, b));
        var second = NodeFingerprint.Eligible(Set(b with { Ready = false, ResourceVersion = "9" }, a));

        Assert.Equal(first, second);
    }

    [Fact]
    public void Eligible_ExcludedNode_IsLikeAnAbsentNode()
    {
        var a = Snapshots.Node("a", "10.0.0.1");
        var excluded = Snapshots.Node("b", "10.0.0.2") with
        {
            Labels = new Dictionary<string, string> { [WellKnown.ExcludeFromExternalLoadBalancersLabel] = "true" },
        };

        Assert.Equal(NodeFingerprint.Eligible(Set(a)), NodeFingerprint.Eligible(Set(a, excluded)));
        Assert.NotEqual(NodeFingerprint.Content(Set(a)), NodeFingerprint.Content(Set(a, excluded)));
    }

    [Fact]
    public void Eligible_AddressChange_Changes()
    {
        var a = Snapshots.Node("a", "10.0.0.1");

        Assert.NotEqual(NodeFingerprint.Eligible(Set(a)), NodeFingerprint.Eligible(Set(Snapshots.Node("a", "10.0.0.9"))));
    }

    [Fact]
    public void Content_UnrelatedLabelOrder_IsStable()
    {
        var a = Snapshots.Node("a", "10.0.0.1") with { Labels = new Dictionary<string, string> { ["x"] = "1", ["y"] = "2" } };
        var b = Snapshots.Node("a", "10.0.0.1") with { Labels = new Dictionary<string, string> { ["y"] = "2", ["x"] = "1" } };

        Assert.Equal(NodeFingerprint.Content(Set(a)), NodeFingerprint.Content(Set(b)));
    }
}

public sealed class StatusFeedTests
{
    private static StatusRecord Record(string uid, ServicePhase phase) => new()
    {
        ClusterId = "c",
        Status = new ServiceStatus { Uid = uid, Namespace = "default", Name = uid, Phase = phase, UpdatedAt = DateTimeOffset.UnixEpoch },
    };

    [Fact]
    public void Build_SameContentInAnyOrder_SameETag()
    {
        var first = StatusFeedBuilder.Build("c", [Record("a", ServicePhase.Ready), Record("b", ServicePhase.Provisioning)]);
        var second = StatusFeedBuilder.Build("c", [Record("b", ServicePhase.Provisioning), Record("a", ServicePhase.Ready)]);

        Assert.Equal(first.ETag, second.ETag);
        Assert.StartsWith("\"", first.ETag, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_PhaseChange_ChangesETag() =>
        Assert.NotEqual(
            StatusFeedBuilder.Build("c", [Record("a", ServicePhase.Provisioning)]).ETag,
            StatusFeedBuilder.Build("c", [Record("a", ServicePhase.Ready)]).ETag);

    [Theory]
    [InlineData("\"abc\"", true)]
    [InlineData("W/\"abc\"", true)]
    [InlineData("\"x\", \"abc\"", true)]
    [InlineData("*", true)]
    [InlineData("\"abd\"", false)]
    [InlineData("abc", false)]
    [InlineData(null, false)]
    public void Matches_IfNoneMatchForms(string? header, bool expected) =>
        Assert.Equal(expected, StatusFeedBuilder.Matches(header, "\"abc\""));
}

public sealed class OrphanRulesTests
{
    private static ObservedLoadBalancer Lb(long id, string name, params string[] tags) => new() { Id = id, Name = name, Tags = tags };

    [Fact]
    public void Classify_OnlyThisClustersLoadBalancers_AreConsidered()
    {
        var known = Snapshots.NewUid();
        var gone = Snapshots.NewUid();
        var lbs = new[]
        {
            Lb(1, LoadBalancerNaming.Name(known), "@k8s", "@k8s.ClusterID=c1", "@k8s.ServiceUID=" + known),
            Lb(2, LoadBalancerNaming.Name(gone), "@k8s", "@k8s.ClusterID=c1", "@k8s.ServiceUID=" + gone),
            Lb(3, "x", "@k8s", "@k8s.ClusterID=c2", "@k8s.ServiceUID=" + gone),
            Lb(4, "y", "@k8s"),
            Lb(5, "z", "@k8s.ClusterID=c1", "@k8s.ClusterID=c2"),
        };

        var result = OrphanRules.Classify("c1", new HashSet<string> { known }, lbs);

        Assert.Equal([(1L, false), (2L, true)], result.Select(r => (r.LoadBalancer.Id, r.Orphan)));
        Assert.Equal(gone, result[1].ServiceUid);
    }

    [Fact]
    public void Classify_WithoutUidTag_MatchesByName()
    {
        var known = Snapshots.NewUid();
        var lbs = new[] { Lb(1, LoadBalancerNaming.Name(known), "@k8s.ClusterID=c1"), Lb(2, "aother", "@k8s.ClusterID=c1") };

        var result = OrphanRules.Classify("c1", new HashSet<string> { known }, lbs);

        Assert.Equal([false, true], result.Select(r => r.Orphan));
    }
}

public sealed class DesiredRulesTests
{
    private static ServiceSnapshot Svc(string rv, bool deleted = false) =>
        new() { Uid = "u", Namespace = "n", Name = "s", ResourceVersion = rv, Type = "LoadBalancer", LoadBalancerClass = "x", Deleted = deleted };

    [Theory]
    [InlineData("5", "6", false, true)]
    [InlineData("6", "5", false, false)]
    [InlineData("6", "6", false, false)]
    [InlineData("6", "", true, true)]
    public void ShouldReplace_Table(string stored, string candidate, bool tombstone, bool expected) =>
        Assert.Equal(expected, DesiredRules.ShouldReplace(Svc(stored), Svc(candidate, tombstone)));

    [Theory]
    [InlineData("6", false, "6", false, true)]
    [InlineData("6", false, "5", false, false)]
    [InlineData("6", true, "", true, true)]
    [InlineData("6", true, "6", false, false)]
    public void IsResend_SameSnapshotAgain_NotAnOlderOne(string stored, bool storedDeleted, string candidate, bool candidateDeleted, bool expected) =>
        Assert.Equal(expected, DesiredRules.IsResend(Svc(stored, storedDeleted), Svc(candidate, candidateDeleted)));

    [Fact]
    public void ShouldReplace_LiveAfterTombstone_IsRefused() =>
        Assert.False(DesiredRules.ShouldReplace(Svc("5", deleted: true), Svc("9")));

    [Fact]
    public void Merge_Tombstone_KeepsTheStoredSpec()
    {
        var merged = DesiredRules.Merge(Svc("5"), new ServiceSnapshot { Uid = "u", Deleted = true });

        Assert.True(merged.Deleted);
        Assert.Equal(("x", "LoadBalancer", "s", "5"), (merged.LoadBalancerClass, merged.Type, merged.Name, merged.ResourceVersion));
    }
}

public sealed class MetricsHandlerTests
{
    [Theory]
    [InlineData("GET", "/cloud/zone/is1a/api/cloud/1.1/appliance/113200000009", "GET /appliance/{id}")]
    [InlineData("put", "/cloud/zone/is1a/api/cloud/1.1/appliance/113200000009/config", "PUT /appliance/{id}/config")]
    [InlineData("GET", "/cloud/zone/is1a/api/cloud/1.1/switch/112800000002/server", "GET /switch/{id}/server")]
    [InlineData("GET", "/cloud/zone/is1a/api/cloud/1.1/", "GET /")]
    public void Operation_ReplacesIdsAndDropsTheRoot(string method, string path, string expected) =>
        Assert.Equal(expected, SakuraRequestMetricsHandler.Operation(method, path));
}

/// <summary>Activity inputs and outputs cross the durable boundary as JSON; the Functions worker uses web defaults.</summary>
public sealed class DurablePayloadTests
{
    [Fact]
    public void PlanResult_WithACreatePlan_RoundTripsThroughWebJson()
    {
        var vip = Ipv4Address.Parse("203.0.113.104");
        var settings = new[] { new VipSetting(vip, 80, 10, null, [new RealServerSetting(Ipv4Address.Parse("203.0.113.100"), 80, true, new HealthCheckSpec(HealthCheckProtocol.Http, "/", 200))]) };
        var plan = new Plan(
            [
                new ReserveAddresses([new AddressReservation(7, vip, "u", AddressRole.Vip)]),
                new CreateLoadBalancer(new LoadBalancerCreation
                {
                    Name = "au", Description = "d", Tags = ["@k8s"], SwitchId = 7, NetworkMaskLen = 28, DefaultRoute = Ipv4Address.Parse("203.0.113.97"),
                    Vrid = 1, OwnAddresses = [Ipv4Address.Parse("203.0.113.103")], Vip = vip, Settings = settings,
                }),
                new WaitUntilUp(null, "au"),
                new ApplyConfig(null),
                new Report(ServicePhase.Provisioning, ReasonCodes.Provisioning, "creating"),
            ],
            new PlanOutcome(ServicePhase.Ready, ReasonCodes.Ready, "ok", ["203.0.113.104"], false, [new ValidationProblem(ReasonCodes.NodeWithoutServer, "w")]),
            false);
        var result = new PlanResult { Exists = true, Intent = ServiceIntent.Ensure, Plan = plan, DesiredSeq = 3, NodeFingerprint = "f", Namespace = "n" };

        foreach (var options in new[] { JsonSerializerOptions.Web, JsonSerializerOptions.Default })
        {
            var back = JsonSerializer.Deserialize<PlanResult>(JsonSerializer.Serialize(result, options), options)!;

            Assert.Equal(5, back.Plan!.Steps.Count);
            var create = Assert.IsType<CreateLoadBalancer>(back.Plan.Steps[1]);
            Assert.Equal(vip, create.Spec.Vip);
            Assert.Equal("/", create.Spec.Settings[0].Servers[0].HealthCheck.Path);
            Assert.Equal(HealthCheckProtocol.Http, create.Spec.Settings[0].Servers[0].HealthCheck.Protocol);
            Assert.IsType<WaitUntilUp>(back.Plan.Steps[2]);
            Assert.Equal(ServiceIntent.Ensure, back.Intent);
            Assert.Equal(3, back.DesiredSeq);
            Assert.Equal(AddressRole.Vip, Assert.IsType<ReserveAddresses>(back.Plan.Steps[0]).Addresses[0].Role);
        }
    }

    [Fact]
    public void StepResultAndPublishInput_RoundTrip()
    {
        var step = StepResult.Failed(ReasonCodes.AuthFailed, "no") with { LoadBalancerId = 9 };
        var publish = new PublishInput("c", "u", "n", "s", "1", ServicePhase.Failed, "X", "m", ["1.2.3.4"], true, [new ValidationProblem("A", "b", "f")], 1, 2, "f", "h", true, false, DateTimeOffset.UnixEpoch);

        Assert.Equal(step, JsonSerializer.Deserialize<StepResult>(JsonSerializer.Serialize(step, JsonSerializerOptions.Web), JsonSerializerOptions.Web));
        var back = JsonSerializer.Deserialize<PublishInput>(JsonSerializer.Serialize(publish, JsonSerializerOptions.Web), JsonSerializerOptions.Web)!;
        Assert.Equal(publish.Warnings, back.Warnings);
        Assert.Equal(publish.IngressIps, back.IngressIps);
        Assert.Equal(publish with { Warnings = back.Warnings, IngressIps = back.IngressIps }, back);
    }
}
