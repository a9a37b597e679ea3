using SakuraLb.Model;
using SakuraLb.Relay.Tracking;

namespace SakuraLb.Relay.Status;

/// <summary>What one look at the status feed asks to send again.</summary>
public sealed record BackstopResend(IReadOnlyList<ServiceSnapshot> Services, bool Nodes)
{
    public bool IsEmpty => Services.Count == 0 && !Nodes;
}

/// <summary>
/// The bounded backstop of delivery. A change the function accepted normally shows in the status feed within
/// seconds; one that does not (a reconcile start lost at the worst moment, a function restart) would otherwise wait
/// for the full resync. A Service whose status does not reflect its latest content after <c>after</c> is sent
/// again, and again at most once per <c>after</c> while it stays so; the node set likewise while some status was
/// computed from another node set than the one the function holds. The function answers a resend of unreflected
/// state by starting the reconcile. Pure apart from its own clocks; one instance per leadership term.
/// </summary>
public sealed class StatusBackstop
{
    private readonly Dictionary<string, Overdue> services = new(StringComparer.Ordinal);
    private readonly TimeSpan after;
    private Overdue? nodes;

    public StatusBackstop(TimeSpan after)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(after, TimeSpan.Zero);
        this.after = after;
    }

    /// <param name="tracked">The Services the relay forwards (not those still waiting for the finalizer).</param>
    /// <param name="statusOf">The feed's status of a Service, if any.</param>
    /// <param name="statuses">Every status of the feed.</param>
    /// <param name="feedNodeFingerprint">The fingerprint of the node set the function holds; null when the function does not say.</param>
    public BackstopResend Check(
        IReadOnlyList<TrackedService> tracked, Func<string, ServiceStatus?> statusOf, IEnumerable<ServiceStatus> statuses, string? feedNodeFingerprint, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(tracked);
        ArgumentNullException.ThrowIfNull(statusOf);
        ArgumentNullException.ThrowIfNull(statuses);
        var resend = new List<ServiceSnapshot>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in tracked)
        {
            var uid = service.Snapshot.Uid;
            seen.Add(uid);
            if (service.ReflectedBy(statusOf(uid)))
            {
                services.Remove(uid);
            }
            else if (Due(services, uid, service.ContentSince, now))
            {
                resend.Add(service.Snapshot);
            }
        }

        foreach (var uid in services.Keys.Where(uid => !seen.Contains(uid)).ToArray())
        {
            services.Remove(uid);
        }

        var nodesBehind = feedNodeFingerprint is not null
            && statuses.Any(s => s.ObservedNodeFingerprint is { } observed && !string.Equals(observed, feedNodeFingerprint, StringComparison.Ordinal));
        var resendNodes = false;
        if (!nodesBehind)
        {
            nodes = null;
        }
        else
        {
            nodes = Advance(nodes, feedNodeFingerprint!, now, out resendNodes);
        }

        return new BackstopResend(resend, resendNodes);
    }

    private bool Due(Dictionary<string, Overdue> clocks, string uid, string content, DateTimeOffset now)
    {
        clocks[uid] = Advance(clocks.GetValueOrDefault(uid), content, now, out var due);
        return due;
    }

    /// <summary>Starts the clock of unreflected content (again when the content changed) and says whether a resend is due now.</summary>
    private Overdue Advance(Overdue? clock, string content, DateTimeOffset now, out bool due)
    {
        var current = clock is not null && string.Equals(clock.Content, content, StringComparison.Ordinal) ? clock : new Overdue(content, now);
        due = now - current.Since >= after;
        return due ? current with { Since = now } : current;
    }

    /// <summary>Unreflected content and since when (or since its last resend).</summary>
    private sealed record Overdue(string Content, DateTimeOffset Since);
}
