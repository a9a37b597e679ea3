using SakuraLb.Reconcile.Status;

namespace SakuraLb.Reconcile.Tests.Status;

public sealed class AddressWaitersTests
{
    private static ServiceStatus Status(string uid, ServicePhase phase, string? reason) => new() { Uid = uid, Phase = phase, ReasonCode = reason };

    [Theory]
    [InlineData(ServicePhase.Failed, ReasonCodes.AddressesExhausted, true)]
    [InlineData(ServicePhase.Failed, ReasonCodes.VridExhausted, true)]
    [InlineData(ServicePhase.Provisioning, ReasonCodes.AddressesExhausted, true)]
    [InlineData(ServicePhase.Deleted, ReasonCodes.AddressesExhausted, false)]
    [InlineData(ServicePhase.Failed, ReasonCodes.CloudError, false)]
    [InlineData(ServicePhase.Ready, ReasonCodes.Ready, false)]
    [InlineData(ServicePhase.Failed, null, false)]
    public void IsWaiting_OnlyAnExhaustedBlockOrVridSet(ServicePhase phase, string? reason, bool waiting) =>
        Assert.Equal(waiting, AddressWaiters.IsWaiting(Status("u", phase, reason)));

    [Fact]
    public void ToWake_EveryWaiterButTheReleaser_OnceEach_InUidOrder()
    {
        var statuses = new[]
        {
            Status("c", ServicePhase.Failed, ReasonCodes.AddressesExhausted),
            Status("a", ServicePhase.Failed, ReasonCodes.VridExhausted),
            Status("r", ServicePhase.Failed, ReasonCodes.AddressesExhausted),
            Status("b", ServicePhase.Ready, ReasonCodes.Ready),
            Status("c", ServicePhase.Failed, ReasonCodes.AddressesExhausted),
        };

        Assert.Equal(["a", "c"], AddressWaiters.ToWake(statuses, releasedBy: "r"));
    }

    [Fact]
    public void ToWake_NoWaiters_Nobody() =>
        Assert.Empty(AddressWaiters.ToWake([Status("a", ServicePhase.Ready, ReasonCodes.Ready)], releasedBy: "r"));
}
