using System.Net.Sockets;
using System.Text;

namespace SakuraSim.Tests;

/// <summary>Find requests: raw JSON query string and filter semantics.</summary>
public sealed class SearchTests : SimulatorTests
{
    private protected override async Task PrepareAsync()
    {
        // worker01..03 exist already; add two more names that share words.
        await AddServerAsync("worker010", "203.0.113.103", """["@k8s","@k8s.ClusterID=a"]""");
        await AddServerAsync("db-primary", "203.0.113.104", """["@k8s.ClusterID=a"]""");
        await AddServerAsync("web front", "203.0.113.105", """["@k8s","@k8s.ClusterID=b"]""");
    }

    private async Task AddServerAsync(string name, string ip, string tags) =>
        AssertOk(await Sim.ControlAsync(HttpMethod.Post, "/_sim/servers",
            $$"""{"name":"{{name}}","switchId":{{SimHarness.SwitchId}},"ipAddress":"{{ip}}","tags":{{tags}}}"""), HttpStatusCode.Created);

    /// <summary>GET /server?{json} with the JSON escaped the way HttpClient escapes a URI.</summary>
    private async Task<List<string>> NamesAsync(string json)
    {
        var result = await Sim.GetAsync("/server?" + json);
        AssertOk(result);
        return result.Json["Servers"]!.AsArray().Select(s => Str(s!["Name"])).ToList();
    }

    [Fact]
    public async Task Filter_String_IsPartialMatch()
    {
        Assert.Equal(["worker01", "worker02", "worker03", "worker010"], await NamesAsync("""{"Filter":{"Name":"worker"}}"""));
        Assert.Equal(["worker01", "worker010"], await NamesAsync("""{"Filter":{"Name":"worker01"}}"""));
    }

    [Fact]
    public async Task Filter_StringWithEscapedSpace_NeedsEveryWord()
    {
        // iaas-api-go escapes the AND separator as %20 before it builds the URL.
        Assert.Equal(["web front"], await NamesAsync("""{"Filter":{"Name":"front%20web"}}"""));
        Assert.Empty(await NamesAsync("""{"Filter":{"Name":"front%20worker"}}"""));
    }

    [Fact]
    public async Task Filter_ArrayOfScalars_IsExactMatchOr()
    {
        Assert.Equal(["worker01", "db-primary"], await NamesAsync("""{"Filter":{"Name":["worker01","db-primary","work"]}}"""));
    }

    [Fact]
    public async Task Filter_FlatTagsArray_IsOr_NestedIsAnd()
    {
        Assert.Equal(["worker010", "db-primary", "web front"],
            await NamesAsync("""{"Filter":{"Tags.Name":["@k8s.ClusterID=a","@k8s.ClusterID=b"]}}"""));
        Assert.Equal(["worker010"], await NamesAsync("""{"Filter":{"Tags.Name":[["@k8s","@k8s.ClusterID=a"]]}}"""));
        Assert.Equal(["worker010", "web front"], await NamesAsync("""{"Filter":{"Tags.Name":["@k8s"]}}"""));
    }

    [Fact]
    public async Task Filter_NumericIdAsNumberOrString_MatchesExactly()
    {
        Assert.Equal(["worker01"], await NamesAsync($$$"""{"Filter":{"ID":[{{{SimHarness.Worker01Id}}}]}}"""));
        Assert.Equal(["worker01"], await NamesAsync($$$"""{"Filter":{"ID":["{{{SimHarness.Worker01Id}}}"]}}"""));
    }

    [Fact]
    public async Task Filter_DottedPathThroughArrays_Matches()
    {
        Assert.Equal(["db-primary"], await NamesAsync("""{"Filter":{"Interfaces.UserIPAddress":["203.0.113.104"]}}"""));
    }

    [Fact]
    public async Task Filter_Comparison_UsesOperatorInKey()
    {
        Assert.Equal(["db-primary", "web front"], await NamesAsync("{\"Filter\":{\"ID>\":" + (SimHarness.Worker01Id + 7) + "}}"));
    }

    [Fact]
    public async Task Paging_FromCount_KeepsTotalOfAllMatches()
    {
        var result = await Sim.GetAsync("""/server?{"From":2,"Count":2,"Sort":["Name"]}""");

        AssertOk(result);
        Assert.Equal(6, result.Json["Total"]!.GetValue<int>());
        Assert.Equal(2, result.Json["From"]!.GetValue<int>());
        Assert.Equal(2, result.Json["Count"]!.GetValue<int>());
        Assert.Equal(["worker01", "worker010"], result.Json["Servers"]!.AsArray().Select(s => Str(s!["Name"])));
    }

