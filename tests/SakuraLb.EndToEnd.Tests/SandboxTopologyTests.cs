using System.Text.Json.Nodes;
using SakuraSim;
using Sandbox;
using Sandbox.Simulators;

namespace SakuraLb.EndToEnd.Tests;

/// <summary>The sandbox's router block and workers as <c>--router-prefix</c> and <c>--workers</c> shape them.</summary>
public sealed class SandboxTopologyTests
{
    [Theory]
    [InlineData(28, "203.0.113.96/28", 11, "203.0.113.100", 9)]
    [InlineData(29, "203.0.113.96/29", 3, "203.0.113.100", 1)]
    [InlineData(27, "203.0.113.96/27", 27, "203.0.113.100", 25)]
    [InlineData(26, "203.0.113.64/26", 59, "203.0.113.68", 57)]
    [InlineData(25, "203.0.113.0/25", 123, "203.0.113.4", 121)]
    [InlineData(24, "203.0.113.0/24", 251, "203.0.113.4", 249)]
    public void Block_HoldsTheDefaultAddress_AndLeavesFiveReserved(int prefix, string block, int assignable, string firstWorker, int maxWorkers)
    {
        var router = new RouterBlock(prefix);

        Assert.Equal(block, router.Block.ToString());
        Assert.Equal(assignable, router.AssignableCount);
        Assert.Equal(firstWorker, router.WorkerAddress(0));
        Assert.Equal(maxWorkers, router.MaxWorkers);
    }

    [Theory]
    [InlineData(28, 3, 8, 4)]
    [InlineData(28, 9, 2, 1)]
    [InlineData(24, 3, 248, 124)]
    [InlineData(24, 10, 241, 120)]
    [InlineData(29, 1, 2, 1)]
    public void Capacity_IsTheFreeAddressesOverTwo(int prefix, int workers, int free, int loadBalancers)
    {
        var router = new RouterBlock(prefix);

        Assert.Equal(free, router.FreeCount(workers));
        Assert.Equal(loadBalancers, router.LoadBalancerCapacity(workers));
    }

    [Fact]
    public void WorkerAddresses_AreTheAssignableOnesInOrder_UpToTheLastBeforeBroadcast()
    {
        var router = new RouterBlock(24);

        Assert.Equal("203.0.113.13", router.WorkerAddress(9));
        Assert.Equal("203.0.113.252", router.WorkerAddress(router.MaxWorkers - 1));
    }

    [Fact]
    public void Describe_SaysTheBlockAndHowManyLoadBalancersFit()
    {
        Assert.Equal(
            "router block 203.0.113.0/24 (--router-prefix 24): 251 assignable addresses, 10 taken by the workers (--workers 10), 241 free for load balancers: " +
            "room for 120 (each takes its own address and a VIP; an HA pair 3)",
            new RouterBlock(24).Describe(10));
    }

    [Theory]
    [InlineData(23)]
    [InlineData(30)]
    public void Prefix_OutsideTheSimulatorsRange_IsRefused(int prefix) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RouterBlock(prefix));

    [Theory]
    [InlineData(0, "worker01", "10.240.0.11")]
    [InlineData(9, "worker10", "10.240.0.20")]
    [InlineData(99, "worker100", "10.240.0.110")]
    [InlineData(245, "worker246", "10.240.1.0")]
    public void Worker_NameAndPrivateAddress_FollowTheIndex(int index, string name, string privateAddress)
    {
        Assert.Equal(name, SandboxSystem.WorkerName(index));
        Assert.Equal(privateAddress, SandboxSystem.PrivateAddress(index));
    }

    [Fact]
    public async Task Seed_WithTheDefaults_IsTheSimulatorsDocumentedDefaultTopology()
    {
        var options = new SandboxOptions();
        await using var documented = await SakuraSimulator.StartAsync(new SakuraSimulatorOptions { DefaultRouterTags = SandboxSystem.NetworkTags(options) });
        await using var empty = await SakuraSimulator.StartAsync(new SakuraSimulatorOptions { SeedDefaultTopology = false });
        using var expected = new SakuraSimControl(documented.BaseAddress);
        using var control = new SakuraSimControl(empty.BaseAddress);

        var workers = await SandboxSystem.SeedRouterAsync(control, options);

        Assert.Equal(Topology(await expected.StateAsync()), Topology(await control.StateAsync()));
        Assert.Equal(["worker01 203.0.113.100", "worker02 203.0.113.101", "worker03 203.0.113.102"], workers.Select(w => $"{w.Name} {w.Address}"));
    }

    [Fact]
    public async Task Seed_TenWorkersInASlash24_PutsThemOnTheBlocksFirstAddresses()
    {
        await using var simulator = await SakuraSimulator.StartAsync(new SakuraSimulatorOptions { SeedDefaultTopology = false });
        using var control = new SakuraSimControl(simulator.BaseAddress);

        var workers = await SandboxSystem.SeedRouterAsync(control, new SandboxOptions { Workers = 10, RouterPrefix = 24 });

        var state = await control.StateAsync();
        var router = Assert.Single(state["routers"]!.AsArray())!;
        Assert.Equal(("203.0.113.0", 24, "203.0.113.4", "203.0.113.254"), ((string)router["networkAddress"]!, (int)router["networkMaskLen"]!, (string)router["assignableMin"]!, (string)router["assignableMax"]!));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"worker{i + 1:00} 203.0.113.{4 + i}"), workers.Select(w => $"{w.Name} {w.Address}"));
        Assert.Equal(10, state["servers"]!.AsArray().Count);
        Assert.All(workers, w => Assert.Equal((long)router["switchId"]!, w.SwitchId));
    }

    [Fact]
    public async Task SeedTraffic_EveryWorkerReportsConnections_NoneZero_TheirCheckStateKept()
    {
        await using var simulator = await SakuraSimulator.StartAsync(new SakuraSimulatorOptions { SeedDefaultTopology = false });
        using var control = new SakuraSimControl(simulator.BaseAddress);
        var workers = await SandboxSystem.SeedRouterAsync(control, new SandboxOptions { Workers = 5, RouterPrefix = 27 });

        await SandboxSystem.SeedTrafficAsync(control, workers);

        var health = (await control.StateAsync())["health"]!.AsArray()
            .ToDictionary(h => (string)h!["ipAddress"]!, h => ((string)h!["status"]!, (int)h["activeConn"]!, (int)h["cps"]!));
        Assert.Equal(workers.Count, health.Count);
        for (var i = 0; i < workers.Count; i++)
        {
            var (connections, perSecond) = SandboxSystem.WorkerTraffic(i);
            Assert.True(connections > 0 && perSecond > 0, $"worker {i}: {connections} connections, {perSecond}/s");
            Assert.Equal(("up", connections, perSecond), health[workers[i].Address]);
        }

        Assert.True(workers.Select((_, i) => SandboxSystem.WorkerTraffic(i)).Distinct().Count() > 1, "the workers' traffic is uneven");
    }

    /// <summary>The router, switches and servers of a <c>/_sim/state</c> document (which carries no creation times).</summary>
    private static string Topology(JsonObject state) =>
        new JsonObject { ["routers"] = state["routers"]!.DeepClone(), ["switches"] = state["switches"]!.DeepClone(), ["servers"] = state["servers"]!.DeepClone() }.ToJsonString();
}
