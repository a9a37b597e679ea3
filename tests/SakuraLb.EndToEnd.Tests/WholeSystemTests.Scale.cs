using System.Diagnostics;
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

    /// <summary>
    /// The sandbox's /28 filled with Services, one more waiting on AddressesExhausted: deleting one Service hands its
    /// addresses to the waiting one at once (the deleting pass wakes the waiters), not at the next timer pass, which the
    /// default 60 s resync interval would put a minute away. Prints the time from the delete to the waiting Service's
    /// EXTERNAL-IP; the goal is under 10 s, asserted only within a generous deadline so a loaded machine cannot fail it.
    /// </summary>
    [Fact]
    public async Task FullBlock_OneServiceDeleted_TheWaitingServiceGetsTheFreedAddress()
    {
        await using var sandbox = await SandboxSystem.StartAsync(new SandboxOptions { KubePort = 0, SakuraPort = 0 });
        using var kubectl = new KubectlRunner(sandbox.KubeServer);
        var capacity = sandbox.Options.RouterBlock.LoadBalancerCapacity(sandbox.Workers.Count);
        Assert.Equal(4, capacity);

        string[] filling = [.. Enumerable.Range(1, capacity).Select(i => $"fill{i}")];
        foreach (var name in filling)
        {
            await kubectl.OkAsync("create", "service", "loadbalancer", name, "--tcp=80:8080");
        }

        var ips = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in filling)
        {
            ips[name] = await kubectl.ExternalIpAsync(name);
        }

        await kubectl.OkAsync("create", "service", "loadbalancer", "waiting", "--tcp=80:8080");
        await Eventually.UntilAsync(
            () => kubectl.OkAsync("describe", "svc", "waiting"),
            d => d.Contains("AddressesExhausted", StringComparison.Ordinal),
            "kubectl describe svc waiting to say AddressesExhausted",
            StepTimeout,
            PollInterval);
        Assert.Equal("", await kubectl.OkAsync("get", "svc", "waiting", "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}"));
        Assert.Equal(capacity, (await sandbox.SakuraControl.LoadBalancersAsync()).Count);

        var clock = Stopwatch.StartNew();
        await kubectl.OkAsync("delete", "svc", "fill2", "--wait=false");
        var ip = await kubectl.ExternalIpAsync("waiting", StepTimeout);
        var elapsed = clock.Elapsed;

        output.WriteLine($"freed address -> waiting Service's EXTERNAL-IP: {elapsed.TotalSeconds:0.0} s (goal < 10 s; the next timer pass would be up to {sandbox.Options.ResyncInterval.TotalSeconds:0} s away)");
        Assert.Equal(ips["fill2"], ip);
        Assert.True(elapsed < sandbox.Options.ResyncInterval, $"{elapsed.TotalSeconds:0.0} s: not before the timer's pass");
    }
}
