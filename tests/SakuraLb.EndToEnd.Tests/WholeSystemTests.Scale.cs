using SakuraLb.Testing;
using Sandbox;

namespace SakuraLb.EndToEnd.Tests;

/// <summary>The sandbox's scale flags and a full router block, under the real kubectl.</summary>
public sealed partial class WholeSystemTests
{
    [Fact]
    public async Task WorkersAndRouterPrefixFlags_TenWorkersInASlash24_TenNodesAndTenRealServersOnANewServicesLoadBalancer()
    {
        var options = SandboxOptions.Parse(["--workers", "10", "--router-prefix", "24", "--kube-port", "0", "--sakura-port", "0"], out var problems, out _);
        Assert.Empty(problems);
        await using var sandbox = await SandboxSystem.StartAsync(options);
        using var kubectl = new KubectlRunner(sandbox.KubeServer);
        string[] names = [.. Enumerable.Range(0, 10).Select(SandboxSystem.WorkerName)];
        var addresses = sandbox.Workers.Select(w => w.Address).ToArray();
        Assert.Equal([.. Enumerable.Range(4, 10).Select(i => $"203.0.113.{i}")], addresses);

        Assert.Equal(
            names.Select(n => "node/" + n),
            (await kubectl.OkAsync("get", "nodes", "-o", "name")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        await kubectl.OkAsync("create", "service", "loadbalancer", "web", "--tcp=80:8080,443:8443");
        var ip = await kubectl.ExternalIpAsync("web");

        // The block's lowest free addresses after the workers': .14 is the load balancer's own, .15 its VIP.
        Assert.Equal("203.0.113.15", ip);
        var lb = await SettledLoadBalancerAsync(sandbox.SakuraControl, serversPerVip: 10);
        Assert.Equal(Vips(ip, addresses), Vips(lb));
        Assert.Equal(["203.0.113.14"], lb.OwnAddresses);
        output.WriteLine(lb.Describe());
    }
}
