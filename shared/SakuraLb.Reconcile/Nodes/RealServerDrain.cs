namespace SakuraLb.Reconcile.Nodes;

/// <summary>A real server being drained: written with Enabled "False" (no new connections) since <see cref="Since"/>.</summary>
public sealed record DrainingServer(string Address, DateTimeOffset Since);

/// <summary>
/// What to write for one load balancer's real servers: <see cref="Enabled"/> as usual, <see cref="Draining"/> disabled
/// (kept, no new connections), <see cref="Removed"/> left out; <see cref="WakeAt"/> is when the next drained server is
/// due for removal (null when none is draining).
/// </summary>
public sealed record DrainDecision(
    IReadOnlyList<string> Enabled,
    IReadOnlyList<DrainingServer> Draining,
    IReadOnlyList<string> Removed,
    DateTimeOffset? WakeAt);

/// <summary>
/// Graceful drain of real servers, pure: a server that is no longer wanted is first kept disabled for the drain
/// period, then removed; a server wanted again while it drains is enabled again (not removed and re-added). Several
/// servers leaving at once share their writes: they start draining in one decision and are due together. The caller
/// keeps <see cref="DrainDecision.Draining"/> durably and passes it back with the next decision; a server found on
/// the load balancer but unknown to that state (the state was lost) starts its drain now, so it is never removed
/// early. A period of zero removes at once.
/// </summary>
/// <remarks>
/// The planner decides it for the running load balancer (<see cref="Planning.Plan.Drain"/>); the reconcile orchestration
/// keeps <see cref="DrainDecision.Draining"/> in its input and waits on a durable timer until <see cref="DrainDecision.WakeAt"/>.
/// </remarks>
public static class RealServerDrain
{
    /// <param name="wanted">The addresses that should serve (the real-server selection).</param>
    /// <param name="current">The addresses on the load balancer now, enabled or not.</param>
    /// <param name="draining">The drain state of the previous decision.</param>
    public static DrainDecision Decide(
        IReadOnlyCollection<string> wanted,
        IReadOnlyCollection<string> current,
        IReadOnlyList<DrainingServer> draining,
        DateTimeOffset now,
        TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(draining);
        var want = new HashSet<string>(wanted, StringComparer.Ordinal);
        var since = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var server in draining)
        {
            since.TryAdd(server.Address, server.Since);
        }

        var leaving = new SortedSet<string>(current.Where(a => !want.Contains(a)), StringComparer.Ordinal);
        leaving.UnionWith(since.Keys.Where(a => !want.Contains(a)));
        var stillDraining = new List<DrainingServer>();
        var removed = new List<string>();
        foreach (var address in leaving)
        {
            var start = since.GetValueOrDefault(address, now);
            if (period <= TimeSpan.Zero || now - start >= period)
            {
                removed.Add(address);
            }
            else
            {
                stillDraining.Add(new DrainingServer(address, start));
            }
        }

        DateTimeOffset? wake = stillDraining.Count == 0 ? null : stillDraining.Min(d => d.Since) + period;
        return new DrainDecision([.. want.Order(StringComparer.Ordinal)], stillDraining, removed, wake);
    }
}
