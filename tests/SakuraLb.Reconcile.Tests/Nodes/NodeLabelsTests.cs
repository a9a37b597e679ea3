using static SakuraLb.Reconcile.Tests.Nodes.NodeSamples;

namespace SakuraLb.Reconcile.Tests.Nodes;

public sealed class NodeLabelsTests
{
    [Theory]
    [InlineData("is1a", "is1")]
    [InlineData("is1b", "is1")]
    [InlineData("is1c", "is1")]
    [InlineData("tk1a", "tk1")]
    [InlineData("tk1v", "tk1")]
    [InlineData("tk1", null)]
    [InlineData("is", null)]
    [InlineData("1a", null)]
    [InlineData("IS1A", null)]
    [InlineData("石狩", null)]
    [InlineData("", null)]
    public void RegionOf_ZoneIdWithoutItsLetter(string zone, string? region) =>
        Assert.Equal(region, NodeLabels.RegionOf(zone));

    [Theory]
    [InlineData(2, 4096, 0, "standard", "2core-4gb")]
    [InlineData(1, 1024, 0, null, "1core-1gb")]
    [InlineData(4, 16384, 0, "dedicatedcpu", "dedicatedcpu-4core-16gb")]
    [InlineData(4, 57344, 1, "standard", "4core-56gb-1gpu")]
    [InlineData(1, 512, 0, "standard", "1core-512mb")]
    [InlineData(0, 4096, 0, "standard", null)]
    [InlineData(2, 0, 0, "standard", null)]
    public void InstanceTypeOf_FromResourcesNotTheLocalisedName(int cpu, int memoryMb, int gpu, string? commitment, string? expected)
    {
        var plan = new CloudServerPlan { Cpu = cpu, MemoryMB = memoryMb, Gpu = gpu, Commitment = commitment, Generation = 200 };

        Assert.Equal(expected, NodeLabels.InstanceTypeOf(plan));
        Assert.Equal(expected, NodeLabels.InstanceTypeOf(plan with { Generation = 100 }));
    }

    [Fact]
    public void Of_ZoneRegionAndType_AllLabelSafe()
    {
        var labels = NodeLabels.Of(Worker(1, "w1"), Zone);

        Assert.Equal(new Dictionary<string, string> { [WellKnown.ZoneLabel] = "is1a", [WellKnown.RegionLabel] = "is1", [WellKnown.InstanceTypeLabel] = "2core-4gb" }, labels);
        Assert.All(labels.Values, v => Assert.True(NodeLabels.IsValidValue(v)));
    }

    [Fact]
    public void Of_ServerWithoutZoneOrPlan_UsesTheZoneReadAndLeavesTheTypeOut()
    {
        var labels = NodeLabels.Of(Worker(1, "w1") with { Zone = null, Plan = null }, "tk1b");

        Assert.Equal(new Dictionary<string, string> { [WellKnown.ZoneLabel] = "tk1b", [WellKnown.RegionLabel] = "tk1" }, labels);
    }

    [Theory]
    [InlineData("2core-4gb", true)]
    [InlineData("a", true)]
    [InlineData("プラン-2Core-4GB", false)]
    [InlineData("cloud/plan/2core-4gb", false)]
    [InlineData("-x", false)]
    [InlineData("", false)]
    public void IsValidValue_KubernetesLabelValueRules(string value, bool valid) =>
        Assert.Equal(valid, NodeLabels.IsValidValue(value));
}