    [Fact]
    public async Task Sort_AscendingAndDescending()
    {
        Assert.Equal(["db-primary", "web front", "worker01", "worker010", "worker02", "worker03"], await NamesAsync("""{"Sort":["Name"]}"""));
        Assert.Equal(["worker03", "worker02", "worker010", "worker01", "web front", "db-primary"], await NamesAsync("""{"Sort":["-Name"]}"""));
    }

    [Fact]
    public async Task CountZero_OrMissing_ReturnsEverything()
    {
        Assert.Equal(6, (await NamesAsync("""{"From":0,"Count":0}""")).Count);
        Assert.Equal(6, (await NamesAsync("{}")).Count);
    }

    [Fact]
    public async Task FullyPercentEncodedQuery_IsAccepted()
    {
        var encoded = Uri.EscapeDataString("""{"Filter":{"Name":["worker02"]}}""");

        Assert.Equal(["worker02"], await NamesAsync(encoded));
    }

    [Fact]
    public async Task RawQueryWithUnescapedQuotes_AsGoClientsSendIt_IsAccepted()
    {
        // HttpClient would escape the quotes, so speak HTTP/1.1 by hand.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(Sim.Simulator.BaseAddress.Host, Sim.Simulator.BaseAddress.Port);
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("test-token:test-secret"));
        var request = $"GET /{SimHarness.ApiPath("/server")}?{{\"Filter\":{{\"Name\":\"worker%20front\"}},\"Count\":100}} HTTP/1.1\r\n"
            + $"Host: 127.0.0.1\r\nAuthorization: Basic {auth}\r\nConnection: close\r\n\r\n";
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        var json = JsonNode.Parse(response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..].Trim())!;
        Assert.Equal(0, json["Total"]!.GetValue<int>());
    }

    [Fact]
    public async Task IncludeAndExclude_ProjectTheItems()
    {
        var included = await Sim.GetAsync("""/server?{"Filter":{"Name":["worker01"]},"Include":["ID","Name","Interfaces.UserIPAddress"]}""");
        var excluded = await Sim.GetAsync("""/server?{"Filter":{"Name":["worker01"]},"Exclude":["Interfaces","Zone"]}""");

        var item = included.Json["Servers"]![0]!.AsObject();
        Assert.Equal(["ID", "Name", "Interfaces"], item.Select(p => p.Key));
        Assert.Equal("203.0.113.100", Str(item["Interfaces"]![0]!["UserIPAddress"]));
        var other = excluded.Json["Servers"]![0]!.AsObject();
        Assert.False(other.ContainsKey("Interfaces"));
        Assert.False(other.ContainsKey("Zone"));
        Assert.True(other.ContainsKey("Name"));
    }

    [Fact]
    public async Task ApplianceFind_FiltersOnClass()
    {
        AssertOk(await Sim.SendAsync(HttpMethod.Post, "/appliance", Bodies.CreateLoadBalancer()), HttpStatusCode.Created);
        AssertOk(await Sim.ControlAsync(HttpMethod.Post, "/_sim/appliances", """
            {"state":"up","appliance":{"Class":"vpcrouter","Name":"vpc1","Tags":[],
             "Remark":{"Switch":{"ID":"SWITCH"}},
             "Settings":{"Router":{"Interfaces":[{"IPAddress":["203.0.113.108","203.0.113.109"],"VirtualIPAddress":"203.0.113.110"}]}}}}
            """.Replace("SWITCH", SimHarness.SwitchId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)), HttpStatusCode.Created);

        Sim.Advance(TimeSpan.FromSeconds(3)); // past the post-create window in which a new appliance is invisible
        var lbs = await Sim.GetAsync("""/appliance?{"Filter":{"Class":"loadbalancer"},"Count":100}""");
        var vpc = await Sim.GetAsync("""/appliance?{"Filter":{"Class":"vpcrouter"}}""");
        var all = await Sim.GetAsync("/appliance");

        Assert.Equal(["loadbalancer"], lbs.Json["Appliances"]!.AsArray().Select(a => Str(a!["Class"])));
        Assert.Equal("203.0.113.110", Str(vpc.Json["Appliances"]![0]!["Settings"]!["Router"]!["Interfaces"]![0]!["VirtualIPAddress"]));
        Assert.Equal(SimHarness.SwitchId.ToString(System.Globalization.CultureInfo.InvariantCulture), Str(vpc.Json["Appliances"]![0]!["Switch"]!["ID"]));
        Assert.Equal(2, all.Json["Total"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"Count":"ten"}""")]
    [InlineData("""{"From":-1}""")]
    [InlineData("""{"Filter":[]}""")]
    [InlineData("""{"Filter":{"Name":{"x":1}}}""")]
    [InlineData("""{"Sort":[1]}""")]
    [InlineData("%E0%A4%A")]
    public async Task BadQuery_Gets400BadRequest(string query)
    {
        AssertError(await Sim.GetAsync("/server?" + query), HttpStatusCode.BadRequest, "bad_request");
    }
}
