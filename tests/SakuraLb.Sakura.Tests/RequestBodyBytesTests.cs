namespace SakuraLb.Sakura.Tests;

/// <summary>
/// What the client puts on the wire, byte for byte: every request record, filled as far as it goes, written by the
/// client's own content serializer (bodies) or query handler (searches). The expected texts were captured before
/// the wire records lost their per-property converters, so a change in how they are written shows up here.
/// </summary>
public sealed class RequestBodyBytesTests
{
    [Fact]
    public async Task CreateBody_EveryFieldSet_IsSentExactly()
    {
        var body = new ApplianceCreateEnvelope
        {
            Appliance = new ApplianceCreateBody
            {
                Name = "a123",
                Description = "ns/web <\"ろーど\"> & 'x'+y",
                Tags = ["@k8s", "@k8s.Service=ns/web"],
                Plan = new IdRef { Id = 2 },
                Remark = new ApplianceRemark
                {
                    Zone = new IdRef { Id = 31002 },
                    Switch = new IdRef { Id = 112800452761 },
                    Vrrp = new VrrpRemark { Vrid = 3 },
                    Network = new NetworkRemark { NetworkMaskLen = 28, DefaultRoute = "203.0.113.97" },
                    Servers = [new RemarkServer { IPAddress = "203.0.113.100" }, new RemarkServer { IPAddress = "203.0.113.99" }],
                    Plan = new IdRef { Id = 2 },
                },
                Settings = new ApplianceSettings
                {
                    LoadBalancer =
                    [
                        new LoadBalancerVip
                        {
                            VirtualIPAddress = "203.0.113.101",
                            Port = 443,
                            DelayLoop = 10,
                            SorryServer = "203.0.113.120",
                            Description = "ns/web:https",
                            Servers =
                            [
                                new LoadBalancerRealServer
                                {
                                    IPAddress = "203.0.113.104",
                                    Port = 30443,
                                    Enabled = true,
                                    HealthCheck = new LoadBalancerHealthCheck
                                    {
                                        Protocol = "https",
                                        Path = "/healthz",
                                        Status = 200,
                                        Host = "web.example",
                                        Port = 30444,
                                        Retry = 3,
                                        ConnectTimeout = 5,
                                    },
                                },
                                new LoadBalancerRealServer { IPAddress = "203.0.113.105", Port = 30443, Enabled = false },
                            ],
                        },
                        new LoadBalancerVip { VirtualIPAddress = "203.0.113.102", Port = 80 },
                    ],
                    Router = new VpcRouterSettings
                    {
                        Interfaces =
                        [
                            new VpcRouterInterfaceSetting { IPAddress = ["203.0.113.100"], VirtualIPAddress = "203.0.113.102", IPAliases = ["203.0.113.103"] },
                            null,
                            new VpcRouterInterfaceSetting { NetworkMaskLen = 24 },
                        ],
                    },
                },
            },
        };

        Assert.Equal(
            """
            {"Appliance":{"Class":"loadbalancer","Name":"a123","Description":"ns/web \u003C\u0022\u308D\u30FC\u3069\u0022\u003E \u0026 \u0027x\u0027\u002By","Tags":["@k8s","@k8s.Service=ns/web"],"Plan":{"ID":2},"Remark":{"Zone":{"ID":31002},"Switch":{"ID":112800452761},"VRRP":{"VRID":3},"Network":{"NetworkMaskLen":28,"DefaultRoute":"203.0.113.97"},"Servers":[{"IPAddress":"203.0.113.100"},{"IPAddress":"203.0.113.99"}],"Plan":{"ID":2}},"Settings":{"LoadBalancer":[{"VirtualIPAddress":"203.0.113.101","Port":"443","DelayLoop":"10","SorryServer":"203.0.113.120","Description":"ns/web:https","Servers":[{"IPAddress":"203.0.113.104","Port":"30443","Enabled":"True","HealthCheck":{"Protocol":"https","Path":"/healthz","Status":"200","Host":"web.example","Port":"30444","Retry":"3","ConnectTimeout":"5"}},{"IPAddress":"203.0.113.105","Port":"30443","Enabled":"False"}]},{"VirtualIPAddress":"203.0.113.102","Port":"80","Servers":[]}],"Router":{"Interfaces":[{"IPAddress":["203.0.113.100"],"VirtualIPAddress":"203.0.113.102","IPAliases":["203.0.113.103"]},null,{"IPAddress":[],"IPAliases":[],"NetworkMaskLen":24}]}}}}
            """,
            await SentAsync(body));
    }

