using Microsoft.Extensions.Logging.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using SakuraLb.Reconcile.Desired;
using SakuraLb.Reconcile.Planning;
using SakuraLb.Sakura.Api;
using SakuraLb.Sakura.Mapping;

namespace SakuraLb.Sakura.Tests;

/// <summary>The facade's own logic over a substituted Refit interface.</summary>
public sealed class SakuraCloudTests
{
    private readonly ISakuraApi api = Substitute.For<ISakuraApi>();
    private readonly FakeLogger<SakuraCloud> logger = new();
    private readonly SakuraCloud cloud;

    public SakuraCloudTests() =>
        cloud = NewCloud(api, logger);

    /// <summary>A client with nothing shared over time (only reads in flight), so each test counts its own requests.</summary>
    private static SakuraCloud NewCloud(ISakuraApi api, FakeLogger<SakuraCloud> logger)
    {
        var options = TestOptions.Wrap(TestOptions.Valid(o => (o.ApplianceListDuration, o.ServerListDuration) = (TimeSpan.Zero, TimeSpan.Zero)));
        return new SakuraCloud(api, options, new SharedApplianceList(options, TimeProvider.System), new SharedServerLists(options, TimeProvider.System), logger);
    }

    [Fact]
    public async Task DeleteLoadBalancerAsync_NotFound_IsSuccessReportedAsFalse()
    {
        api.DeleteApplianceAsync(5, Arg.Any<CancellationToken>()).ThrowsAsync(NotFound());

        Assert.False(await cloud.DeleteLoadBalancerAsync(5, CancellationToken.None));
    }

    [Fact]
    public async Task DeleteLoadBalancerAsync_PowerMustBeDown_Throws()
    {
        api.DeleteApplianceAsync(5, Arg.Any<CancellationToken>())
            .ThrowsAsync(new SakuraApiException(HttpStatusCode.Conflict, "server_power_must_be_down", "up", null));

        var error = await Assert.ThrowsAsync<SakuraApiException>(() => cloud.DeleteLoadBalancerAsync(5, CancellationToken.None));
        Assert.Equal(SakuraErrorKind.PowerMustBeDown, error.Kind);
    }

    [Fact]
    public async Task GetLoadBalancerAsync_NotFound_ReturnsNull()
    {
        api.GetApplianceAsync(5, Arg.Any<CancellationToken>()).ThrowsAsync(NotFound());

        Assert.Null(await cloud.GetLoadBalancerAsync(5, CancellationToken.None));
    }

    [Fact]
    public async Task GetLoadBalancerAsync_OtherError_Throws()
    {
        api.GetApplianceAsync(5, Arg.Any<CancellationToken>())
            .ThrowsAsync(new SakuraApiException(HttpStatusCode.Unauthorized, "unauthorized", "no", null));

        await Assert.ThrowsAsync<SakuraApiException>(() => cloud.GetLoadBalancerAsync(5, CancellationToken.None));
    }

    [Fact]
    public async Task GetLoadBalancerAsync_Found_IsMappedForThePlanner()
    {
        api.GetApplianceAsync(5, Arg.Any<CancellationToken>()).Returns(new ApplianceEnvelope
        {
            Appliance = new SakuraAppliance
            {
                Id = 5, Name = "a1", Availability = ApplianceAvailability.Migrating,
                Remark = new ApplianceRemark { Switch = new IdRef { Id = 7 }, Servers = [new RemarkServer { IPAddress = "10.0.0.5" }] },
            },
        });

        var lb = await cloud.GetLoadBalancerAsync(5, CancellationToken.None);

        Assert.Equal((5L, "a1", ApplianceAvailability.Migrating, InstanceStatus.Unknown, 7L), (lb!.Id, lb.Name, lb.Availability, lb.InstanceStatus, lb.SwitchId!.Value));
        Assert.Equal(["10.0.0.5"], lb.OwnIps);
    }

    [Fact]
    public async Task FindLoadBalancersByTagsAsync_NoTags_IsRejected() =>
        await Assert.ThrowsAsync<ArgumentException>(() => cloud.FindLoadBalancersByTagsAsync([], CancellationToken.None));

