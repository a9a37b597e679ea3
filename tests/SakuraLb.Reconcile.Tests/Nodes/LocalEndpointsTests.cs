using CsCheck;
using static SakuraLb.Reconcile.Tests.Fixtures;

namespace SakuraLb.Reconcile.Tests.Nodes;

public sealed class LocalEndpointsTests
{
    private static ServiceSnapshot Local(string[] ready, string[] serving) =>
        Service() with
        {
            ExternalTrafficPolicy = "Local",
            Endpoints = new ServiceEndpoints { Revision = "7", ReadyNodes = ready, ServingNodes = serving },
        };

    [Theory]
    [InlineData("worker02", "", "worker02", null)]
    [InlineData("worker01,worker03", "worker02", "worker01,worker03", null)]
    [InlineData("", "worker03", "worker03", ReasonCodes.OnlyTerminatingEndpoints)]
    [InlineData("", "", "", ReasonCodes.NoReadyEndpoints)]
    [InlineData("elsewhere", "", "", null)]
    public void Build_LocalService_RealServersAreTheNodesWithEndpoints(string ready, string serving, string expected, string? warning)
    {
        var service = Local(Split(ready), Split(serving));

        var result = DesiredLoadBalancerBuilder.Build(service, Settings, Context(workers: 3));

        Assert.Equal(Split(expected), result.Desired!.RealServers.Select(s => s.NodeName).Order(StringComparer.Ordinal));
        var codes = result.Warnings.Select(w => w.Code).ToList();
        if (warning is null)
        {
            Assert.DoesNotContain(ReasonCodes.OnlyTerminatingEndpoints, codes);
            Assert.DoesNotContain(ReasonCodes.NoReadyEndpoints, codes);
        }
        else
        {
            Assert.Contains(warning, codes);
        }

        // With no endpoint at all, "no node qualifies" would only repeat the endpoint warning.
        Assert.False(warning == ReasonCodes.NoReadyEndpoints && codes.Contains(ReasonCodes.NoEligibleNodes));
    }

    [Theory]
    [InlineData("Cluster", true)]
    [InlineData("Local", false)]
    public void Build_WithoutEndpoints_EveryEligibleNodeServes(string policy, bool withEndpointsField)
    {
        var service = Service() with
        {
            ExternalTrafficPolicy = policy,
            Endpoints = withEndpointsField ? new ServiceEndpoints { Revision = "3", ReadyNodes = ["worker01"] } : null,
        };

        var desired = BuildDesired(service, workers: 3);

        Assert.Equal(["worker01", "worker02", "worker03"], desired.RealServers.Select(s => s.NodeName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Build_LocalFromARelayWithoutEndpoints_WarnsThatLocalIsUnchecked()
    {
        var result = DesiredLoadBalancerBuilder.Build(Service() with { ExternalTrafficPolicy = "Local" }, Settings, Context());
        var withEndpoints = DesiredLoadBalancerBuilder.Build(Local(["worker01"], []), Settings, Context());

        Assert.Contains(ReasonCodes.LocalTrafficPolicyUnchecked, result.Warnings.Select(w => w.Code));
        Assert.DoesNotContain(ReasonCodes.LocalTrafficPolicyUnchecked, withEndpoints.Warnings.Select(w => w.Code));
    }

    [Fact]
    public void Build_LocalEndpointOnAnExcludedNode_IsNoRealServer()
    {
        var context = Context(workers: 2);
        context = context with
        {
            Nodes = [context.Nodes[0], Node("worker02", n => n.Labels[WellKnown.ExcludeFromExternalLoadBalancersLabel] = "")],
        };

        var result = DesiredLoadBalancerBuilder.Build(Local(["worker02"], []), Settings, context);

        Assert.Empty(result.Desired!.RealServers);
    }

    /// <summary>
    /// For every node set and endpoint summary: a real server of a Local Service is an eligible node with a ready
    /// endpoint; with no ready endpoint anywhere, one with a serving terminating endpoint; never any other node.
    /// </summary>
    [Fact]
    public void Property_LocalRealServers_AreExactlyTheEligibleNodesTheEndpointsAllow()
    {
        var gen =
            from count in Gen.Int[1, 8]
            from ready in Gen.Int[0, 8].Array[0, 4]
            from serving in Gen.Int[0, 8].Array[0, 4]
            from excluded in Gen.Int[0, 8].Array[0, 3]
            select (count, ready, serving, excluded);
        gen.Sample(t =>
        {
            var (nodes, servers) = Workers(t.count);
            string Name(int i) => $"worker{i:00}";
            var excludedNames = t.excluded.Select(Name).ToHashSet();
            nodes = [.. nodes.Select(n => excludedNames.Contains(n.Name) ? Node(n.Name, b => b.Labels[WellKnown.ExcludeFromExternalLoadBalancersLabel] = "") : n)];
            var readyNames = t.ready.Select(Name).Distinct().ToArray();
            var servingNames = t.serving.Select(Name).Except(readyNames).Distinct().ToArray();
            var service = Local(readyNames, servingNames);

            var result = DesiredLoadBalancerBuilder.Build(service, Settings, new BuildContext { Routers = [Router], Nodes = nodes, Servers = servers });

            var allowed = readyNames.Length > 0 ? readyNames : servingNames;
            var expected = nodes.Where(n => !excludedNames.Contains(n.Name) && allowed.Contains(n.Name)).Select(n => n.Name).Order(StringComparer.Ordinal);
            Assert.Equal(expected, result.Desired!.RealServers.Select(s => s.NodeName).Order(StringComparer.Ordinal));
        });
    }

    private static string[] Split(string names) => names.Split(',', StringSplitOptions.RemoveEmptyEntries);
}
