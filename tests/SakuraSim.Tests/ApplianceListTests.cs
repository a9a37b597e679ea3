using System.Globalization;
using System.Text.Json;

namespace SakuraSim.Tests;

/// <summary>
/// <c>GET /appliance</c> over every class, page by page: each item carries
/// what a controller compares to find used addresses and VRIDs — top-level <c>Switch.ID</c>,
/// <c>Interfaces[].Switch.ID</c>, <c>Remark</c> and <c>Settings</c>.
/// </summary>
public sealed class ApplianceListTests : SimulatorTests
{
    private const int LoadBalancers = 12;

    private long plain;
    private long standardVpc;
    private long premiumVpc;
    private long database;

    private protected override async Task PrepareAsync()
    {
        var sw = await Sim.ControlAsync(HttpMethod.Post, "/_sim/switches", """{"name":"lbnet","userSubnet":{"defaultRoute":"10.0.0.1","networkMaskLen":16}}""");
        plain = sw.Json["ID"]!.GetValue<long>();
        for (var i = 1; i <= LoadBalancers; i++)
        {
            var body = Bodies.CreateLoadBalancer(name: $"lb-{i:D2}", ip: $"10.0.1.{i}", vip: $"10.0.2.{i}", settings: Bodies.Settings(vip: $"10.0.2.{i}"),
                switchId: plain, maskLen: 16, defaultRoute: "10.0.0.1", vrid: i);
            AssertOk(await Sim.SendAsync(HttpMethod.Post, "/appliance", body), HttpStatusCode.Created);
        }

        // A standard VPC router: public side on the shared segment, private side on the plain switch.
        standardVpc = await SeedAsync("""
            {"Class":"vpcrouter","Name":"vpc-standard","Tags":[],"Plan":{"ID":1},
             "Remark":{"Switch":{"Scope":"shared"},"Servers":[[]],"Zone":{"ID":31001}},
             "Interfaces":[{"Switch":{"Scope":"shared"}},{"Switch":{"ID":"PLAIN"}}],
             "Settings":{"Router":{"Interfaces":[null,{"IPAddress":["10.0.0.254"],"NetworkMaskLen":16}]}}}
            """);
        // A premium VPC router on the router+switch, with its own private NIC on the plain switch too.
        premiumVpc = await SeedAsync("""
            {"Class":"vpcrouter","Name":"vpc-premium","Tags":[],"Plan":{"ID":2},
             "Remark":{"Switch":{"ID":"ROUTER_SWITCH"},"VRRP":{"VRID":7},"Servers":[{"IPAddress":"203.0.113.108"},{"IPAddress":"203.0.113.109"}]},
             "Interfaces":[{"Switch":{"ID":"ROUTER_SWITCH"}},{"Switch":{"ID":"PLAIN"}}],
             "Settings":{"Router":{"VRID":7,"Interfaces":[
               {"IPAddress":["203.0.113.108","203.0.113.109"],"VirtualIPAddress":"203.0.113.110","IPAliases":[]},
               {"IPAddress":["10.0.0.2","10.0.0.3"],"VirtualIPAddress":"10.0.0.4","NetworkMaskLen":16}]}}}
            """);
        // A database on the plain switch, given without Interfaces (the simulator adds its NIC).
        database = await SeedAsync("""
            {"Class":"database","Name":"db","Tags":[],"Plan":{"ID":10},
             "Remark":{"Switch":{"ID":"PLAIN"},"Network":{"NetworkMaskLen":16,"DefaultRoute":"10.0.0.1"},
                       "Servers":[{"IPAddress":"10.0.3.1"}],"Zone":{"ID":31001}},
             "Settings":{"DBConf":{"Common":{"ServicePort":"5432"}}}}
            """);
        Sim.Advance(TimeSpan.FromMinutes(2));
    }

