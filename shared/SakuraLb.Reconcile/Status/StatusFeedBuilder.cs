using System.Security.Cryptography;

namespace SakuraLb.Reconcile.Status;

/// <summary>Published statuses → the feed the relay polls, with an ETag that changes exactly when the content does.</summary>
public static class StatusFeedBuilder
{
    /// <param name="nodeFingerprint">The stored node set's fingerprint (<see cref="StatusFeed.NodeFingerprint"/>); null when unknown.</param>
    /// <param name="nodes">The node controller's results; null when it does not run (the feed then has no <c>nodes</c>).</param>
    public static StatusFeed Build(string clusterId, IEnumerable<ServiceStatus> statuses, string? nodeFingerprint = null, IEnumerable<NodeResult>? nodes = null)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        var services = statuses.OrderBy(s => s.Uid, StringComparer.Ordinal).ToList();
        List<NodeResult>? nodeList = nodes is null ? null : [.. nodes.OrderBy(n => n.Name, StringComparer.Ordinal).ThenBy(n => n.Uid, StringComparer.Ordinal)];
        var feed = new StatusFeed { ClusterId = clusterId, NodeFingerprint = nodeFingerprint, Services = services, Nodes = nodeList };
        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(ModelJson.SerializeToUtf8Bytes(feed)))[..32] + "\"";
        return feed with { ETag = etag };
    }

    /// <summary>True when an If-None-Match header names the current ETag (or is "*").</summary>
    public static bool Matches(string? ifNoneMatch, string etag)
    {
        if (string.IsNullOrWhiteSpace(ifNoneMatch))
        {
            return false;
        }

        foreach (var candidate in ifNoneMatch.Split(','))
        {
            var tag = candidate.Trim();
            if (tag.StartsWith("W/", StringComparison.Ordinal))
            {
                tag = tag[2..];
            }

            if (tag == "*" || string.Equals(tag, etag, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
