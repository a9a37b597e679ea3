namespace SakuraLb.Relay.Tests.Integration;

/// <summary>
/// What the function accepted but no status reflects is sent again within the backstop time, long before the full
/// resync, and stops being sent once a status reflects it.
/// </summary>
public sealed class BackstopTests
{
    private static readonly TimeSpan After = TimeSpan.FromSeconds(1);

    private static Task<RelayTestBed> StartAsync() =>
        RelayTestBed.StartAsync(o => o with { UnreflectedResendAfter = After, FullResyncInterval = TimeSpan.FromHours(1) });

    /// <summary>Waits until the relay has read the feed <paramref name="polls"/> more times: time for the backstop to act had it wanted to.</summary>
    private static Task PollsAsync(RelayTestBed bed, int polls)
    {
        var target = bed.Function.StatusRequests + polls;
        return Eventually.UntilAsync(() => bed.Function.StatusRequests >= target, $"{polls} more status polls");
    }

    [Fact]
    public async Task ServiceNoStatusReflects_IsSentAgainWithinTheBackstopTime_UntilAStatusReflectsIt()
    {
        await using var bed = await StartAsync();
        await bed.WaitSyncedAsync();
        var uid = bed.CreateService("web");
        var first = await Eventually.ValueAsync(() => bed.Function.Latest(uid), "the Service reached the function");

        await Eventually.UntilAsync(() => bed.Function.SnapshotsOf(uid).Count >= 3, "the unreflected Service was sent again, twice");

        var latest = bed.Function.Latest(uid)!;
        bed.Function.SetStatus(RelayTestBed.Status(uid, "web", ServicePhase.Provisioning, ReasonCodes.Updating, "creating") with
        {
            ObservedResourceVersion = latest.ResourceVersion,
        });
        await PollsAsync(bed, 5);
        var reflected = bed.Function.SnapshotsOf(uid).Count;
        await PollsAsync(bed, 30);

        Assert.Equal(first.ResourceVersion, latest.ResourceVersion);
        Assert.Equal(reflected, bed.Function.SnapshotsOf(uid).Count);
    }

    [Fact]
    public async Task NodeSetNoStatusReflects_IsSentAgainWithinTheBackstopTime_UntilTheStatusReflectsIt()
    {
        await using var bed = await StartAsync();
        await bed.WaitSyncedAsync();
        var uid = bed.CreateService("web");
        var service = await Eventually.ValueAsync(() => bed.Function.Latest(uid), "the Service reached the function");
        var status = RelayTestBed.Status(uid, "web", ServicePhase.Provisioning, ReasonCodes.Updating, "updating") with
        {
            ObservedResourceVersion = service.ResourceVersion,
            ObservedNodeFingerprint = "nodes-before",
        };
        bed.Function.SetStatus(status);
        bed.Function.NodeFingerprint = "nodes-after";
        await PollsAsync(bed, 2);
        var before = bed.Function.NodeSets.Count;

        await Eventually.UntilAsync(() => bed.Function.NodeSets.Count >= before + 2, "the node set was sent again, twice, with no node change");

        bed.Function.SetStatus(status with { ObservedNodeFingerprint = "nodes-after" });
        await PollsAsync(bed, 5);
        var reflected = bed.Function.NodeSets.Count;
        await PollsAsync(bed, 30);
        Assert.Equal(reflected, bed.Function.NodeSets.Count);
        Assert.Single(bed.Function.SnapshotsOf(uid).Select(s => s.ResourceVersion).Distinct());
    }
}
