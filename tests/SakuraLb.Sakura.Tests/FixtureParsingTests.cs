using SakuraLb.Sakura.Mapping;

namespace SakuraLb.Sakura.Tests;

/// <summary>Every real API response sample parses, with the values that matter read correctly.</summary>
public sealed class FixtureParsingTests
{
    private static readonly string FixtureDirectory = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    /// <summary>Each fixture file and the test that covers it; a new file must be added here.</summary>
    private static readonly string[] CoveredFixtures =
    [
        "appliance-loadbalancer.json",
        "internet.json",
        "server.json",
        "switch-of-router.json",
        "switch-private.json",
        "switch-shared-segment.json",
    ];

    [Fact]
    public async Task ApplianceLoadBalancer_Parses_WithStringNumbersFlagsAndRemark()
    {
        var lb = await ParseAsync<SakuraAppliance>("appliance-loadbalancer.json");

        Assert.Equal(123456789012, lb.Id);
        Assert.Equal("loadbalancer", lb.Class);
        Assert.Equal("ろおどばらんさ", lb.Name);
        Assert.Equal(["ああ", "いい", "うう"], lb.Tags);
        Assert.Equal(ApplianceAvailability.Available, lb.Availability);
        Assert.Equal(InstanceStatus.Up, lb.InstanceStatus);
        Assert.Equal(1, lb.Plan?.Id);
        Assert.Equal(new DateTimeOffset(2016, 4, 29, 18, 27, 18, TimeSpan.FromHours(9)), lb.CreatedAt);
        Assert.Equal(112800442260, lb.Switch?.Id);
        Assert.Equal("924521e812f96157a83d138c79d423fb", lb.SettingsHash);

        var remark = Assert.IsType<ApplianceRemark>(lb.Remark);
        Assert.Equal(123456789012, remark.Switch?.Id); // a string on the wire
        Assert.Equal(1, remark.Vrrp?.Vrid);
        Assert.Equal(24, remark.Network?.NetworkMaskLen);
        Assert.Equal("192.168.200.1", remark.Network?.DefaultRoute);
        Assert.Equal("192.168.200.11", Assert.Single(remark.Servers).IPAddress);
        Assert.Equal(1, remark.Plan?.Id);
        Assert.Equal(31002, remark.Zone?.Id);

        var vip = Assert.Single(lb.VirtualIPAddresses);
        Assert.Equal("192.168.200.50", vip.VirtualIPAddress);
        Assert.Equal(80, vip.Port);
        Assert.Equal(1000, vip.DelayLoop);
        Assert.Equal("", vip.SorryServer);
        Assert.Equal(2, vip.Servers.Count);
        var http = vip.Servers[0];
        Assert.Equal("192.168.200.51", http.IPAddress);
        Assert.Equal(80, http.Port);
        Assert.True(http.Enabled);
        Assert.Equal("http", http.HealthCheck?.Protocol);
        Assert.Equal("/index.html", http.HealthCheck?.Path);
        Assert.Equal(200, http.HealthCheck?.Status);
        Assert.Equal("ping", vip.Servers[1].HealthCheck?.Protocol);

        var nic = Assert.Single(lb.Interfaces);
        Assert.Null(nic.IPAddress);
        Assert.Equal("192.168.200.11", nic.UserIPAddress);
        Assert.Equal(24, nic.Switch?.UserSubnet?.NetworkMaskLen);
    }

    [Fact]
    public async Task Internet_Parses_WithReducedSwitchView()
    {
        var router = await ParseAsync<SakuraInternet>("internet.json");

        Assert.Equal(112800452760, router.Id);
        Assert.Equal("るーた", router.Name);
        Assert.Equal(["hoge", "hoge2"], router.Tags);
        Assert.Equal(100, router.BandWidthMbps);
        Assert.Equal(28, router.NetworkMaskLen);
        Assert.Equal("is1b", router.Zone?.Name);
        var routerSwitch = Assert.IsType<SakuraSwitch>(router.Switch);
        Assert.Equal(112800452761, routerSwitch.Id);
        var subnet = Assert.Single(routerSwitch.Subnets);
        Assert.Equal("133.242.253.96", subnet.NetworkAddress);
        Assert.Equal("133.242.253.97", subnet.DefaultRoute);
        Assert.Null(subnet.IPAddresses); // the reduced view has no range
    }

