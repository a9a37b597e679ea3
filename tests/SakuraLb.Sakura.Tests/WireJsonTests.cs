using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using SakuraLb.Sakura.Wire.Converters;

namespace SakuraLb.Sakura.Tests;

/// <summary>The tolerant JSON layer: what it accepts on read, and the exact shapes it writes.</summary>
public sealed class WireJsonTests
{
    [Theory]
    [InlineData("""{"ID":112800452761}""", 112800452761)]
    [InlineData("""{"ID":"112800452761"}""", 112800452761)]
    [InlineData("""{"id":"42"}""", 42)]
    public void ApplianceId_NumberOrString_ReadsTheSame(string json, long expected) =>
        Assert.Equal(expected, Deserialize(json, WireJson.TypeInfo<SakuraAppliance>()).Id);

    [Theory]
    [InlineData("""{"ID":"abc"}""")]
    [InlineData("""{"ID":true}""")]
    public void ApplianceId_NotANumber_Throws(string json) =>
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize(json, WireJson.TypeInfo<SakuraAppliance>()));

    [Theory]
    [InlineData("\"80\"", 80)]
    [InlineData("80", 80)]
    [InlineData("\"\"", null)]
    [InlineData("null", null)]
    [InlineData("\"n/a\"", null)]
    [InlineData("\"10.0\"", 10)]
    public void VipPort_StringNumber_ReadsLeniently(string raw, int? expected)
    {
        var vip = ReadSingleVip($$"""{"Port":{{raw}}}""");
        Assert.Equal(expected, vip.Port);
    }

    [Theory]
    [InlineData("\"True\"", true)]
    [InlineData("\"true\"", true)]
    [InlineData("\"TRUE\"", true)]
    [InlineData("\"on\"", true)]
    [InlineData("\"1\"", true)]
    [InlineData("true", true)]
    [InlineData("\"False\"", false)]
    [InlineData("\"false\"", false)]
    [InlineData("\"\"", false)]
    [InlineData("null", false)]
    [InlineData("false", false)]
    public void RealServerEnabled_StringFlag_ReadsCaseInsensitively(string raw, bool expected)
    {
        var json = $$$"""{"Settings":{"LoadBalancer":[{"Servers":[{"IPAddress":"10.0.0.1","Enabled":{{{raw}}}}]}]}}""";
        var appliance = Deserialize(json, WireJson.TypeInfo<SakuraAppliance>());
        Assert.Equal(expected, appliance.VirtualIPAddresses[0].Servers[0].Enabled);
    }

    [Theory]
    [InlineData("true", true, null)]
    [InlineData("false", false, null)]
    [InlineData("\"Accepted\"", true, "Accepted")]
    [InlineData("\"false\"", false, "false")]
    public void Success_BoolOrString_Reads(string raw, bool ok, string? text)
    {
        var envelope = Deserialize($$"""{"is_ok":true,"Success":{{raw}}}""", WireJson.TypeInfo<ApplianceEnvelope>());
        Assert.Equal(new SuccessFlag(ok, text), envelope.Success);
        Assert.True(envelope.IsOk);
    }

    [Theory]
    [InlineData("""{"Network":[],"Servers":[[]],"Switch":{"ID":"5"}}""")]
    [InlineData("""{"Network":"","Servers":[""],"Switch":{"ID":5}}""")]
    [InlineData("""{"Network":null,"Servers":null,"Switch":{"ID":5},"VRRP":[]}""")]
    [InlineData("""{"Servers":{},"Switch":{"ID":5},"Plan":[[]]}""")]
    public void Remark_PlaceholdersForEmptyObjects_ReadAsEmpty(string remark)
    {
        var appliance = Deserialize($$"""{"ID":1,"Remark":{{remark}}}""", WireJson.TypeInfo<SakuraAppliance>());
        var parsed = Assert.IsType<ApplianceRemark>(appliance.Remark);
        Assert.Null(parsed.Network);
        Assert.Empty(parsed.Servers);
        Assert.Equal(5, parsed.Switch?.Id);
    }

    [Theory]
    [InlineData("""{"ID":1}""")]
    [InlineData("""{"ID":1,"Tags":null,"Interfaces":null,"Settings":null}""")]
    [InlineData("""{"ID":1,"Tags":[],"Interfaces":[],"Settings":{"LoadBalancer":null}}""")]
    [InlineData("""{"ID":1,"Settings":[],"Tags":[""]}""")]
    public void Appliance_MissingOrNullLists_ReadAsEmptyNeverNull(string json)
    {
        var appliance = Deserialize(json, WireJson.TypeInfo<SakuraAppliance>());
        Assert.Empty(appliance.Tags);
        Assert.Empty(appliance.Interfaces);
        Assert.Empty(appliance.VirtualIPAddresses);
    }

    [Theory]
    [InlineData("up", InstanceStatus.Up)]
    [InlineData("UP", InstanceStatus.Up)]
    [InlineData("cleaning", InstanceStatus.Cleaning)]
    [InlineData("down", InstanceStatus.Down)]
    [InlineData("rebooting", InstanceStatus.Unknown)]
    [InlineData("", InstanceStatus.Unknown)]
    public void InstanceStatus_AnyCaseOrUnknown_Reads(string raw, InstanceStatus expected)
    {
        var appliance = Deserialize($$$"""{"ID":1,"Instance":{"Status":"{{{raw}}}"}}""", WireJson.TypeInfo<SakuraAppliance>());
        Assert.Equal(expected, appliance.InstanceStatus);
    }

    [Theory]
    [InlineData("available", ApplianceAvailability.Available)]
    [InlineData("migrating", ApplianceAvailability.Migrating)]
    [InlineData("transfering", ApplianceAvailability.Transferring)]
    [InlineData("TRANSFERRING", ApplianceAvailability.Transferring)]
    [InlineData("failed", ApplianceAvailability.Failed)]
    [InlineData("brand-new-state", ApplianceAvailability.Unknown)]
    public void Availability_KnownOrUnknown_Reads(string raw, ApplianceAvailability expected) =>
        Assert.Equal(expected, Deserialize($$"""{"ID":1,"Availability":"{{raw}}"}""", WireJson.TypeInfo<SakuraAppliance>()).Availability);

    [Fact]
    public void Appliance_MissingInstance_HasUnknownStatus() =>
        Assert.Equal(InstanceStatus.Unknown, Deserialize("""{"ID":1}""", WireJson.TypeInfo<SakuraAppliance>()).InstanceStatus);

    [Fact]
    public void VpcRouter_InterfacePositions_ArePreserved()
    {
        var json = """
            {"ID":7,"Class":"vpcrouter","Settings":{"Router":{"Interfaces":[
              {"IPAddress":["203.0.113.100","203.0.113.101"],"VirtualIPAddress":"203.0.113.102","IPAliases":["203.0.113.103"]},
              null,
              {"IPAddress":["192.168.0.2",null],"NetworkMaskLen":24}]}}}
            """;
        var router = Deserialize(json, WireJson.TypeInfo<SakuraAppliance>()).Settings?.Router;

        Assert.NotNull(router);
        Assert.Equal(3, router.Interfaces.Count);
        Assert.Equal("203.0.113.102", router.Interfaces[0]?.VirtualIPAddress);
        Assert.Equal(["203.0.113.103"], router.Interfaces[0]?.IPAliases);
        Assert.Null(router.Interfaces[1]);
        Assert.Equal(["192.168.0.2"], router.Interfaces[2]?.IPAddress);
    }

    [Fact]
    public void LoadBalancerStatus_StringNumbers_AndUpDown_Read()
    {
        var json = """
            {"LoadBalancer":[{"VirtualIPAddress":"203.0.113.101","Port":"80","CPS":"3",
              "Servers":[{"IPAddress":"203.0.113.104","Port":"80","Status":"UP","ActiveConn":"2","CPS":"1"},
                         {"IPAddress":"203.0.113.105","Port":"80","Status":"DOWN","ActiveConn":"0","CPS":"0"}]}],"is_ok":true}
            """;
        var vip = Assert.Single(Deserialize(json, WireJson.TypeInfo<LoadBalancerStatusEnvelope>()).LoadBalancer);

        Assert.Equal(80, vip.Port);
        Assert.Equal(3, vip.Cps);
        Assert.True(vip.Servers[0].IsUp);
        Assert.Equal(2, vip.Servers[0].ActiveConn);
        Assert.False(vip.Servers[1].IsUp);
    }

    [Fact]
    public void AuthStatus_UnwrappedBody_Reads()
    {
        var json = """{"Account":{"ID":"111","Name":"acct","Code":"c1"},"AuthClass":"account","AuthMethod":"apikey","IsAPIKey":true,"Permission":"create"}""";
        var status = Deserialize(json, WireJson.TypeInfo<AuthStatus>());

        Assert.Equal(111, status.Account?.Id);
        Assert.True(status.IsApiKey);
        Assert.Equal("create", status.Permission);
    }

    [Fact]
    public void CreateBody_Writes_TheWireShape()
    {
        var body = new ApplianceCreateEnvelope
        {
            Appliance = new ApplianceCreateBody
            {
                Name = "a123",
                Tags = ["@k8s"],
                Plan = new IdRef { Id = 1 },
                Remark = new ApplianceRemark
                {
                    Switch = new IdRef { Id = 112800452761 },
                    Vrrp = new VrrpRemark { Vrid = 3 },
                    Network = new NetworkRemark { NetworkMaskLen = 28, DefaultRoute = "203.0.113.97" },
                    Servers = [new RemarkServer { IPAddress = "203.0.113.100" }],
                    Plan = new IdRef { Id = 1 },
                },
                Settings = new ApplianceSettings
                {
                    LoadBalancer =
                    [
                        new LoadBalancerVip
                        {
                            VirtualIPAddress = "203.0.113.101",
                            Port = 80,
                            DelayLoop = 10,
                            Servers =
                            [
                                new LoadBalancerRealServer
                                {
                                    IPAddress = "203.0.113.104",
                                    Port = 80,
                                    Enabled = true,
                                    HealthCheck = new LoadBalancerHealthCheck { Protocol = "ping" },
                                },
                            ],
                        },
                    ],
                },
            },
        };

        var json = JsonNode.Parse(JsonSerializer.Serialize(body, WireJson.TypeInfo<ApplianceCreateEnvelope>()))!;
        var appliance = json["Appliance"]!;

        Assert.Equal("loadbalancer", (string?)appliance["Class"]);
        Assert.Equal(112800452761, (long)appliance["Remark"]!["Switch"]!["ID"]!);
        Assert.Equal(3, (int)appliance["Remark"]!["VRRP"]!["VRID"]!);
        Assert.Equal(28, (int)appliance["Remark"]!["Network"]!["NetworkMaskLen"]!);
        var vip = appliance["Settings"]!["LoadBalancer"]![0]!;
        Assert.Equal("80", (string?)vip["Port"]);
        Assert.Equal("10", (string?)vip["DelayLoop"]);
        var server = vip["Servers"]![0]!;
        Assert.Equal("True", (string?)server["Enabled"]);
        Assert.Equal("80", (string?)server["Port"]);
        var healthCheck = server["HealthCheck"]!.AsObject();
        Assert.Equal("ping", (string?)healthCheck["Protocol"]);
        Assert.False(healthCheck.ContainsKey("Path")); // nulls are left out
        Assert.False(healthCheck.ContainsKey("Status"));
        Assert.False(vip.AsObject().ContainsKey("SorryServer"));
    }

    [Fact]
    public void UpdateBody_EmptyVipList_IsWrittenAsEmptyArray_AndUnsetFieldsAreLeftOut()
    {
        var body = new ApplianceUpdateEnvelope
        {
            Appliance = new ApplianceUpdateBody { Settings = new ApplianceSettings(), SettingsHash = "abc" },
            OriginalSettingsHash = "abc",
        };

        var json = JsonSerializer.Serialize(body, WireJson.TypeInfo<ApplianceUpdateEnvelope>());

        // The lock travels top-level, next to Appliance, as Sakura's SDK sends it; the in-body copy is the Go client's form.
        Assert.Equal("""{"Appliance":{"Settings":{"LoadBalancer":[]},"SettingsHash":"abc"},"OriginalSettingsHash":"abc"}""", json);
    }

    [Fact]
    public void ShutdownRequest_Force_IsAPlainJsonBool_AndAGracefulOneIsAnEmptyObject()
    {
        Assert.Equal("""{"Force":true}""", JsonSerializer.Serialize(new ShutdownRequest { Force = true }, WireJson.TypeInfo<ShutdownRequest>()));
        Assert.Equal("{}", JsonSerializer.Serialize(new ShutdownRequest(), WireJson.TypeInfo<ShutdownRequest>()));
    }

    [Fact]
    public void EveryObjectOrListPropertyOfAResponse_WrongShape_ReadsAsNullOrEmpty()
    {
        string[] notAnObject = ["[]", "[[]]", "\"\"", "\"x\"", "0", "true", "null"];
        string[] notAList = ["{}", "\"\"", "0", "true", "null", "[[],\"\",null,7]"];
        var checkedProperties = 0;
        foreach (var (owner, property) in ResponseProperties())
        {
            var isList = property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(IReadOnlyList<>);
            if (property.Get is null || (!isList && !IsWireRecord(property.PropertyType)))
            {
                // A [JsonIgnore] convenience, or a scalar.
                continue;
            }

            foreach (var raw in isList ? notAList : notAnObject)
            {
                var read = JsonSerializer.Deserialize($$"""{"{{property.Name}}":{{raw}}}""", owner);
                Assert.NotNull(read);
                var value = property.Get!(read);
                if (property.CustomConverter is PositionalListConverter<VpcRouterInterfaceSetting>)
                {
                    // Positions mean something: a placeholder element stays, as null.
                    Assert.All(Assert.IsType<IReadOnlyList<VpcRouterInterfaceSetting?>>(value, exactMatch: false), Assert.Null);
                }
                else if (isList)
                {
                    Assert.True(value is System.Collections.ICollection { Count: 0 }, $"{owner.Type.Name}.{property.Name} from {raw}");
                }
                else
                {
                    Assert.True(value is null, $"{owner.Type.Name}.{property.Name} from {raw}");
                }
            }

            checkedProperties++;
        }

        Assert.True(checkedProperties > 40, $"only {checkedProperties} properties found");
    }

    /// <summary>Every property of every object a response can hold, walking down from what <c>ISakuraApi</c> returns.</summary>
    private static IEnumerable<(JsonTypeInfo Owner, JsonPropertyInfo Property)> ResponseProperties()
    {
        Type[] roots =
        [
            typeof(ApplianceEnvelope), typeof(ApplianceListEnvelope), typeof(InternetEnvelope), typeof(InternetListEnvelope),
            typeof(SwitchEnvelope), typeof(SwitchListEnvelope), typeof(ServerListEnvelope), typeof(LoadBalancerStatusEnvelope),
            typeof(AuthStatus), typeof(SakuraErrorBody),
        ];
        var seen = new HashSet<Type>();
        var pending = new Queue<Type>(roots);
        while (pending.TryDequeue(out var type))
        {
            if (!seen.Add(type))
            {
                continue;
            }

            var owner = WireJson.Options.GetTypeInfo(type);
            foreach (var property in owner.Properties)
            {
                yield return (owner, property);
                var inner = property.PropertyType.IsGenericType ? property.PropertyType.GenericTypeArguments[0] : property.PropertyType;
                if (IsWireRecord(inner))
                {
                    pending.Enqueue(inner);
                }
            }
        }
    }

    private static bool IsWireRecord(Type type) => type.IsClass && type.Namespace == typeof(WireJson).Namespace;

    private static T Deserialize<T>(string json, JsonTypeInfo<T> typeInfo)
    {
        var value = JsonSerializer.Deserialize(json, typeInfo);
        Assert.NotNull(value);
        return value;
    }

    private static LoadBalancerVip ReadSingleVip(string vipJson)
    {
        var appliance = Deserialize($$$"""{"ID":1,"Settings":{"LoadBalancer":[{{{vipJson}}}]}}""", WireJson.TypeInfo<SakuraAppliance>());
        return Assert.Single(appliance.VirtualIPAddresses);
    }
}
