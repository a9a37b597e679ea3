using System.Diagnostics;
using System.Text.Json.Nodes;
using KubeSim;

namespace Sandbox;

/// <summary>What <c>--demo</c> does: a sample Service, then its EXTERNAL-IP once the controller has provisioned it.</summary>
public static class Demo
{
    public const string Namespace = "default";
    public const string ServiceName = "demo";

    /// <summary>The sample: type LoadBalancer, ports 80→8080 and 443→8443.</summary>
    public static JsonObject Service() => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Service",
        ["metadata"] = new JsonObject { ["name"] = ServiceName, ["namespace"] = Namespace },
        ["spec"] = new JsonObject
        {
            ["type"] = "LoadBalancer",
            ["selector"] = new JsonObject { ["app"] = ServiceName },
            ["ports"] = new JsonArray(
                new JsonObject { ["name"] = "http", ["port"] = 80, ["targetPort"] = 8080, ["protocol"] = "TCP" },
                new JsonObject { ["name"] = "https", ["port"] = 443, ["targetPort"] = 8443, ["protocol"] = "TCP" }),
        },
    };

    /// <summary>The first ingress IP of a Service object, or null while it is pending.</summary>
    public static string? ExternalIp(JsonObject? service) =>
        (service?["status"]?["loadBalancer"]?["ingress"] as JsonArray)?.OfType<JsonObject>().Select(i => i["ip"]?.GetValue<string>()).FirstOrDefault(ip => ip is not null);

    /// <summary>Creates the sample Service and waits for its EXTERNAL-IP; null when it did not appear in time.</summary>
    public static async Task<(string? Ip, TimeSpan Elapsed)> RunAsync(KubeApiSimulator kube, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kube);
        var clock = Stopwatch.StartNew();
        kube.Objects.Create("services", Service());
        while (clock.Elapsed < timeout)
        {
            if (ExternalIp(kube.Objects.Get("services", Namespace, ServiceName)) is { } ip)
            {
                return (ip, clock.Elapsed);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }

        return (null, clock.Elapsed);
    }
}