    [Fact]
    public async Task FindLoadBalancersByTagsAsync_SendsAndFilter_AndRechecksItClientSide()
    {
        SearchRequest? sent = null;
        api.FindAppliancesAsync(Arg.Do<SearchRequest>(q => sent = q), Arg.Any<CancellationToken>()).Returns(new ApplianceListEnvelope
        {
            Total = 3,
            Appliances =
            [
                new SakuraAppliance { Id = 1, Class = "loadbalancer", Tags = ["@k8s", "@k8s.ClusterID=c1"] },
                new SakuraAppliance { Id = 2, Class = "loadbalancer", Tags = ["@k8s"] },
                new SakuraAppliance { Id = 3, Class = "vpcrouter", Tags = ["@k8s", "@k8s.ClusterID=c1"] },
            ],
        });

        var found = await cloud.FindLoadBalancersByTagsAsync(["@k8s.ClusterID=c1", "@k8s"], CancellationToken.None);

        Assert.Equal([1L], found.Select(a => a.Id));
        var filter = sent!.Filter!;
        Assert.Equal(["Class", "Tags.Name"], filter.Select(p => p.Key));
        var tags = filter["Tags.Name"]!.AsArray();
        Assert.Equal(["%40k8s", "%40k8s.ClusterID%3Dc1"], Assert.Single(tags)!.AsArray().Select(n => (string?)n));
        Assert.Equal("loadbalancer", (string?)filter["Class"]);
    }

    [Fact]
    public async Task FindServersByNamesAsync_ExactOnly_EvenIfTheServerMatchesPartially()
    {
        api.FindServersAsync(Arg.Any<SearchRequest>(), Arg.Any<CancellationToken>()).Returns(new ServerListEnvelope
        {
            Total = 3,
            Servers =
            [
                new SakuraServer { Id = 1, Name = "worker01" },
                new SakuraServer { Id = 2, Name = "worker010" },
                new SakuraServer { Id = 3, Name = "Worker01" },
            ],
        });

        var found = await cloud.FindServersByNamesAsync(["worker01"], CancellationToken.None);

        Assert.Equal([1L], found.Select(s => s.Id));
    }

    [Fact]
    public async Task FindServersByNamesAsync_ManyNames_AreSplitIntoBoundedQueries()
    {
        var names = Enumerable.Range(0, 1000).Select(i => $"node-{i:D4}.example.internal").ToList();
        var queries = new List<SearchRequest>();
        api.FindServersAsync(Arg.Do<SearchRequest>(queries.Add), Arg.Any<CancellationToken>())
            .Returns(ci => new ServerListEnvelope
            {
                Servers = [.. ci.Arg<SearchRequest>().Filter!["Name"]!.AsArray().Select(n => new SakuraServer
                {
                    Id = long.Parse(((string)n!)[5..9], System.Globalization.CultureInfo.InvariantCulture) + 1,
                    Name = (string?)n,
                })],
            });

        var found = await cloud.FindServersByNamesAsync(names, CancellationToken.None);

        Assert.Equal(1000, found.Count);
        Assert.True(queries.Count > 1);
        Assert.All(queries, q => Assert.True(
            Http.RawJsonQueryHandler.Apply(new Uri("http://h/server"), q).Query.Length < 8000));
        Assert.Equal(1000, queries.Sum(q => q.Filter!["Name"]!.AsArray().Count));
    }

    [Fact]
    public async Task FindRoutersAsync_SearchAnswerWithTheBlock_IsEnough_AndNonMatchesAreSkipped()
    {
        api.FindInternetAsync(Arg.Any<SearchRequest>(), Arg.Any<CancellationToken>()).Returns(new InternetListEnvelope
        {
            Total = 2,
            Internet =
            [
                new SakuraInternet { Id = 10, Name = "k8s-router", Tags = ["@k8s"], Switch = ReducedView(RouterSwitch(11)) },
                new SakuraInternet { Id = 20, Name = "k8s-router-2", Tags = ["@k8s"], Switch = ReducedView(RouterSwitch(21)) },
            ],
        });

        var found = await cloud.FindRoutersAsync(new RouterQuery("k8s-router", ["@k8s"]), CancellationToken.None);

        var network = Assert.Single(found);
        Assert.Equal((11L, 10L, "k8s-router"), (network.SwitchId, network.Id, network.Name));
        var fromSwitch = WireMapperRouter(11);
        Assert.Equal((fromSwitch.Block, fromSwitch.DefaultRoute, fromSwitch.AssignableRange), (network.Block, network.DefaultRoute, network.AssignableRange));
        Assert.Equal(["@k8s"], network.Tags);
        await api.DidNotReceiveWithAnyArgs().GetSwitchAsync(default, default);
    }

