namespace SakuraLb.Sakura.Http;

/// <summary>
/// Lets a caller learn whether a request of its own flow has got its limiter permit yet: the shared appliance list
/// uses it to know if a read in flight can still show the effect of a write that has just ended (a request not yet
/// granted goes out after it).
/// </summary>
internal static class RequestGrants
{
    private static readonly AsyncLocal<GrantMark?> Watched = new();

    /// <summary>The requests of the current flow from here on mark <paramref name="mark"/> when granted.</summary>
    public static void Watch(GrantMark mark) => Watched.Value = mark;

    /// <summary>Called by the rate-limit handler once a request of the flow has its permit.</summary>
    public static void Granted() => Watched.Value?.Grant();
}

/// <summary>Whether any request of a flow has been granted (and so may already be on its way).</summary>
internal sealed class GrantMark
{
    private int granted;

    public bool IsGranted => Volatile.Read(ref granted) == 1;

    public void Grant() => Volatile.Write(ref granted, 1);
}
