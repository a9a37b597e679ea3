using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using SakuraLb.Sakura.Api;
using SakuraLb.Sakura.Wire;

namespace SakuraLb.Sakura.Tests;

/// <summary>The facade's own logic over a substituted Refit interface.</summary>
public sealed class SakuraCloudTests
{
    private readonly ISakuraApi _api = Substitute.For<ISakuraApi>();
    private readonly SakuraCloud _cloud;

    public SakuraCloudTests() =>
        _cloud = new SakuraCloud(_api, TestOptions.Wrap(TestOptions.Valid()), NullLogger<SakuraCloud>.Instance);

    [Fact]
    public async Task DeleteApplianceAsync_NotFound_IsSuccessReportedAsFalse()
    {
        _api.DeleteApplianceAsync(5, Arg.Any<CancellationToken>()).ThrowsAsync(NotFound());

        Assert.False(await _cloud.DeleteApplianceAsync(5, CancellationToken.None));
    }

    [Fact]
    public async Task DeleteApplianceAsync_PowerMustBeDown_Throws()
    {
        _api.DeleteApplianceAsync(5, Arg.Any<CancellationToken>())
            .ThrowsAsync(new SakuraApiException(HttpStatusCode.Conflict, "server_power_must_be_down", "up", null));

        var error = await Assert.ThrowsAsync<SakuraApiException>(() => _cloud.DeleteApplianceAsync(5, CancellationToken.None));
        Assert.Equal(SakuraErrorKind.PowerMustBeDown, error.Kind);
    }

    [Fact]
    public async Task GetApplianceAsync_NotFound_ReturnsNull()
    {
        _api.GetApplianceAsync(5, Arg.Any<CancellationToken>()).ThrowsAsync(NotFound());

        Assert.Null(await _cloud.GetApplianceAsync(5, CancellationToken.None));
    }

    [Fact]
    public async Task GetApplianceAsync_OtherError_Throws()
    {
        _api.GetApplianceAsync(5, Arg.Any<CancellationToken>())
            .ThrowsAsync(new SakuraApiException(HttpStatusCode.Unauthorized, "unauthorized", "no", null));

        await Assert.ThrowsAsync<SakuraApiException>(() => _cloud.GetApplianceAsync(5, CancellationToken.None));
    }

    [Fact]
    public async Task FindLoadBalancersByTagsAsync_NoTags_IsRejected() =>
        await Assert.ThrowsAsync<ArgumentException>(() => _cloud.FindLoadBalancersByTagsAsync([], CancellationToken.None));

    [Fact]
    public async Task FindLoadBalancersByTagsAsync_SendsAndFilter_AndRechecksItClientSide()
    {
        SearchRequest? sent = null;
        _api.FindAppliancesAsync(Arg.Do<SearchRequest>(q => sent = q), Arg.Any<CancellationToken>()).Returns(new ApplianceListEnvelope
        {
            Total = 3,
            Appliances =
            [
                new SakuraAppliance { Id = 1, Class = "loadbalancer", Tags = ["@k8s", "@k8s.ClusterID=c1"] },
                new SakuraAppliance { Id = 2, Class = "loadbalancer", Tags = ["@k8s"] },
                new SakuraAppliance { Id = 3, Class = "vpcrouter", Tags = ["@k8s", "@k8s.ClusterID=c1"] },
            ],
        });

        var found = await _cloud.FindLoadBalancersByTagsAsync(["@k8s.ClusterID=c1", "@k8s"], CancellationToken.None);

        Assert.Equal([1L], found.Select(a => a.Id));
        var tags = sent!.Filter!["Tags.Name"]!.AsArray();
        Assert.Equal(["%40k8s", "%40k8s.ClusterID%3Dc1"], Assert.Single(tags)!.AsArray().Select(n => (string?)n));
        Assert.Equal("loadbalancer", (string?)sent.Filter["Class"]);
    }

    [Fact]
    public async Task FindServersByNamesAsync_ExactOnly_EvenIfTheServerMatchesPartially()
    {
        _api.FindServersAsync(Arg.Any<SearchRequest>(), Arg.Any<CancellationToken>()).Returns(new ServerListEnvelope
        {
            Total = 3,
            Servers =
            [
                new SakuraServer { Id = 1, Name = "worker01" },
                new SakuraServer { Id = 2, Name = "worker010" },
                new SakuraServer { Id = 3, Name = "Worker01" },
            ],
        });

        var found = await _cloud.FindServersByNamesAsync(["worker01"], CancellationToken.None);

        Assert.Equal([1L], found.Select(s => s.Id));
    }