    [Fact]
    public async Task FindRoutersAsync_SearchAnswerWithoutTheBlock_ReadsThatRoutersSwitch()
    {
        api.FindInternetAsync(Arg.Any<SearchRequest>(), Arg.Any<CancellationToken>()).Returns(new InternetListEnvelope
        {
            Total = 2,
            Internet =
            [
                new SakuraInternet { Id = 10, Name = "k8s-router", Tags = ["@k8s"], Switch = new SakuraSwitch { Id = 11 } },
                new SakuraInternet { Id = 20, Name = "k8s-router-2", Tags = ["@k8s"], Switch = new SakuraSwitch { Id = 21 } },
            ],
        });
        api.GetSwitchAsync(11, Arg.Any<CancellationToken>()).Returns(new SwitchEnvelope { Switch = RouterSwitch(11) });

        var found = await cloud.FindRoutersAsync(new RouterQuery("k8s-router", ["@k8s"]), CancellationToken.None);

        var network = Assert.Single(found);
        Assert.Equal((11L, 10L, "k8s-router"), (network.SwitchId, network.Id, network.Name));
        Assert.Equal(Ipv4Address.Parse("203.0.113.110"), network.AssignableRange.Last);
        await api.DidNotReceive().GetSwitchAsync(21, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task FindRoutersAsync_SwitchWithoutAssignableRange_IsLeftOut()
    {
        api.FindInternetAsync(Arg.Any<SearchRequest>(), Arg.Any<CancellationToken>()).Returns(new InternetListEnvelope
        {
            Total = 1,
            Internet = [new SakuraInternet { Id = 10, Name = "r", Switch = new SakuraSwitch { Id = 11 } }],
        });
        api.GetSwitchAsync(11, Arg.Any<CancellationToken>()).Returns(new SwitchEnvelope { Switch = new SakuraSwitch { Id = 11 } });

        Assert.Empty(await cloud.FindRoutersAsync(new RouterQuery(), CancellationToken.None));
    }

    [Fact]
    public async Task ReadSwitchAsync_MapsServersAndLoadBalancers_AndCollectsEveryAddressInUse()
    {
        var router = WireMapperRouter(11) with { NextHops = [Ipv4Address.Parse("203.0.113.109")] };
        api.ListSwitchServersAsync(11, Arg.Any<SearchRequest>(), Arg.Any<CancellationToken>()).Returns(new ServerListEnvelope
        {
            Servers = [new SakuraServer { Id = 1, Name = "w1", Interfaces = [new SakuraInterface { UserIPAddress = "203.0.113.104", Switch = new SwitchRef { Id = 11 } }] }],
        });
        SearchRequest? listed = null;
        api.FindAppliancesAsync(Arg.Do<SearchRequest>(q => listed = q), Arg.Any<CancellationToken>()).Returns(new ApplianceListEnvelope
        {
            Total = 6,
            Appliances =
            [
                new SakuraAppliance
                {
                    Id = 2, Class = "loadbalancer", Switch = new SwitchRef { Id = 11 },
                    Remark = new ApplianceRemark { Servers = [new RemarkServer { IPAddress = "203.0.113.105" }] },
                    Settings = new ApplianceSettings { LoadBalancer = [new LoadBalancerVip { VirtualIPAddress = "203.0.113.106" }] },
                },
                new SakuraAppliance
                {
                    Id = 3, Class = "database", Remark = new ApplianceRemark { Switch = new IdRef { Id = 11 }, Servers = [new RemarkServer { IPAddress = "203.0.113.107" }] },
                },

                // A VPC router on the shared segment: only its private NIC says it is on the switch.
                new SakuraAppliance
                {
                    Id = 4, Class = "vpcrouter",
                    Interfaces = [new SakuraInterface { Switch = new SwitchRef { Scope = "shared" } }, new SakuraInterface { Switch = new SwitchRef { Id = 11 } }],
                    Settings = new ApplianceSettings { Router = new VpcRouterSettings { Interfaces = [null, new VpcRouterInterfaceSetting { IPAddress = ["203.0.113.108"] }] } },
                },

                // Another switch's load balancer, with an address that would also fit this block, is not this switch's.
                new SakuraAppliance
                {
                    Id = 5, Class = "loadbalancer", Switch = new SwitchRef { Id = 12 },
                    Remark = new ApplianceRemark { Servers = [new RemarkServer { IPAddress = "203.0.113.110" }] },
                },

                // An item that says no switch at all is logged, not guessed.
                new SakuraAppliance { Id = 6, Class = "loadbalancer", Remark = new ApplianceRemark { Servers = [new RemarkServer { IPAddress = "203.0.113.111" }] } },
            ],
        });

        var view = await cloud.ReadSwitchAsync(router, CancellationToken.None);

        Assert.Equal(11, view.SwitchId);
        Assert.Equal(["w1"], view.Servers.Select(s => s.Name));
        Assert.Equal([2L], view.LoadBalancers.Select(l => l.Id));
        Assert.Equal(
            ["203.0.113.104", "203.0.113.105", "203.0.113.106", "203.0.113.107", "203.0.113.108", "203.0.113.109"],
            view.InUse.Order().Select(a => a.ToString()));
        Assert.Null(listed!.Filter?["Class"]); // every class
        Assert.Single(logger.Collector.GetSnapshot(), e => e.Message.Contains("appliance 6 ", StringComparison.Ordinal));

        // The database on the switch came without Settings, which it does not need; nothing is said about it.
        Assert.DoesNotContain(logger.Collector.GetSnapshot(), e => e.Message.Contains("appliance 3 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadSwitchAsync_LoadBalancerItemWithoutSettingsOrRemark_IsKept_AndLogged()
    {
        api.ListSwitchServersAsync(11, Arg.Any<SearchRequest>(), Arg.Any<CancellationToken>()).Returns(new ServerListEnvelope());
        api.FindAppliancesAsync(Arg.Any<SearchRequest>(), Arg.Any<CancellationToken>()).Returns(new ApplianceListEnvelope
        {
            Total = 1,
            Appliances = [new SakuraAppliance { Id = 7, Class = "loadbalancer", Switch = new SwitchRef { Id = 11 } }],
        });

        var view = await cloud.ReadSwitchAsync(WireMapperRouter(11), CancellationToken.None);

        Assert.Equal([7L], view.LoadBalancers.Select(l => l.Id));
        var entry = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Contains("without Remark, Settings", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateLoadBalancerAsync_ThreeAddresses_IsRejected()
    {
        var creation = Creation(LoadBalancerPlan.Standard, "10.0.0.1", "10.0.0.2", "10.0.0.3");

        await Assert.ThrowsAsync<ArgumentException>(() => cloud.CreateLoadBalancerAsync(creation, CancellationToken.None));
        await api.DidNotReceiveWithAnyArgs().CreateApplianceAsync(default!, default);
    }

    [Fact]
    public async Task CreateLoadBalancerAsync_BuildsTheWireBody()
    {
        ApplianceCreateEnvelope? sent = null;
        api.CreateApplianceAsync(Arg.Do<ApplianceCreateEnvelope>(b => sent = b), Arg.Any<CancellationToken>())
            .Returns(new ApplianceEnvelope { Appliance = new SakuraAppliance { Id = 99 } });
        var creation = Creation(LoadBalancerPlan.Premium, "10.0.0.5", "10.0.0.6") with { Tags = ["b", "a", "b"] };

        var created = await cloud.CreateLoadBalancerAsync(creation, CancellationToken.None);

        Assert.Equal(99, created.Id);
        var body = sent!.Appliance;
        Assert.Equal(["a", "b"], body.Tags);
        Assert.Equal(2, body.Plan.Id);
        Assert.Equal(2, body.Remark.Plan?.Id);
        Assert.Equal(7, body.Remark.Switch?.Id);
        Assert.Equal(4, body.Remark.Vrrp?.Vrid);
        Assert.Equal(["10.0.0.5", "10.0.0.6"], body.Remark.Servers.Select(s => s.IPAddress));
        Assert.Empty(body.Settings.LoadBalancer);
    }

    [Fact]
    public async Task UpdateSettingsAsync_FlagsOnlyAnswer_ReadsTheApplianceBack()
    {
        api.UpdateApplianceAsync(5, Arg.Any<ApplianceUpdateEnvelope>(), Arg.Any<CancellationToken>()).Returns(new ApplianceEnvelope());
        api.GetApplianceAsync(5, Arg.Any<CancellationToken>()).Returns(new ApplianceEnvelope { Appliance = new SakuraAppliance { Id = 5, SettingsHash = "h2" } });

        var updated = await cloud.UpdateSettingsAsync(5, [], settingsHash: null, CancellationToken.None);

        Assert.Equal("h2", updated.SettingsHash);
    }

    [Fact]
    public async Task UpdateSettingsAsync_SendsTheListAndTheHash_AndNoTags()
    {
        ApplianceUpdateEnvelope? sent = null;
        api.UpdateApplianceAsync(5, Arg.Do<ApplianceUpdateEnvelope>(b => sent = b), Arg.Any<CancellationToken>())
            .Returns(new ApplianceEnvelope { Appliance = new SakuraAppliance { Id = 5 } });
        var vip = Ipv4Address.Parse("10.0.0.9");

        await cloud.UpdateSettingsAsync(5, [new VipSetting(vip, 80, 10, null, [])], "h1", CancellationToken.None);

        Assert.Equal(("h1", "h1"), (sent!.Appliance.SettingsHash, sent.OriginalSettingsHash));
        Assert.Equal("10.0.0.9", Assert.Single(sent.Appliance.Settings!.LoadBalancer).VirtualIPAddress);
        Assert.Null(sent.Appliance.Tags);
        Assert.Null(sent.Appliance.Description);
    }

    [Fact]
    public async Task UpdateTagsAsync_SendsTheCurrentVipListBack_WithItsHash()
    {
        var current = new LoadBalancerVip { VirtualIPAddress = "10.0.0.9", Port = 80 };
        api.GetApplianceAsync(5, Arg.Any<CancellationToken>()).Returns(new ApplianceEnvelope
        {
            Appliance = new SakuraAppliance { Id = 5, SettingsHash = "h1", Settings = new ApplianceSettings { LoadBalancer = [current] } },
        });
        ApplianceUpdateEnvelope? sent = null;
        api.UpdateApplianceAsync(5, Arg.Do<ApplianceUpdateEnvelope>(b => sent = b), Arg.Any<CancellationToken>())
            .Returns(new ApplianceEnvelope { Appliance = new SakuraAppliance { Id = 5, Tags = ["a", "b"] } });

        var updated = await cloud.UpdateTagsAsync(5, ["b", "a"], "ns/web", CancellationToken.None);

        Assert.Equal(["a", "b"], updated.Tags);
        var body = sent!.Appliance;
        Assert.Equal(("h1", "h1", "ns/web"), (body.SettingsHash, sent.OriginalSettingsHash, body.Description));
        Assert.Equal(["a", "b"], body.Tags);
        Assert.Equal([current], body.Settings!.LoadBalancer);
    }

    [Fact]
    public async Task UpdateTagsAsync_Gone_IsNotFound_AndWritesNothing()
    {
        api.GetApplianceAsync(5, Arg.Any<CancellationToken>()).ThrowsAsync(NotFound());

        var error = await Assert.ThrowsAsync<SakuraApiException>(() => cloud.UpdateTagsAsync(5, ["a"], "", CancellationToken.None));

        Assert.Equal(SakuraErrorKind.NotFound, error.Kind);
        await api.DidNotReceiveWithAnyArgs().UpdateApplianceAsync(default, default!, default);
    }

    [Fact]
    public void ChunkByQueryLength_KeepsEveryNameOnce()
    {
        var names = Enumerable.Range(0, 300).Select(i => new string('n', i % 40 + 1) + i).ToList();

        var chunks = SakuraCloud.ChunkByQueryLength(names, 500).ToList();

        Assert.Equal(names, chunks.SelectMany(c => c));
        Assert.All(chunks, c => Assert.True(c.Sum(n => n.Length + 9) <= 500 || c.Count == 1));
    }

    private static SakuraApiException NotFound() => new(HttpStatusCode.NotFound, "not_found", "gone", "s");

    private static SakuraSwitch RouterSwitch(long id) => new()
    {
        Id = id,
        Subnets =
        [
            new SwitchSubnet
            {
                NetworkAddress = "203.0.113.96", NetworkMaskLen = 28, DefaultRoute = "203.0.113.97",
                IPAddresses = new IPAddressRange { Min = "203.0.113.100", Max = "203.0.113.110" },
            },
        ],
    };

    /// <summary>The switch as a router's search answer embeds it: the blocks without their assignable range.</summary>
    private static SakuraSwitch ReducedView(SakuraSwitch routerSwitch) =>
        routerSwitch with { Subnets = [.. routerSwitch.Subnets.Select(s => s with { IPAddresses = null })] };

    private static RouterNetwork WireMapperRouter(long switchId) => WireMapper.ToRouter(RouterSwitch(switchId), null)!;

    [Fact]
    public async Task ReadSwitchAsync_ConcurrentReads_ShareOneApplianceList()
    {
        var release = new TaskCompletionSource<ApplianceListEnvelope>();
        api.FindAppliancesAsync(Arg.Any<SearchRequest>(), Arg.Any<CancellationToken>()).Returns(_ => release.Task);
        api.ListSwitchServersAsync(Arg.Any<long>(), Arg.Any<SearchRequest>(), Arg.Any<CancellationToken>()).Returns(new ServerListEnvelope());

        var first = cloud.ReadSwitchAsync(WireMapperRouter(11), CancellationToken.None);
        var second = cloud.ReadSwitchAsync(WireMapperRouter(11), CancellationToken.None);
        await Eventually.UntilAsync(() => Task.FromResult(api.ReceivedCalls().Count(c => c.GetMethodInfo().Name == nameof(ISakuraApi.FindAppliancesAsync))), n => n > 0, "the list to start", TimeSpan.FromSeconds(10));
        release.SetResult(new ApplianceListEnvelope { Total = 0 });
        await Task.WhenAll(first, second);
        await cloud.ReadSwitchAsync(WireMapperRouter(11), CancellationToken.None);

        // Two concurrent reads shared one list; the read after them made its own.
        await api.Received(2).FindAppliancesAsync(Arg.Any<SearchRequest>(), Arg.Any<CancellationToken>());
    }

    [Theory]
    [InlineData(504, "apiproxy_timeout_non_get")]
    [InlineData(0, null)]
    public async Task CreateLoadBalancerAsync_UnknownOutcome_MadeAfterAll_ReturnsTheOneFoundByNameAndTags(int status, string? code)
    {
        api.CreateApplianceAsync(Arg.Any<ApplianceCreateEnvelope>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(status == 0 ? new HttpRequestException("reset") : new SakuraApiException((HttpStatusCode)status, code, "may have run", null, "POST", "/appliance"));
        api.FindAppliancesAsync(Arg.Any<SearchRequest>(), Arg.Any<CancellationToken>()).Returns(new ApplianceListEnvelope
        {
            Total = 3,
            Appliances =
            [
                new SakuraAppliance { Id = 40, Class = "loadbalancer", Name = "a1", Tags = ["other"] },
                new SakuraAppliance { Id = 41, Class = "loadbalancer", Name = "a1", Tags = ["a", "b"], Availability = ApplianceAvailability.Failed },
                new SakuraAppliance { Id = 42, Class = "loadbalancer", Name = "a1", Tags = ["a", "b", "x"], Availability = ApplianceAvailability.Migrating },
            ],
        });

        var created = await cloud.CreateLoadBalancerAsync(Creation(LoadBalancerPlan.Standard, "10.0.0.5") with { Tags = ["b", "a"] }, CancellationToken.None);

        Assert.Equal(42, created.Id);
        await api.Received(1).CreateApplianceAsync(Arg.Any<ApplianceCreateEnvelope>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task CreateLoadBalancerAsync_UnknownOutcome_NothingVisible_RethrowsWithoutCreatingAgain()
    {
        api.CreateApplianceAsync(Arg.Any<ApplianceCreateEnvelope>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new SakuraApiException(HttpStatusCode.GatewayTimeout, "apiproxy_timeout_non_get", "may have run", null, "POST", "/appliance"));
        api.FindAppliancesAsync(Arg.Any<SearchRequest>(), Arg.Any<CancellationToken>()).Returns(new ApplianceListEnvelope { Total = 0 });

        var error = await Assert.ThrowsAsync<SakuraApiException>(
            () => cloud.CreateLoadBalancerAsync(Creation(LoadBalancerPlan.Standard, "10.0.0.5"), CancellationToken.None));

        Assert.Equal(SakuraErrorKind.OutcomeUnknown, error.Kind);
        Assert.True(CloudErrors.IsTransient(error));
        await api.Received(1).CreateApplianceAsync(Arg.Any<ApplianceCreateEnvelope>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task CreateLoadBalancerAsync_RefusedOutright_DoesNotLookAnythingUp()
    {
        api.CreateApplianceAsync(Arg.Any<ApplianceCreateEnvelope>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new SakuraApiException(HttpStatusCode.ServiceUnavailable, "too_many_request", "dense", null, "POST", "/appliance"));

        await Assert.ThrowsAsync<SakuraApiException>(() => cloud.CreateLoadBalancerAsync(Creation(LoadBalancerPlan.Standard, "10.0.0.5"), CancellationToken.None));

        await api.DidNotReceiveWithAnyArgs().FindAppliancesAsync(default!, default);
    }

    [Theory]
    [InlineData(false, """{}""")]
    [InlineData(true, """{"Force":true}""")]
    public async Task ShutdownAsync_GracefulSendsAnEmptyObject_ForcedSendsForce(bool force, string expected)
    {
        ShutdownRequest? sent = null;
        api.ShutdownAsync(5, Arg.Do<ShutdownRequest>(b => sent = b), Arg.Any<CancellationToken>()).Returns(Task.CompletedTask);

        await cloud.ShutdownAsync(5, force, CancellationToken.None);

        Assert.Equal(expected, System.Text.Json.JsonSerializer.Serialize(sent!, WireJson.TypeInfo<ShutdownRequest>()));
    }

    [Fact]
    public async Task PowerOperations_AreSerialisedInTheProcess()
    {
        var firstBoot = new TaskCompletionSource();
        api.BootAsync(1, Arg.Any<CancellationToken>()).Returns(_ => firstBoot.Task);
        api.ShutdownAsync(2, Arg.Any<ShutdownRequest>(), Arg.Any<CancellationToken>()).Returns(Task.CompletedTask);
        var other = NewCloud(api, logger);

        var boot = cloud.BootAsync(1, CancellationToken.None);
        await Eventually.UntilAsync(() => Task.FromResult(api.ReceivedCalls().Count()), n => n > 0, "the boot to be sent", TimeSpan.FromSeconds(10));
        var shutdown = other.ShutdownAsync(2, force: false, CancellationToken.None);
        Assert.False(shutdown.IsCompleted);
        await api.DidNotReceiveWithAnyArgs().ShutdownAsync(default, default!, default);

        firstBoot.SetResult();
        await Task.WhenAll(boot, shutdown);
        await api.Received(1).ShutdownAsync(2, Arg.Any<ShutdownRequest>(), Arg.Any<CancellationToken>());
    }

    private static LoadBalancerCreation Creation(LoadBalancerPlan plan, params string[] own) => new()
    {
        Name = "a1",
        Description = "",
        Tags = [],
        Plan = plan,
        SwitchId = 7,
        Vrid = 4,
        NetworkMaskLen = 28,
        DefaultRoute = Ipv4Address.Parse("10.0.0.1"),
        OwnAddresses = [.. own.Select(Ipv4Address.Parse)],
        Settings = [],
    };

}
