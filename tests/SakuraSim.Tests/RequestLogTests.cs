using SakuraSim.Pipeline;

namespace SakuraSim.Tests;

public sealed class RequestLogTests
{
    [Fact]
    public void RequestArrivedBeforeAClear_AnsweredAfterIt_IsNotLogged()
    {
        var log = new RequestLog();
        var arrivedBefore = log.Generation;

        log.Clear();
        log.Add(Entry("/auth-status-early"), arrivedBefore);
        log.Add(Entry("/auth-status-late"), log.Generation);

        Assert.Equal(["/auth-status-late"], log.ToJson().Select(e => (string)e!["path"]!));
    }

    private static RequestLogEntry Entry(string path) => new("GET", "is1a", path, null, 200, null, DateTimeOffset.UnixEpoch);
}