    [Fact]
    public async Task CreateBody_RequiredFieldsOnly_IsSentExactly()
    {
        var body = new ApplianceCreateEnvelope
        {
            Appliance = new ApplianceCreateBody { Name = "a1", Plan = new IdRef { Id = 1 }, Remark = new ApplianceRemark() },
        };

        Assert.Equal("""{"Appliance":{"Class":"loadbalancer","Name":"a1","Description":"","Tags":[],"Plan":{"ID":1},"Remark":{"Servers":[]},"Settings":{"LoadBalancer":[]}}}""", await SentAsync(body));
    }

    [Fact]
    public async Task UpdateBody_EveryFieldSet_IsSentExactly()
    {
        var body = new ApplianceUpdateEnvelope
        {
            Appliance = new ApplianceUpdateBody
            {
                Settings = new ApplianceSettings
                {
                    LoadBalancer =
                    [
                        new LoadBalancerVip
                        {
                            VirtualIPAddress = "10.0.0.9",
                            Port = 80,
                            DelayLoop = 10,
                            Servers = [new LoadBalancerRealServer { IPAddress = "10.0.0.20", Port = 30080, Enabled = true, HealthCheck = new LoadBalancerHealthCheck { Protocol = "tcp" } }],
                        },
                    ],
                },
                SettingsHash = "h1",
                Tags = ["@k8s", "a"],
                Description = "ns/web",
            },
            OriginalSettingsHash = "h1",
        };

        Assert.Equal(
            """
            {"Appliance":{"Settings":{"LoadBalancer":[{"VirtualIPAddress":"10.0.0.9","Port":"80","DelayLoop":"10","Servers":[{"IPAddress":"10.0.0.20","Port":"30080","Enabled":"True","HealthCheck":{"Protocol":"tcp"}}]}]},"SettingsHash":"h1","Tags":["@k8s","a"],"Description":"ns/web"},"OriginalSettingsHash":"h1"}
            """,
            await SentAsync(body));
    }

    [Fact]
    public async Task UpdateBody_TagsOnly_AndEmptyTags_AreSentExactly()
    {
        Assert.Equal("""{"Appliance":{"Tags":["b"]}}""", await SentAsync(new ApplianceUpdateEnvelope { Appliance = new ApplianceUpdateBody { Tags = ["b"] } }));
        Assert.Equal("""{"Appliance":{"Settings":{"LoadBalancer":[]},"Tags":[]}}""", await SentAsync(new ApplianceUpdateEnvelope { Appliance = new ApplianceUpdateBody { Tags = [], Settings = new ApplianceSettings() } }));
    }

    [Fact]
    public async Task ShutdownBody_IsSentExactly()
    {
        Assert.Equal("{}", await SentAsync(new ShutdownRequest()));
        Assert.Equal("""{"Force":true}""", await SentAsync(new ShutdownRequest { Force = true }));
    }

    [Fact]
    public void Search_EveryFieldSet_IsSentExactly()
    {
        var search = new SearchRequest
        {
            From = 100,
            Count = 50,
            Sort = ["-ID", "Name"],
            Filter = new SearchFilter().ExactAny("Class", ["loadbalancer"]).Partial("Name", "worker 01").HasAllTags(["@k8s", "@k8s.Service=ns/web"]).Build(),
            Include = ["ID", "Name", "Tags"],
            Exclude = [],
        };

        Assert.Equal(
            "?%7B%22From%22:100,%22Count%22:50,%22Sort%22:%5B%22-ID%22,%22Name%22%5D,%22Filter%22:%7B%22Class%22:%5B%22loadbalancer%22%5D,%22Name%22:%22worker%2001%22,%22Tags.Name%22:%5B%5B%22%40k8s%22,%22%40k8s.Service%3Dns%2Fweb%22%5D%5D%7D,%22Include%22:%5B%22ID%22,%22Name%22,%22Tags%22%5D,%22Exclude%22:%5B%5D%7D",
            Query(search));
        Assert.Equal("?%7B%7D", Query(new SearchRequest()));
    }

    /// <summary>The body as the client sends it: the content serializer of the client's own Refit settings.</summary>
    private static async Task<string> SentAsync<T>(T body)
    {
        using var content = ServiceCollectionExtensions.CreateRefitSettings().ContentSerializer.ToHttpContent(body);
        return await content.ReadAsStringAsync();
    }

    private static string Query(SearchRequest search) =>
        RawJsonQueryHandler.Apply(new Uri("http://127.0.0.1:1/cloud/zone/is1a/api/cloud/1.1/appliance"), search).Query;
}