    /// <summary>Plants an appliance; PLAIN and ROUTER_SWITCH in its JSON stand for the two switches' IDs.</summary>
    private async Task<long> SeedAsync(string appliance)
    {
        appliance = appliance
            .Replace("PLAIN", plain.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("ROUTER_SWITCH", SimHarness.SwitchId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var seeded = await Sim.ControlAsync(HttpMethod.Post, "/_sim/appliances", "{\"state\":\"up\",\"appliance\":" + appliance + "}");
        AssertOk(seeded, HttpStatusCode.Created);
        return seeded.Json["ID"]!.GetValue<long>();
    }

    private static long Id(JsonNode? node) => long.Parse(node!.ToString(), CultureInfo.InvariantCulture);

    [Fact]
    public async Task Pages_CoverEveryApplianceOfEveryClassOnce_EachWithWhatAControllerCompares()
    {
        var items = new List<JsonNode>();
        for (var from = 0; from < 40; from += 4)
        {
            var page = await Sim.GetAsync($$"""/appliance?{"From":{{from}},"Count":4}""", bigint: true);
            AssertOk(page);
            Assert.Equal(LoadBalancers + 3, page.Json["Total"]!.GetValue<int>());
            items.AddRange(page.Json["Appliances"]!.AsArray().Select(a => a!));
        }

        Assert.Equal(LoadBalancers + 3, items.Count);
        Assert.Equal(items.Count, items.Select(a => Id(a["ID"])).Distinct().Count());
        foreach (var lb in items.Where(a => Str(a["Class"]) == "loadbalancer"))
        {
            Assert.Equal(plain, lb["Switch"]!["ID"]!.GetValue<long>());
            Assert.All(lb["Interfaces"]!.AsArray(), n => Assert.Equal(plain, n!["Switch"]!["ID"]!.GetValue<long>()));
            Assert.Equal(JsonValueKind.String, lb["Remark"]!["Switch"]!["ID"]!.GetValueKind());
            Assert.Equal(plain, Id(lb["Remark"]!["Switch"]!["ID"]));
            Assert.InRange(lb["Remark"]!["VRRP"]!["VRID"]!.GetValue<int>(), 1, LoadBalancers);
            Assert.Equal(16, lb["Remark"]!["Network"]!["NetworkMaskLen"]!.GetValue<int>());
            Assert.Equal("10.0.0.1", Str(lb["Remark"]!["Network"]!["DefaultRoute"]));
            Assert.StartsWith("10.0.1.", Str(lb["Remark"]!["Servers"]![0]!["IPAddress"]), StringComparison.Ordinal);
            Assert.StartsWith("10.0.2.", Str(lb["Settings"]!["LoadBalancer"]![0]!["VirtualIPAddress"]), StringComparison.Ordinal);
            Assert.Equal("up", Str(lb["Instance"]!["Status"]));
        }

        var standard = items.Single(a => Id(a["ID"]) == standardVpc);
        Assert.Null(standard["Switch"]);
        Assert.Equal("shared", Str(standard["Interfaces"]![0]!["Switch"]!["Scope"]));
        Assert.Equal("100.127.1.4", Str(standard["Interfaces"]![0]!["IPAddress"]));
        Assert.Equal(plain, standard["Interfaces"]![1]!["Switch"]!["ID"]!.GetValue<long>());
        Assert.Null(standard["Interfaces"]![1]!["Switch"]!["Subnet"]);
        Assert.Equal("10.0.0.254", Str(standard["Settings"]!["Router"]!["Interfaces"]![1]!["IPAddress"]![0]));

        var premium = items.Single(a => Id(a["ID"]) == premiumVpc);
        Assert.Equal(SimHarness.SwitchId, premium["Switch"]!["ID"]!.GetValue<long>());
        Assert.Equal(SimHarness.RouterId, premium["Switch"]!["Internet"]!["ID"]!.GetValue<long>());
        Assert.Equal(JsonValueKind.String, premium["Remark"]!["Switch"]!["ID"]!.GetValueKind());
        Assert.Equal(SimHarness.SwitchId, premium["Interfaces"]![0]!["Switch"]!["ID"]!.GetValue<long>());
        Assert.Equal("203.0.113.96", Str(premium["Interfaces"]![0]!["Switch"]!["Subnet"]!["NetworkAddress"]));
        Assert.Equal(7, premium["Remark"]!["VRRP"]!["VRID"]!.GetValue<int>());
        Assert.Equal("203.0.113.110", Str(premium["Settings"]!["Router"]!["Interfaces"]![0]!["VirtualIPAddress"]));
        Assert.Matches("^[0-9a-f]{32}$", Str(premium["SettingsHash"]));

        var db = items.Single(a => Id(a["ID"]) == database);
        Assert.Equal(plain, db["Switch"]!["ID"]!.GetValue<long>());
        Assert.Equal("10.0.3.1", Str(db["Interfaces"]![0]!["UserIPAddress"]));
        Assert.Equal(plain, db["Interfaces"]![0]!["Switch"]!["ID"]!.GetValue<long>());
        Assert.Equal("10.0.3.1", Str(db["Remark"]!["Servers"]![0]!["IPAddress"]));
        Assert.Equal(16, db["Remark"]!["Network"]!["NetworkMaskLen"]!.GetValue<int>());
    }

    [Fact]
    public async Task ClassFilter_PagesOverLoadBalancersOnly()
    {
        var last = await Sim.GetAsync("""/appliance?{"Filter":{"Class":"loadbalancer"},"From":10,"Count":10}""");

        Assert.Equal(LoadBalancers, last.Json["Total"]!.GetValue<int>());
        Assert.Equal(2, last.Json["Count"]!.GetValue<int>());
        Assert.Equal(["lb-11", "lb-12"], last.Json["Appliances"]!.AsArray().Select(a => Str(a!["Name"])));
    }

    [Fact]
    public async Task TagAndClassFilter_WithPaging_AsABatchLbSearchSendsIt()
    {
        var page = await Sim.GetAsync("""/appliance?{"Filter":{"Class":"loadbalancer","Tags.Name":[["@k8s","@k8s.ClusterID=default"]]},"From":0,"Count":5,"Sort":["-Name"]}""");

        Assert.Equal(LoadBalancers, page.Json["Total"]!.GetValue<int>());
        Assert.Equal(["lb-12", "lb-11", "lb-10", "lb-09", "lb-08"], page.Json["Appliances"]!.AsArray().Select(a => Str(a!["Name"])));
    }

    [Fact]
    public async Task IdAndClassFilter_AsTheBatchedPollSendsIt_ListsExactlyThoseLoadBalancers()
    {
        var all = (await Sim.GetAsync("/appliance", bigint: true)).Json["Appliances"]!.AsArray();
        string IdOf(string name) => all.Single(a => Str(a!["Name"]) == name)!["ID"]!.ToString();
        var ids = new[] { IdOf("lb-03"), IdOf("lb-07"), standardVpc.ToString(CultureInfo.InvariantCulture), "112899999999" };

        var found = await Sim.GetAsync($$"""/appliance?{"Filter":{"Class":"loadbalancer","ID":["{{string.Join("\",\"", ids)}}"]},"From":0,"Count":100,"Sort":["ID"]}""");

        // Exact match, any of the IDs (OR), and the class too: the VPC router and an unknown ID are not listed.
        Assert.Equal(2, found.Json["Total"]!.GetValue<int>());
        Assert.Equal(["lb-03", "lb-07"], found.Json["Appliances"]!.AsArray().Select(a => Str(a!["Name"])));
    }

    [Fact]
    public async Task PlainSwitch_CountsAndListsEveryApplianceWithANicOnIt()
    {
        var sw = (await Sim.GetAsync($"/switch/{plain}")).Json["Switch"]!;
        var listed = (await Sim.GetAsync($"/switch/{plain}/appliance", bigint: true)).Json["Appliances"]!.AsArray();

        Assert.Equal(LoadBalancers + 3, sw["ApplianceCount"]!.GetValue<int>());
        Assert.Equal(LoadBalancers + 3, listed.Count);
        Assert.Equal(1, (await Sim.GetAsync($"/switch/{SimHarness.SwitchId}")).Json["Switch"]!["ApplianceCount"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("10.0.0.4")] // the premium VPC router's virtual address on its private NIC
    [InlineData("10.0.0.254")] // the standard VPC router's private address
    [InlineData("10.0.3.1")] // the database
    public async Task IpClashCheck_SeesTheAddressesOfVpcRoutersAndDatabases(string taken)
    {
        AssertOk(await Sim.ControlAsync(HttpMethod.Put, "/_sim/config", """{"ipClashCheck":true}"""));
        var body = Bodies.CreateLoadBalancer(name: "late", ip: taken, vip: "10.0.2.99", settings: Bodies.Settings(vip: "10.0.2.99"),
            switchId: plain, maskLen: 16, defaultRoute: "10.0.0.1", vrid: 99);

        var message = AssertError(await Sim.SendAsync(HttpMethod.Post, "/appliance", body), HttpStatusCode.BadRequest, "bad_request");

        Assert.Contains($"{taken} is already used by appliance", message, StringComparison.Ordinal);
    }
}
