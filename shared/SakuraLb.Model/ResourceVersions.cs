namespace SakuraLb.Model;

/// <summary>
/// Ordering of Kubernetes resourceVersions. They are documented as opaque strings, but every API server
/// in practice emits decimal integers (etcd revisions), and "the newest snapshot wins" needs an order.
/// </summary>
public static class ResourceVersions
{
    /// <summary>True when the value is a non-empty run of ASCII digits.</summary>
    public static bool IsNumeric(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Compares two resourceVersions when the comparison means something: both decimal integers
    /// (of any length; leading zeros ignored). Returns false when either is missing or opaque.
    /// </summary>
    public static bool TryCompare(string? left, string? right, out int comparison)
    {
        comparison = 0;
        if (!IsNumeric(left) || !IsNumeric(right))
        {
            return false;
        }

        var a = left!.AsSpan().TrimStart('0');
        var b = right!.AsSpan().TrimStart('0');
        comparison = a.Length != b.Length
            ? a.Length.CompareTo(b.Length)
            : Math.Sign(a.SequenceCompareTo(b));
        return true;
    }

    /// <summary>
    /// A total order: numeric when both are numeric; a missing value is older than any value; otherwise
    /// ordinal (deterministic, though not meaningful for opaque versions).
    /// </summary>
    public static int Compare(string? left, string? right)
    {
        if (TryCompare(left, right, out var numeric))
        {
            return numeric;
        }

        var leftEmpty = string.IsNullOrEmpty(left);
        var rightEmpty = string.IsNullOrEmpty(right);
        if (leftEmpty || rightEmpty)
        {
            return leftEmpty == rightEmpty ? 0 : leftEmpty ? -1 : 1;
        }

        return Math.Sign(string.CompareOrdinal(left, right));
    }

    /// <summary>
    /// True when <paramref name="candidate"/> should replace <paramref name="current"/>: it is newer, or
    /// the two cannot be ordered and differ (the sender's latest state wins over an unordered guess).
    /// </summary>
    public static bool IsNewer(string? candidate, string? current)
    {
        if (TryCompare(candidate, current, out var comparison))
        {
            return comparison > 0;
        }

        if (string.IsNullOrEmpty(candidate))
        {
            return false;
        }

        return !string.Equals(candidate, current, StringComparison.Ordinal);
    }

    /// <summary>
    /// True when the live snapshot <paramref name="candidate"/> is newer state of the Service than
    /// <paramref name="stored"/>: a newer resourceVersion, or the same one with a newer endpoints revision (the
    /// endpoints of a Local Service move while the Service itself does not change).
    /// </summary>
    public static bool IsNewer(ServiceSnapshot candidate, ServiceSnapshot stored)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(stored);
        return IsNewer(candidate.ResourceVersion, stored.ResourceVersion)
            || (string.Equals(candidate.ResourceVersion, stored.ResourceVersion, StringComparison.Ordinal)
                && IsNewer(candidate.Endpoints?.Revision, stored.Endpoints?.Revision));
    }
}
