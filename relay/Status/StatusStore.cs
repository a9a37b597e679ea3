using SakuraLb.Model;

namespace SakuraLb.Relay.Status;

/// <summary>The newest status feed, per Service UID. Thread-safe.</summary>
public sealed class StatusStore
{
    private readonly Lock gate = new();
    private Dictionary<string, (ServiceStatus Status, byte[] Digest)> entries = new(StringComparer.Ordinal);

    /// <summary>The feed's ETag, for the next conditional poll.</summary>
    public string? ETag { get; private set; }

    /// <summary>The fingerprint of the node set the function holds, as the last feed said (null when it does not say).</summary>
    public string? NodeFingerprint { get; private set; }

    /// <summary>True once a feed has been read in this term.</summary>
    public bool Loaded { get; private set; }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return entries.Count;
            }
        }
    }

    public ServiceStatus? Get(string uid)
    {
        lock (gate)
        {
            return entries.TryGetValue(uid, out var entry) ? entry.Status : null;
        }
    }

    /// <summary>Every status of the last feed.</summary>
    public IReadOnlyList<ServiceStatus> All()
    {
        lock (gate)
        {
            return entries.Values.Select(e => e.Status).ToArray();
        }
    }

    public bool Contains(string uid)
    {
        lock (gate)
        {
            return entries.ContainsKey(uid);
        }
    }

    /// <summary>Replaces the feed; returns the UIDs whose entry is new or changed.</summary>
    public IReadOnlyList<string> Apply(StatusFeed feed, string? etag)
    {
        ArgumentNullException.ThrowIfNull(feed);
        lock (gate)
        {
            var next = new Dictionary<string, (ServiceStatus, byte[])>(StringComparer.Ordinal);
            var changed = new List<string>();
            foreach (var status in feed.Services)
            {
                if (status is null || status.Uid.Length == 0)
                {
                    continue;
                }

                var digest = ModelJson.SerializeToUtf8Bytes(status);
                if (!entries.TryGetValue(status.Uid, out var old) || !old.Digest.AsSpan().SequenceEqual(digest))
                {
                    changed.Add(status.Uid);
                }

                next[status.Uid] = (status, digest);
            }

            entries = next;
            ETag = etag;
            NodeFingerprint = feed.NodeFingerprint;
            Loaded = true;
            return changed;
        }
    }

    public void Reset()
    {
        lock (gate)
        {
            entries = new Dictionary<string, (ServiceStatus, byte[])>(StringComparer.Ordinal);
            ETag = null;
            NodeFingerprint = null;
            Loaded = false;
        }
    }
}