    [Fact]
    public async Task FindServersByNamesAsync_ManyNames_AreSplitIntoBoundedQueries()
    {
        var names = Enumerable.Range(0, 1000).Select(i => $"node-{i:D4}.example.internal").ToList();
        var queries = new List<SearchRequest>();
        _api.FindServersAsync(Arg.Do<SearchRequest>(queries.Add), Arg.Any<CancellationToken>())
            .Returns(ci => new ServerListEnvelope
            {
                Servers = [.. ci.Arg<SearchRequest>().Filter!["Name"]!.AsArray().Select(n => new SakuraServer
                {
                    Id = long.Parse(((string)n!)[5..9], System.Globalization.CultureInfo.InvariantCulture) + 1,
                    Name = (string?)n,
                })],
            });

        var found = await _cloud.FindServersByNamesAsync(names, CancellationToken.None);

        Assert.Equal(1000, found.Count);
        Assert.True(queries.Count > 1);
        Assert.All(queries, q => Assert.True(
            Http.RawJsonQueryHandler.Apply(new Uri("http://h/server"), q).Query.Length < 8000));
        Assert.Equal(1000, queries.Sum(q => q.Filter!["Name"]!.AsArray().Count));
    }

    [Fact]
    public async Task FindRouterNetworksAsync_ReadsEachRoutersSwitch_AndSkipsNonMatches()
    {
        _api.FindInternetAsync(Arg.Any<SearchRequest>(), Arg.Any<CancellationToken>()).Returns(new InternetListEnvelope
        {
            Total = 2,
            Internet =
            [
                new SakuraInternet { Id = 10, Name = "k8s-router", Tags = ["@k8s"], Switch = new SakuraSwitch { Id = 11 } },
                new SakuraInternet { Id = 20, Name = "k8s-router-2", Tags = ["@k8s"], Switch = new SakuraSwitch { Id = 21 } },
            ],
        });
        _api.GetSwitchAsync(11, Arg.Any<CancellationToken>()).Returns(new SwitchEnvelope
        {
            Switch = new SakuraSwitch
            {
                Id = 11,
                Subnets =
                [
                    new SwitchSubnet
                    {
                        NetworkAddress = "203.0.113.96", NetworkMaskLen = 28, DefaultRoute = "203.0.113.97",
                        IPAddresses = new IPAddressRange { Min = "203.0.113.100", Max = "203.0.113.110" },
                    },
                ],
            },
        });

        var found = await _cloud.FindRouterNetworksAsync(new RouterQuery("k8s-router", ["@k8s"]), CancellationToken.None);

        var network = Assert.Single(found);
        Assert.Equal(11, network.SwitchId);
        Assert.Equal(10, network.InternetId);
        Assert.Equal(IPAddress.Parse("203.0.113.110"), network.PrimarySubnet?.AssignableMax);
        await _api.DidNotReceive().GetSwitchAsync(21, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task CreateLoadBalancerAsync_ThreeAddresses_IsRejected()
    {
        var request = new LoadBalancerCreateRequest
        {
            Name = "a1", SwitchId = 1, Vrid = 1, NetworkMaskLen = 28, IPAddresses = ["10.0.0.1", "10.0.0.2", "10.0.0.3"],
        };

        await Assert.ThrowsAsync<ArgumentException>(() => _cloud.CreateLoadBalancerAsync(request, CancellationToken.None));
        await _api.DidNotReceiveWithAnyArgs().CreateApplianceAsync(default!, default);
    }

    [Fact]
    public async Task CreateLoadBalancerAsync_BuildsTheWireBody()
    {
        ApplianceCreateEnvelope? sent = null;
        _api.CreateApplianceAsync(Arg.Do<ApplianceCreateEnvelope>(b => sent = b), Arg.Any<CancellationToken>())
            .Returns(new ApplianceEnvelope { Appliance = new SakuraAppliance { Id = 99 } });
        var request = new LoadBalancerCreateRequest
        {
            Name = "a1", Tags = ["b", "a", "b"], Plan = LoadBalancerPlan.HighSpec, SwitchId = 7, Vrid = 4, NetworkMaskLen = 28,
            DefaultRoute = "10.0.0.1", IPAddresses = ["10.0.0.5", "10.0.0.6"],
        };

        var created = await _cloud.CreateLoadBalancerAsync(request, CancellationToken.None);

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
    public async Task UpdateLoadBalancerSettingsAsync_FlagsOnlyAnswer_ReadsTheApplianceBack()
    {
        _api.UpdateApplianceAsync(5, Arg.Any<ApplianceUpdateEnvelope>(), Arg.Any<CancellationToken>()).Returns(new ApplianceEnvelope());
        _api.GetApplianceAsync(5, Arg.Any<CancellationToken>()).Returns(new ApplianceEnvelope { Appliance = new SakuraAppliance { Id = 5, SettingsHash = "h2" } });

        var updated = await _cloud.UpdateLoadBalancerSettingsAsync(5, new LoadBalancerSettingsUpdate { VirtualIPAddresses = [] }, CancellationToken.None);

        Assert.Equal("h2", updated.SettingsHash);
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

}
