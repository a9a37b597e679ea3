using SakuraLb.Reconcile.Annotations;
using static SakuraLb.Reconcile.Tests.Fixtures;

namespace SakuraLb.Reconcile.Tests.Desired;

/// <summary>
/// Which routers and plain switches a cluster's Services may use: the controller's tags plus the cluster's own tag
/// (unless the controller shares them), a selector only narrowing that set, and the selectors and the requested
/// address limited to the namespaces the settings allow.
/// </summary>
public sealed class ClusterNetworkTests
{
    private const string Mine = "@k8s.ClusterID=prod-1";

    public static TheoryData<string[], bool, string[]> RequiredTags => new()
    {
        // configured tags, shared, the tags every router (and switch) of the cluster must carry
        { ["@k8s"], false, ["@k8s", Mine] },
        { ["@k8s", "@zone-a"], false, ["@k8s", Mine, "@zone-a"] },
        { ["@k8s", Mine], false, ["@k8s", Mine] },
        { ["@k8s"], true, ["@k8s"] },
        { ["@k8s", "@zone-a"], true, ["@k8s", "@zone-a"] },
    };

    [Theory]
    [MemberData(nameof(RequiredTags))]
    public void RequiredTags_AddTheClustersTag_UnlessShared(string[] configured, bool shared, string[] expected)
    {
        var settings = Settings with { RouterTags = configured, SwitchTags = configured, SharedNetworks = shared };

        Assert.Equal(expected, settings.RequiredRouterTags);
        Assert.Equal(expected, settings.RequiredSwitchTags);
    }

    [Fact]
    public void DefaultSettings_RequireTheBaseTagAndTheClustersTag()
    {
        Assert.Equal(["@k8s", Mine], new ControllerSettings { ClusterId = ClusterId }.RequiredRouterTags);
    }

    public static TheoryData<string[], string?, bool, string> Selections => new()
    {
        // router tags in the cloud, router-selector, shared, the outcome (a router name or a reason)
        { ["@k8s", Mine], null, false, "k8s-router" },
        { ["@k8s"], null, false, ReasonCodes.RouterNotFound },
        { ["@k8s"], null, true, "k8s-router" },
        { ["@k8s", "@k8s.ClusterID=other"], null, false, ReasonCodes.RouterNotFound },
        // another cluster's router with a tag the Service names: the selector cannot reach past the cluster's tag
        { ["@k8s", "@k8s.ClusterID=other", "@team-b"], "@team-b", false, ReasonCodes.RouterNotFound },
        { ["@k8s", "@k8s.ClusterID=other", "@team-b"], "@k8s.ClusterID=other", false, ReasonCodes.RouterNotFound },
        { ["@k8s", Mine, "@team-b"], "@team-b", false, "k8s-router" },
        // a router shared by two clusters carries both clusters' tags
        { ["@k8s", Mine, "@k8s.ClusterID=other"], null, false, "k8s-router" },
        // shared: the original's behaviour, the selector alone narrows
        { ["@k8s", "@k8s.ClusterID=other", "@team-b"], "@team-b", true, "k8s-router" },
    };

    [Theory]
    [MemberData(nameof(Selections))]
    public void RouterSelection_FollowsTheClustersTag(string[] routerTags, string? selector, bool shared, string outcome)
    {
        var context = Context() with { Routers = [Router with { Tags = routerTags }] };
        var service = selector is null ? Service() : Service(Ours(("router-selector", selector)));

        var result = DesiredLoadBalancerBuilder.Build(service, Settings with { SharedNetworks = shared }, context);

        Assert.Equal(outcome, result.Desired?.Network is { } network ? Router.Name : Assert.Single(result.Errors).Code);
    }

    [Theory]
    [InlineData(new[] { "@k8s", Mine }, null, "k8s-private")]
    [InlineData(new[] { "@k8s" }, null, ReasonCodes.SwitchNotFound)]
    [InlineData(new[] { "@k8s", "@k8s.ClusterID=other", "blue" }, "blue", ReasonCodes.SwitchNotFound)]
    [InlineData(new[] { "@k8s", Mine, "blue" }, "blue", "k8s-private")]
    public void SwitchSelection_FollowsTheClustersTag(string[] switchTags, string? selector, string outcome)
    {
        var context = SwitchContext() with { Switches = [PrivateSwitch with { Tags = switchTags }] };
        var annotations = new List<(string, string)>
        {
            ("load-balancer-type", "switch"),
            ("load-balancer-ip-range", "10.240.0.0/16"),
            ("load-balancer-assign-ip-range", "10.240.100.0/24"),
            ("load-balancer-assign-default-gateway", "10.240.0.1"),
        };
        if (selector is not null)
        {
            annotations.Add(("switch-selector", selector));
        }

        var result = DesiredLoadBalancerBuilder.Build(Service(Ours([.. annotations])), Settings, context);

        Assert.Equal(outcome, result.Desired is not null ? PrivateSwitch.Name : result.Errors.First().Code);
    }

