namespace SakuraLb.Sakura;

/// <summary>
/// Which request the rate limiter serves first when requests queue for the budget (lower goes first; equal ones in
/// arrival order). Deletes and settings writes take traffic off servers that are gone or free addresses others
/// wait for; creates are what a user waits for; reads keep the plans going; tags change nothing a client sees; health
/// reads only report.
/// </summary>
public enum RequestPriority
{
    /// <summary>Deletes, shutdowns, settings writes and applies (a real server removed or added), address releases.</summary>
    Removal = 0,

    /// <summary>Load balancer creates (and their boot).</summary>
    Create = 1,

    /// <summary>Everything not tagged otherwise: the plans' and polls' reads.</summary>
    Normal = 2,

    /// <summary>Writes no client notices: tags and description.</summary>
    Cosmetic = 3,

    /// <summary>Backend health reads: last, they only report.</summary>
    Health = 4,
}

/// <summary>
/// The ambient <see cref="RequestPriority"/> of the Sakura requests a flow of code makes: <see cref="Enter"/> sets it
/// until the returned scope is disposed (it flows into awaited calls and is restored when the async method that set
/// it returns). The client's methods set it for their writes; a caller sets it around its reads (the health pass).
/// </summary>
public static class RequestPriorities
{
    private static readonly AsyncLocal<RequestPriority?> Ambient = new();

    /// <summary>The priority of a request made here: the innermost scope's, else <see cref="RequestPriority.Normal"/>.</summary>
    public static RequestPriority Current => Ambient.Value ?? RequestPriority.Normal;

    /// <summary>Makes the requests of this flow <paramref name="priority"/> until the scope is disposed.</summary>
    public static Scope Enter(RequestPriority priority)
    {
        var previous = Ambient.Value;
        Ambient.Value = priority;
        return new Scope(previous);
    }

    /// <summary>Restores the priority that was in effect before <see cref="Enter"/>.</summary>
    public sealed class Scope : IDisposable
    {
        private readonly RequestPriority? previous;

        internal Scope(RequestPriority? previous) => this.previous = previous;

        public void Dispose() => Ambient.Value = previous;
    }
}
