using System.Security.Cryptography;
using System.Text;

namespace SakuraLb.Model;

/// <summary>
/// The names of the Events the relay records: deterministic, so recording the same thing again (after a restart or a
/// leader handover) is refused by the API server as AlreadyExists instead of creating a duplicate, and a tool that
/// made a request can find its answer by name.
/// </summary>
public static class EventNames
{
    /// <summary>
    /// "&lt;object&gt;.&lt;16 hex digits&gt;": the digest covers the object's UID and what the Event reports
    /// (<paramref name="discriminator"/>).
    /// </summary>
    public static string Of(string objectName, string uid, string discriminator)
    {
        ArgumentNullException.ThrowIfNull(objectName);
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(uid + "\n" + discriminator));
        var prefix = objectName.Length > 200 ? objectName[..200] : objectName;
        return $"{prefix}.{Convert.ToHexStringLower(digest.AsSpan(0, 8))}";
    }

    /// <summary>The Event that answers the resync request <paramref name="request"/> (a Service's, or the cluster's on its ConfigMap).</summary>
    public static string ResyncAnswer(string objectName, string uid, string request) => Of(objectName, uid, "resync\n" + request);
}
