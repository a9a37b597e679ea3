namespace SakuraLb.Sakura;

/// <summary>
/// How old a shared read (the account's appliance list, a switch's servers) the calls of one flow of code accept:
/// <see cref="Accept"/> lets them be served by the kept copy while it is younger than the given age, even past
/// <see cref="SakuraClientOptions.ApplianceListDuration"/> and <see cref="SakuraClientOptions.ServerListDuration"/>. A
/// plan that only confirms steps of ours that ended uses it: what it asks about is what we wrote, and our writes are
/// in the kept copies, so an older copy answers it as well as a new read would, without waiting for the budget
/// (docs/architecture.md, "A verifying plan reads nothing new"). A shorter age a caller passes still wins, and a poll still needs a list read
/// after our last power call on its appliance. The scope flows into awaited calls, like <see cref="RequestPriorities"/>.
/// </summary>
public static class SharedReadAges
{
    private static readonly AsyncLocal<TimeSpan?> Ambient = new();

    /// <summary>The age the innermost scope accepts; null outside any scope (the durations alone decide).</summary>
    public static TimeSpan? Accepted => Ambient.Value;

    /// <summary>Accepts shared reads up to <paramref name="age"/> old in this flow until the scope is disposed.</summary>
    public static IDisposable Accept(TimeSpan age)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(age, TimeSpan.Zero);
        var previous = Ambient.Value;
        Ambient.Value = age;
        return new Scope(previous);
    }

    /// <summary>How long a kept copy serves a caller: its own duration, or longer when the flow accepts older copies.</summary>
    internal static TimeSpan Serving(TimeSpan duration) => Accepted is { } accepted && accepted > duration ? accepted : duration;

    /// <summary>Restores the age accepted before <see cref="Accept"/>.</summary>
    private sealed class Scope : IDisposable
    {
        private readonly TimeSpan? previous;

        public Scope(TimeSpan? previous) => this.previous = previous;

        public void Dispose() => Ambient.Value = previous;
    }
}
