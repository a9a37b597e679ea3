using SakuraLb.Functions.Activities;
using SakuraLb.Reconcile.Planning;

namespace SakuraLb.Functions.Tests.Activities;

/// <summary>What the status row says about the load balancer's address when a pass does not settle.</summary>
public sealed class PublishStatusActivityTests
{
    private const string Uid = "u-1";
    private const string Vip = "203.0.113.104";

    private static PublishInput Input(ServicePhase phase, string reason, IReadOnlyList<string> ingress, bool settled, bool interim, long seq) =>
        new(
            new PublishContext(FunctionHarness.ClusterId, Uid, "shop", "web", seq.ToString(System.Globalization.CultureInfo.InvariantCulture), seq, 1, "f", "h", settled, interim, DateTimeOffset.UnixEpoch),
            new PlanOutcome(phase, reason, "m", ingress, phase == ServicePhase.Deleted, []));

    private static async Task<StatusRecord> PublishAfterReadyAsync(PublishInput next)
    {
        using var harness = FunctionHarness.Create();
        var activity = harness.Get<PublishStatusActivity>();
        await activity.RunAsync(Input(ServicePhase.Ready, ReasonCodes.Ready, [Vip], settled: true, interim: false, seq: 1), default);

        await activity.RunAsync(next, default);

        return (await harness.Get<IStatusStore>().GetAsync(FunctionHarness.ClusterId, Uid, default))!;
    }

    public static TheoryData<ServicePhase, string, bool, bool, string[]> Cases() => new()
    {
        // A pass that stopped early (cloud busy, a timeout, a permanent error) while updating a running load balancer.
        { ServicePhase.Provisioning, ReasonCodes.CloudBusy, false, false, [Vip] },
        { ServicePhase.Failed, ReasonCodes.CloudError, false, false, [Vip] },
        { ServicePhase.Provisioning, ReasonCodes.Updating, false, true, [Vip] },
        // A removal that stopped early, or any settled outcome, publishes what it says.
        { ServicePhase.Deleting, ReasonCodes.WaitingForCloud, false, false, [] },
        { ServicePhase.Deleted, ReasonCodes.Deleted, true, false, [] },
        { ServicePhase.Failed, ReasonCodes.AddressesExhausted, true, false, [] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Publish_AfterReady_IngressKeptOnlyWhileUnsettledAndNotRemoving(ServicePhase phase, string reason, bool settled, bool interim, string[] expected)
    {
        var record = await PublishAfterReadyAsync(Input(phase, reason, [], settled, interim, seq: 2));

        Assert.Equal((phase, settled && !interim), (record.Status.Phase, record.Settled));
        Assert.Equal(expected, record.Status.IngressIps);
    }

    [Fact]
    public async Task Publish_UnsettledWithAddressesOfItsOwn_PublishesThem()
    {
        var record = await PublishAfterReadyAsync(Input(ServicePhase.Provisioning, ReasonCodes.CloudBusy, ["203.0.113.105"], settled: false, interim: false, seq: 2));

        Assert.Equal(["203.0.113.105"], record.Status.IngressIps);
    }
}
