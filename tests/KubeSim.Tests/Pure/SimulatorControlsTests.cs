using KubeSim.Api;

namespace KubeSim.Tests.Pure;

public sealed class SimulatorControlsTests
{
    [Fact]
    public void RequestLog_AtItsLimit_DropsTheOldestAndKeepsOrder()
    {
        var controls = new SimulatorControls(WatchGoneMode.ErrorEvent, logLimit: 3);

        for (var i = 1; i <= 5; i++)
        {
            controls.Record(Request("/api/v1/nodes/n" + i), controls.LogGeneration);
        }

        Assert.Equal(["/api/v1/nodes/n3", "/api/v1/nodes/n4", "/api/v1/nodes/n5"], controls.RequestLog().Select(r => r.Path));
    }

    [Fact]
    public void RequestLog_RequestArrivedBeforeAClear_AnsweredAfterIt_IsNotLogged()
    {
        var controls = new SimulatorControls(WatchGoneMode.ErrorEvent);
        var arrivedBefore = controls.LogGeneration;

        controls.ClearRequestLog();
        controls.Record(Request("/api/v1/nodes/early"), arrivedBefore);
        controls.Record(Request("/api/v1/nodes/late"), controls.LogGeneration);

        Assert.Equal(["/api/v1/nodes/late"], controls.RequestLog().Select(r => r.Path));
    }

    private static KubeRequestRecord Request(string path) =>
        new(DateTimeOffset.UnixEpoch, "GET", path, "", null, 200, true, "get", "", "v1", "nodes", "", "", path[(path.LastIndexOf('/') + 1)..], null);
}
