using KubeSim.Api;
using KubeSim.Printing;

namespace KubeSim.Tests.Pure;

public sealed class WorkloadPrintingTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-01-01T00:01:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static (List<string> Columns, List<string> Cells) Print(ResourceType type, string json)
    {
        var table = TablePrinter.ToTable(type, [JsonNode.Parse(json)!.AsObject()], "1", null, Now, TableObjectMode.None, "v1");
        var columns = table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ToList();
        var cells = table["rows"]![0]!["cells"]!.AsArray()
            .Select(c => c!.GetValueKind() == System.Text.Json.JsonValueKind.String ? c.GetValue<string>() : c.ToJsonString()).ToList();
        return (columns, cells);
    }

    public static TheoryData<string, string, string> Slices => new()
    {
        { """[{"name":"http","port":8080}]""", """[{"addresses":["10.0.0.1"]},{"addresses":["10.0.0.2"]}]""", "8080|10.0.0.1,10.0.0.2" },
        { "[]", "[]", "<unset>|<unset>" },
        { """[{"name":"a"},{"port":2},{"port":3},{"port":4}]""", """[{"addresses":["10.0.0.1","10.0.0.2","10.0.0.3","10.0.0.4","10.0.0.5"]}]""", "a,2,3 + 1 more...|10.0.0.1,10.0.0.2,10.0.0.3 + 2 more..." },
    };

    [Theory]
    [MemberData(nameof(Slices))]
    public void EndpointSlice_PrintsAtMostThreePortsAndAddresses(string ports, string endpoints, string expected)
    {
        var (columns, cells) = Print(ResourceCatalog.EndpointSlices, $$$"""
            {"metadata":{"name":"web-1","creationTimestamp":"2026-01-01T00:00:00Z"},"addressType":"IPv4","ports":{{{ports}}},"endpoints":{{{endpoints}}}}
            """);

        Assert.Equal(["Name", "AddressType", "Ports", "Endpoints", "Age"], columns);
        Assert.Equal(["web-1", "IPv4", .. expected.Split('|'), "60s"], cells);
    }

    [Fact]
    public void Deployment_PrintsReadyOfDesired_NumbersAsNumbers_AndTheSelector()
    {
        var (columns, cells) = Print(ResourceCatalog.Deployments, """
            {"metadata":{"name":"web","creationTimestamp":"2026-01-01T00:00:00Z"},
             "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In","values":["b","a"]}]},
                     "template":{"spec":{"containers":[{"name":"app","image":"nginx"},{"name":"log","image":"busybox"}]}}},
             "status":{"readyReplicas":2,"updatedReplicas":3,"availableReplicas":2}}
            """);

        Assert.Equal(["Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"], columns);
        Assert.Equal(["web", "2/3", "3", "2", "60s", "app,log", "nginx,busybox", "app=web,tier in (a,b)"], cells);
    }

    [Fact]
    public void ConfigMap_CountsDataAndBinaryData()
    {
        var (_, cells) = Print(ResourceCatalog.ConfigMaps, """
            {"metadata":{"name":"cfg","creationTimestamp":"2026-01-01T00:00:00Z"},"data":{"a":"1","b":"2"},"binaryData":{"c":"AA=="}}
            """);

        Assert.Equal(["cfg", "3", "60s"], cells);
    }

    [Theory]
    [InlineData("""{"phase":"Pending"}""", false, "0/1", "Pending", "0")]
    [InlineData("""{"phase":"Running","containerStatuses":[{"ready":true,"restartCount":2,"state":{"running":{}},"lastState":{"terminated":{"finishedAt":"2026-01-01T00:00:30Z"}}}]}""", false, "1/1", "Running", "2 (30s ago)")]
    [InlineData("""{"phase":"Running","containerStatuses":[{"ready":false,"restartCount":0,"state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}""", false, "0/1", "CrashLoopBackOff", "0")]
    [InlineData("""{"phase":"Running"}""", true, "0/1", "Terminating", "0")]
    public void Pod_PrintsReadinessStatusAndRestarts(string status, bool deleting, string ready, string reason, string restarts)
    {
        var deletion = deleting ? ""","deletionTimestamp":"2026-01-01T00:00:50Z" """ : "";
        var (columns, cells) = Print(ResourceCatalog.Pods, $$$"""
            {"metadata":{"name":"p","creationTimestamp":"2026-01-01T00:00:00Z"{{{deletion}}}},"spec":{"nodeName":"n1","containers":[{"name":"app"}]},"status":{{{status}}}}
            """);

        Assert.Equal(["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"], columns);
        Assert.Equal(["p", ready, reason, restarts, "60s", "<none>", "n1", "<none>", "<none>"], cells);
    }
}