    [Fact]
    public async Task Server_Parses_WithSharedAndPrivateNics()
    {
        var server = await ParseAsync<SakuraServer>("server.json");

        Assert.Equal(999999999999, server.Id);
        Assert.Equal("lisacloud-test-server-name", server.Name);
        Assert.Equal(ApplianceAvailability.Available, server.Availability);
        Assert.Equal(InstanceStatus.Up, server.InstanceStatus);
        Assert.Equal(InstanceStatus.Down, server.Instance?.BeforeStatus);
        Assert.Equal("is1b", server.Zone?.Name);
        Assert.Equal(1, server.ServerPlan?.Cpu);
        Assert.Equal(["@virtio-net-pci"], server.Tags);
        Assert.Equal(2, server.Interfaces.Count);

        var shared = server.Interfaces[0];
        Assert.Equal("133.242.224.41", shared.IPAddress);
        Assert.Null(shared.UserIPAddress);
        Assert.Equal("shared", shared.Switch?.Scope);
        Assert.Null(shared.Switch?.Subnet?.Id);
        Assert.Equal("133.242.224.0", shared.Switch?.Subnet?.NetworkAddress);

        var user = server.Interfaces[1];
        Assert.Null(user.IPAddress);
        Assert.Equal("192.168.200.50", user.UserIPAddress);
        Assert.Equal("user", user.Switch?.Scope);
        Assert.Null(user.Switch?.Subnet);
    }

    [Fact]
    public async Task SwitchOfRouter_Parses_WithAssignableRange()
    {
        var sakuraSwitch = await ParseAsync<SakuraSwitch>("switch-of-router.json");

        Assert.Equal(123456789012, sakuraSwitch.Id);
        Assert.Equal(123456789012, sakuraSwitch.Internet?.Id);
        var subnet = Assert.Single(sakuraSwitch.Subnets);
        Assert.Equal("133.242.253.100", subnet.IPAddresses?.Min);
        Assert.Equal("133.242.253.110", subnet.IPAddresses?.Max);

        var network = WireMapper.ToRouter(sakuraSwitch, router: null);
        Assert.NotNull(network);
        Assert.Equal(new Ipv4Block(Ipv4Address.Parse("133.242.253.96"), 28), network.Block);
        Assert.Equal(Ipv4Address.Parse("133.242.253.97"), network.DefaultRoute);
        Assert.Equal(new Ipv4Range(Ipv4Address.Parse("133.242.253.100"), Ipv4Address.Parse("133.242.253.110")), network.AssignableRange);
        Assert.Equal(123456789012, network.Id);
        Assert.Empty(network.NextHops);
    }

    [Fact]
    public async Task SwitchPrivate_Parses_AsPlainUserSwitch()
    {
        var nicSwitch = await ParseAsync<SwitchRef>("switch-private.json");

        Assert.Equal(123456789012, nicSwitch.Id);
        Assert.Equal("user", nicSwitch.Scope);
        Assert.Null(nicSwitch.Subnet);
        Assert.Equal("192.168.200.1", nicSwitch.UserSubnet?.DefaultRoute);
        Assert.Equal(24, nicSwitch.UserSubnet?.NetworkMaskLen);
    }

    [Fact]
    public async Task SwitchSharedSegment_Parses_WithNullSubnetId()
    {
        var nicSwitch = await ParseAsync<SwitchRef>("switch-shared-segment.json");

        Assert.Equal("shared", nicSwitch.Scope);
        Assert.Null(nicSwitch.Subnet?.Id);
        Assert.Equal("133.242.224.1", nicSwitch.Subnet?.DefaultRoute);
        Assert.Equal(24, nicSwitch.Subnet?.NetworkMaskLen);
    }

    [Fact]
    public void FixtureDirectory_HoldsOnlyCoveredFiles()
    {
        var present = Directory.GetFiles(FixtureDirectory, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(CoveredFixtures.Order(StringComparer.Ordinal), present);
    }

    [Fact]
    public void FixtureCopies_EqualTheReferenceFolder_WhenPresent()
    {
        var reference = FindReferenceFolder();
        if (reference is null)
        {
            return; // a clean clone without the reference folder beside it: the copies are the data
        }

        var originals = Directory.GetFiles(reference, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(CoveredFixtures.Order(StringComparer.Ordinal), originals);
        foreach (var name in CoveredFixtures)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(reference, name)), File.ReadAllBytes(Path.Combine(FixtureDirectory, name)));
        }
    }

    /// <summary>Reads a fixture as the client reads a response: through the content serializer of its own Refit settings.</summary>
    private static async Task<T> ParseAsync<T>(string file)
    {
        using var content = new StringContent(await File.ReadAllTextAsync(Path.Combine(FixtureDirectory, file)));
        var value = await ServiceCollectionExtensions.CreateRefitSettings().ContentSerializer.FromHttpContentAsync<T>(content);
        Assert.NotNull(value);
        return value;
    }

    private static string? FindReferenceFolder()
    {
        var candidate = Path.GetFullPath(Path.Combine(Repository.Root, "..", "shared", "sakura-fixtures", "real"));
        return Directory.Exists(candidate) ? candidate : null;
    }
}
