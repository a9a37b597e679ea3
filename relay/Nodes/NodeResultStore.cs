using SakuraLb.Model;

namespace SakuraLb.Relay.Nodes;

/// <summary>The node controller's results from the newest status feed, by Node name. Thread-safe.</summary>
public sealed class NodeResultStore
{
    private readonly Lock gate = new();
    private Dictionary<string, NodeResult> results = new(StringComparer.Ordinal);
    private byte[] digest = [];

    /// <summary>Null before the first feed; false when the feed carried no node results (the function app runs no node controller).</summary>
    public bool? Published { get; private set; }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return results.Count;
            }
        }
    }

    /// <summary>Takes the feed's node results; true when they differ from the last feed's.</summary>
    public bool Apply(StatusFeed feed)
    {
        ArgumentNullException.ThrowIfNull(feed);
        var list = feed.Nodes?.Where(r => r is not null && r.Name.Length > 0).ToList();
        var next = ModelJson.SerializeToUtf8Bytes(new StatusFeed { Nodes = list });
        lock (gate)
        {
            var changed = Published != (list is not null) || !digest.AsSpan().SequenceEqual(next);
            Published = list is not null;
            digest = next;
            results = (list ?? []).DistinctBy(r => r.Name, StringComparer.Ordinal).ToDictionary(r => r.Name, StringComparer.Ordinal);
            return changed;
        }
    }

    public IReadOnlyList<NodeResult> All()
    {
        lock (gate)
        {
            return [.. results.Values];
        }
    }

    public void Reset()
    {
        lock (gate)
        {
            results = new Dictionary<string, NodeResult>(StringComparer.Ordinal);
            digest = [];
            Published = null;
        }
    }
}
