namespace SakuraLb.Functions.Storage;

/// <summary>Which of two snapshots of one Service is kept. Pure; both store implementations use it.</summary>
public static class DesiredRules
{
    /// <summary>
    /// A tombstone wins over any live snapshot (the Service is gone whatever its last version said); a live
    /// snapshot never replaces a tombstone; otherwise the newer resourceVersion wins, and of two snapshots of the
    /// same resourceVersion the one with the newer endpoints revision (the endpoints of a Local Service move
    /// without the Service changing).
    /// </summary>
    public static bool ShouldReplace(ServiceSnapshot? stored, ServiceSnapshot candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (stored is null)
        {
            return true;
        }

        if (stored.Deleted)
        {
            return false;
        }

        return candidate.Deleted || ResourceVersions.IsNewer(candidate, stored);
    }

    /// <summary>
    /// True when a candidate that does not replace the stored snapshot is that same snapshot sent again (same
    /// resourceVersion and endpoints revision, or a tombstone for a tombstone), not an older one.
    /// </summary>
    public static bool IsResend(ServiceSnapshot stored, ServiceSnapshot candidate)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(candidate);
        return stored.Deleted
            ? candidate.Deleted
            : !candidate.Deleted
                && string.Equals(stored.ResourceVersion, candidate.ResourceVersion, StringComparison.Ordinal)
                && string.Equals(stored.Endpoints?.Revision, candidate.Endpoints?.Revision, StringComparison.Ordinal);
    }

    /// <summary>
    /// What is stored for an accepted candidate: a tombstone keeps the stored spec (class, type, ports) so
    /// the Service's scope is still known when its cloud resources are cleaned up.
    /// </summary>
    public static ServiceSnapshot Merge(ServiceSnapshot? stored, ServiceSnapshot candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (!candidate.Deleted || stored is null)
        {
            return candidate;
        }

        return stored with
        {
            Deleted = true,
            Namespace = string.IsNullOrEmpty(candidate.Namespace) ? stored.Namespace : candidate.Namespace,
            Name = string.IsNullOrEmpty(candidate.Name) ? stored.Name : candidate.Name,
            ResourceVersion = string.IsNullOrEmpty(candidate.ResourceVersion) ? stored.ResourceVersion : candidate.ResourceVersion,
        };
    }

    /// <summary>
    /// Whether marking a row as changed must write it: an idle row must be cleared; a node-set change must move
    /// the row's version unless the row already wants that node fingerprint (an earlier write of the same
    /// fingerprint already forced any reconcile between its last read and its fence to read again).
    /// </summary>
    public static bool NeedsMark(DesiredService stored, string? wantedNodes)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return stored.Idle || (wantedNodes is not null && !string.Equals(stored.WantedNodes, wantedNodes, StringComparison.Ordinal));
    }

    /// <summary>True when the node set should replace the stored one by resourceVersion (content is compared separately).</summary>
    public static bool IsOlderNodeSet(string? candidateVersion, string? storedVersion) =>
        ResourceVersions.TryCompare(candidateVersion, storedVersion, out var comparison) && comparison < 0;
}
