using System.Text.Json.Nodes;

namespace SakuraSim.Pipeline;

internal sealed record RequestLogEntry(
    string Method,
    string Zone,
    string Path,
    string? Query,
    int Status,
    string? ErrorCode,
    DateTimeOffset Time,
    int? ExecutedStatus = null);

/// <summary>Every API request since the last reset, for tests that assert on call patterns.</summary>
internal sealed class RequestLog
{
    // A bound keeps a long-running simulator from growing without limit; tests never come near it.
    private const int Capacity = 100_000;

    private readonly Lock gate = new();
    private readonly Queue<RequestLogEntry> entries = new();
    private long generation;

    /// <summary>
    /// Taken when a request arrives. The entry is added only after the response is written, and a client can
    /// read that response and clear the log before the entry lands; the generation keeps such a request,
    /// which arrived before the clear, out of the cleared log.
    /// </summary>
    public long Generation
    {
        get
        {
            lock (gate)
            {
                return generation;
            }
        }
    }

    public void Add(RequestLogEntry entry, long arrivedInGeneration)
    {
        lock (gate)
        {
            if (arrivedInGeneration != generation)
            {
                return;
            }

            if (entries.Count == Capacity)
            {
                entries.Dequeue();
            }

            entries.Enqueue(entry);
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            entries.Clear();
            generation++;
        }
    }

    public JsonArray ToJson()
    {
        lock (gate)
        {
            return new JsonArray(entries.Select(e => (JsonNode?)new JsonObject
            {
                ["method"] = e.Method,
                ["zone"] = e.Zone,
                ["path"] = e.Path,
                ["query"] = e.Query,
                ["status"] = e.Status,
                ["errorCode"] = e.ErrorCode,
                ["time"] = e.Time.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["executedStatus"] = e.ExecutedStatus,
            }).ToArray());
        }
    }
}
