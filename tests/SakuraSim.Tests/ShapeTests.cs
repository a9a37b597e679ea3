using System.Globalization;

namespace SakuraSim.Tests;

/// <summary>
/// The simulator's answers against real API responses (Fixtures/): the same fields with the same JSON
/// types, so a client that parses the simulator parses the real API.
/// </summary>
public sealed class ShapeTests : SimulatorTests
{
    private long privateSwitchId;

    private protected override async Task PrepareAsync()
    {
        // The real samples' private switch: "すうぃっち", 192.168.200.1/24.
        var sw = await Sim.ControlAsync(HttpMethod.Post, "/_sim/switches",
            """{"name":"すうぃっち","userSubnet":{"defaultRoute":"192.168.200.1","networkMaskLen":24}}""");
        privateSwitchId = sw.Json["ID"]!.GetValue<long>();
    }

    private static void AssertSameShape(JsonNode real, JsonNode simulated, params string[] ignored)
    {
        var differences = JsonShape.Differences(real, simulated, ignored.ToHashSet(StringComparer.Ordinal));
        Assert.True(differences.Count == 0, "shape differs from the real response:\n" + string.Join("\n", differences) + "\n" + simulated.ToJsonString());
    }

    [Fact]
    public void Comparer_ReportsMissingFieldsAndTypeChanges_AndIgnoresNullsAndLeftOutPaths()
    {
        var real = JsonNode.Parse("""{"A":1,"B":{"C":"x","D":null},"E":[{"F":true}],"G":"skip"}""");
        var simulated = JsonNode.Parse("""{"A":"1","B":{},"E":[{"F":"True"}]}""");

        var differences = JsonShape.Differences(real, simulated, new HashSet<string>(["G"], StringComparer.Ordinal));

        Assert.Equal(["A: real number, simulated string", "B.C: missing", "E[].F: real boolean, simulated string"], differences);
    }

    [Fact]
    public async Task Server_WithASharedSegmentNicAndAPrivateNic_HasTheRealShape()
    {
        // The real sample: NIC0 on the shared segment, NIC1 on a private switch at 192.168.200.50.
        var created = await Sim.ControlAsync(HttpMethod.Post, "/_sim/servers", $$"""
            {"zone":"is1b","name":"lisacloud-test-server-name","tags":["@virtio-net-pci"],
             "plan":{"cpu":1,"memoryMB":1024,"generation":100},
             "interfaces":[{"sharedSegment":true},{"switchId":0,"ipAddress":"192.168.200.50"}]}
            """.Replace("\"switchId\":0", "\"switchId\":" + await SwitchInAsync("is1b"), StringComparison.Ordinal));
        AssertOk(created, HttpStatusCode.Created);

        var server = (await Sim.GetAsync($"/server/{created.Json["ID"]}", zone: "is1b", bigint: true)).Json["Server"]!;

        AssertSameShape(JsonShape.Fixture("server.json"), server,
            // Not simulated: zone furniture, migration and host details, the CD-ROM, disks, packet filters.
            "Zone.DisplayOrder", "Zone.VNCProxy", "Zone.FTPServer", "Zone.Settings", "Zone.Region.NameServers",
            "Instance.Server", "Instance.Host", "Instance.CDROM", "Instance.CDROMStorage", "Disks", "Interfaces[].PacketFilter");
        Assert.Equal("プラン/1Core-1GB", Str(server["ServerPlan"]!["Name"]));
        Assert.Equal("cloud/plan/1core-1gb", Str(server["ServiceClass"]));
        Assert.Equal(100001001, server["ServerPlan"]!["ID"]!.GetValue<long>());
        Assert.Equal("石狩", Str(server["Zone"]!["Region"]!["Name"]));
    }

    [Fact]
    public async Task NicSwitches_OfAPrivateSwitchAndOfTheSharedSegment_HaveTheRealShape()
    {
        var created = await Sim.ControlAsync(HttpMethod.Post, "/_sim/servers", $$"""
            {"name":"two-nics","interfaces":[{"sharedSegment":true},{"switchId":{{privateSwitchId}},"ipAddress":"192.168.200.50"}]}
            """);
        var nics = created.Json["Interfaces"]!.AsArray();

        AssertSameShape(JsonShape.Fixture("switch-shared-segment.json"), nics[0]!["Switch"]!);
        AssertSameShape(JsonShape.Fixture("switch-private.json"), nics[1]!["Switch"]!);
        Assert.Equal("shared", Str(nics[0]!["Switch"]!["Scope"]));
        Assert.Null(nics[0]!["Switch"]!["Subnet"]!["ID"]);
        Assert.Null(nics[1]!["Switch"]!["Subnet"]);
        Assert.Equal("192.168.200.1", Str(nics[1]!["Switch"]!["UserSubnet"]!["DefaultRoute"]));
    }

    [Fact]
    public async Task LoadBalancer_BuiltFromTheRealSample_ReadsBackWithTheRealShape()
    {
        // Create what the sample describes: its Remark and Settings, on a private switch like its own.
        var real = JsonShape.Fixture("appliance-loadbalancer.json").AsObject();
        var body = new JsonObject
        {
            ["Appliance"] = new JsonObject
            {
                ["Class"] = "loadbalancer",
                ["Name"] = real["Name"]!.DeepClone(),
                ["Description"] = real["Description"]!.DeepClone(),
                ["Tags"] = real["Tags"]!.DeepClone(),
                ["Plan"] = real["Plan"]!.DeepClone(),
                ["Remark"] = real["Remark"]!.DeepClone(),
                ["Settings"] = real["Settings"]!.DeepClone(),
            },
        };
        body["Appliance"]!["Remark"]!["Switch"]!["ID"] = privateSwitchId.ToString(CultureInfo.InvariantCulture);
        var id = CreatedId(await Sim.SendAsync(HttpMethod.Post, "/appliance", body.ToJsonString()));
        Sim.Advance(TimeSpan.FromMinutes(2));

        var read = (await Sim.GetAsync($"/appliance/{id}", bigint: true)).Json["Appliance"]!;

        AssertSameShape(real, read,
            // Icon is echoed as sent; Status/ActiveConn inside Settings are an old API's (live health is /status).
            "Icon", "Settings.LoadBalancer[].Servers[].Status", "Settings.LoadBalancer[].Servers[].ActiveConn");
        Assert.Equal(real["Settings"]!.ToJsonString(), RemoveOldStatus(real["Settings"]!, read["Settings"]!));
    }

    /// <summary>The real settings without the old per-server status fields, as the simulator must store them.</summary>
    private static string RemoveOldStatus(JsonNode real, JsonNode simulated)
    {
        var expected = real.DeepClone();
        foreach (var server in expected["LoadBalancer"]!.AsArray().SelectMany(v => v!["Servers"]!.AsArray()))
        {
            server!.AsObject().Remove("Status");
            server.AsObject().Remove("ActiveConn");
        }

        // Same keys and values, order as the simulator writes them.
        Assert.True(JsonNode.DeepEquals(expected, simulated), $"expected {expected.ToJsonString()}, got {simulated.ToJsonString()}");
        return real.ToJsonString();
    }

    private async Task<long> SwitchInAsync(string zone)
    {
        var sw = await Sim.ControlAsync(HttpMethod.Post, "/_sim/switches",
            $$$"""{"zone":"{{{zone}}}","name":"すうぃっち","userSubnet":{"defaultRoute":"192.168.200.1","networkMaskLen":24}}""");
        return sw.Json["ID"]!.GetValue<long>();
    }
}