    public static TheoryData<string?, string?, string[]> NamespaceLists => new()
    {
        // setting, problem (null: valid), namespaces it allows among default, infra, team-a
        { "*", null, ["default", "infra", "team-a"] },
        { " * ", null, ["default", "infra", "team-a"] },
        { null, null, [] },
        { "", null, [] },
        { "  ", null, [] },
        { "infra", null, ["infra"] },
        { "infra, team-a", null, ["infra", "team-a"] },
        { "Infra", "\"Infra\"", [] },
        { "infra,*", "\"*\"", [] },
        { "infra,,team-a", "\"\"", [] },
        { "-infra", "\"-infra\"", [] },
        { new string('a', 64), "\"" + new string('a', 64) + "\"", [] },
    };

    [Theory]
    [MemberData(nameof(NamespaceLists))]
    public void NamespaceAllowList_Parse(string? text, string? problem, string[] allowed)
    {
        var list = NamespaceAllowList.Parse(text, out var message);

        if (problem is null)
        {
            Assert.NotNull(list);
            Assert.Null(message);
            Assert.Equal(allowed, new[] { "default", "infra", "team-a" }.Where(list.Allows));
            Assert.Equal(list.ToString(), NamespaceAllowList.Parse(list.ToString(), out _)!.ToString());
        }
        else
        {
            Assert.Null(list);
            Assert.Contains(problem, message, StringComparison.Ordinal);
        }
    }

    public static TheoryData<string, string, string?, string?> Restrictions => new()
    {
        // annotation, value, the namespaces allowed (null: every one), the setting the refusal names (null: allowed)
        { "router-selector", "@k8s", null, null },
        { "router-selector", "@k8s", "default", null },
        { "router-selector", "@k8s", "infra", "Controller:RouterSelectorNamespaces" },
        { "router-selector", "@k8s", "", "Controller:RouterSelectorNamespaces" },
        { "load-balancer-ip", "203.0.113.105", "infra", "Controller:LoadBalancerIpNamespaces" },
        { "load-balancer-ip", "203.0.113.105", "default,infra", null },
        { "load-balancer-healthz-interval", "15", "", null },
    };

    [Theory]
    [MemberData(nameof(Restrictions))]
    public void RestrictedAnnotation_OutsideItsNamespaces_IsAnnotationNotAllowed(string annotation, string value, string? allowed, string? setting)
    {
        var list = allowed is null ? NamespaceAllowList.Everywhere : NamespaceAllowList.Parse(allowed, out _)!;
        var settings = Settings with { RouterSelectorNamespaces = list, LoadBalancerIpNamespaces = list };

        var result = LoadBalancerSpecParser.Parse(Service(Ours((annotation, value))), settings);

        if (setting is null)
        {
            Assert.DoesNotContain(result.Errors, e => e.Code == ReasonCodes.AnnotationNotAllowed);
        }
        else
        {
            var refusal = Assert.Single(result.Errors, e => e.Code == ReasonCodes.AnnotationNotAllowed);
            Assert.Equal("k8s.usacloud.jp/" + annotation, refusal.Field);
            Assert.Contains(setting, refusal.Message, StringComparison.Ordinal);
            Assert.Contains("namespace \"default\"", refusal.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void SpecLoadBalancerIp_IsRestrictedLikeTheAnnotation()
    {
        var settings = Settings with { LoadBalancerIpNamespaces = NamespaceAllowList.Nowhere };

        var result = LoadBalancerSpecParser.Parse(Service() with { LoadBalancerIP = "203.0.113.105" }, settings);

        Assert.Equal("spec.loadBalancerIP", Assert.Single(result.Errors, e => e.Code == ReasonCodes.AnnotationNotAllowed).Field);
    }

    [Fact]
    public void SwitchSelector_OutsideItsNamespaces_IsAnnotationNotAllowed()
    {
        var settings = Settings with { SwitchSelectorNamespaces = NamespaceAllowList.Of("infra") };
        var service = Service(Ours(
            ("load-balancer-type", "switch"),
            ("load-balancer-ip-range", "10.240.0.0/16"),
            ("load-balancer-assign-ip-range", "10.240.100.0/24"),
            ("switch-selector", "blue")));

        var result = LoadBalancerSpecParser.Parse(service, settings);

        Assert.Contains("Controller:SwitchSelectorNamespaces", Assert.Single(result.Errors, e => e.Code == ReasonCodes.AnnotationNotAllowed).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AnotherClustersTagInTheControllersTags_IsAProblem()
    {
        var problems = (Settings with { RouterTags = ["@k8s", "@k8s.ClusterID=other"] }).Validate();
        var own = (Settings with { RouterTags = ["@k8s", Mine] }).Validate();

        Assert.Contains(problems, p => p.StartsWith("RouterTags must not hold another cluster's tag (@k8s.ClusterID=other)", StringComparison.Ordinal));
        Assert.Empty(own);
    }
}
