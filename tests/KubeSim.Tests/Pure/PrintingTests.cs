using KubeSim.Api;
using KubeSim.Printing;

namespace KubeSim.Tests.Pure;

public sealed class PrintingTests
{
    [Theory]
    [InlineData(0, "0s")]
    [InlineData(-1, "0s")]
    [InlineData(-5, "<invalid>")]
    [InlineData(59, "59s")]
    [InlineData(119, "119s")]
    [InlineData(120, "2m")]
    [InlineData(200, "3m20s")]
    [InlineData(600, "10m")]
    [InlineData(3 * 3600, "3h")]
    [InlineData(3 * 3600 + 600, "3h10m")]
    [InlineData(10 * 3600, "10h")]
    [InlineData(51 * 3600, "2d3h")]
    [InlineData(10 * 86400, "10d")]
    [InlineData(800 * 86400, "2y70d")]
    [InlineData(3000 * 86400, "8y")]
    public void HumanDuration_Format_MatchesKubectlAges(int seconds, string expected) =>
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));

    public static TheoryData<string, string, string, string> Services => new()
    {
        { """{"type":"LoadBalancer","clusterIP":"10.96.0.2","ports":[{"port":80,"nodePort":30000,"protocol":"TCP"}]}""", "{}", "<pending>", "80:30000/TCP" },
        { """{"type":"LoadBalancer","clusterIP":"10.96.0.2","ports":[{"port":80,"protocol":"TCP"}]}""", """{"loadBalancer":{"ingress":[{"ip":"203.0.113.5"}]}}""", "203.0.113.5", "80/TCP" },
        { """{"type":"LoadBalancer","ports":[{"port":53,"protocol":"UDP"}]}""", """{"loadBalancer":{"ingress":[{"hostname":"lb.example"}]}}""", "lb.example", "53/UDP" },
        { """{"type":"LoadBalancer","ports":[]}""", """{"loadBalancer":{"ingress":[{"ip":"203.0.113.5"},{"ip":"203.0.113.6"}]}}""", "203.0.113.5,2...", "<none>" },
        { """{"type":"ClusterIP","clusterIP":"10.96.0.9","ports":[{"port":80,"protocol":"TCP"},{"port":443,"protocol":"TCP"}]}""", "{}", "<none>", "80/TCP,443/TCP" },
        { """{"type":"NodePort","externalIPs":["198.51.100.1"],"ports":[{"port":80,"nodePort":30001,"protocol":"TCP"}]}""", "{}", "198.51.100.1", "80:30001/TCP" },
        { """{"type":"ExternalName","externalName":"db.example"}""", "{}", "db.example", "<none>" },
    };

    [Theory]
    [MemberData(nameof(Services))]
    public void TablePrinter_Service_PrintsExternalIpAndPortsLikeKubectl(string spec, string status, string externalIp, string ports)
    {
        var svc = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "web", ["creationTimestamp"] = "2026-01-01T00:00:00Z" },
            ["spec"] = JsonNode.Parse(spec),
            ["status"] = JsonNode.Parse(status),
        };
        var table = TablePrinter.ToTable(ResourceCatalog.Services, [svc], "5", null, DateTimeOffset.Parse("2026-01-01T00:00:30Z"), TableObjectMode.Metadata, "v1");

        var columns = table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ToList();
        var cells = table["rows"]![0]!["cells"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        Assert.Equal(["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"], columns);
        Assert.Equal(externalIp, cells[3]);
        Assert.Equal(ports, cells[4]);
        Assert.Equal("30s", cells[5]);
        Assert.Equal("PartialObjectMetadata", table["rows"]![0]!["object"]!["kind"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("True", false, "Ready")]
    [InlineData("False", false, "NotReady")]
    [InlineData("Unknown", true, "Unknown,SchedulingDisabled")]
    public void TablePrinter_Node_PrintsReadinessAndRoles(string ready, bool unschedulable, string expected)
    {
        var node = JsonNode.Parse($$$"""
            {"metadata":{"name":"n1","labels":{"node-role.kubernetes.io/control-plane":""}},
             "spec":{"unschedulable":{{{(unschedulable ? "true" : "false")}}}},
             "status":{"conditions":[{"type":"Ready","status":"{{{ready}}}"}],"nodeInfo":{"kubeletVersion":"v1.32.0"} } }
            """)!.AsObject();
        var cells = TablePrinter.ToTable(ResourceCatalog.Nodes, [node], "1", null, DateTimeOffset.UtcNow, TableObjectMode.None, "v1")["rows"]![0]!["cells"]!;
        Assert.Equal(expected, cells[1]!.GetValue<string>());
        Assert.Equal("control-plane", cells[2]!.GetValue<string>());
        Assert.Equal("v1.32.0", cells[4]!.GetValue<string>());
    }
}
