using System.Security.Cryptography;
using SakuraLb.Model;

namespace SakuraLb.Reconcile.Status;

/// <summary>Published statuses → the feed the relay polls, with an ETag that changes exactly when the content does.</summary>
public static class StatusFeedBuilder
{
    public static StatusFeed Build(string clusterId, IEnumerable<ServiceStatus> statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        var services = statuses.OrderBy(s => s.Uid, StringComparer.Ordinal).ToList();
        var content = ModelJson.SerializeToUtf8Bytes(new StatusFeed { ClusterId = clusterId, Services = services });
        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(content))[..32] + "\"";
        return new StatusFeed { ClusterId = clusterId, ETag = etag, Services = services };
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
