using System.Text.RegularExpressions;

namespace KubeSim.Api;

/// <summary>Test controls shared by the C# API and the <c>/_sim/</c> endpoints: request log, injected faults, watch settings.</summary>
internal sealed class SimulatorControls
{
    private readonly Lock gate = new();
    private readonly Queue<KubeRequestRecord> log = new();
    private readonly List<(KubeFault Fault, int Remaining)> faults = [];
    private readonly int logLimit;
    private long logGeneration;

    public SimulatorControls(WatchGoneMode tooOldWatchResponse, int logLimit = 100_000)
    {
        TooOldWatchResponse = tooOldWatchResponse;
        this.logLimit = logLimit;
    }

    public WatchGoneMode TooOldWatchResponse { get; set; }

    /// <summary>
    /// Taken when a request arrives. A request is recorded only once it is answered, after its effect is visible
    /// in the store; a test that saw the effect and cleared the log must not find the request in it afterwards.
    /// </summary>
    public long LogGeneration
    {
        get
        {
            lock (gate)
            {
                return logGeneration;
            }
        }
    }

    /// <param name="arrivedInGeneration">The <see cref="LogGeneration"/> when the request arrived: a request from before a clear is dropped.</param>
    public void Record(KubeRequestRecord record, long arrivedInGeneration)
    {
        lock (gate)
        {
            if (arrivedInGeneration != logGeneration)
            {
                return;
            }

            // A queue drops the oldest in O(1); a list would shift the whole log on every request once full.
            if (log.Count == logLimit)
            {
                log.Dequeue();
            }

            log.Enqueue(record);
        }
    }

    public IReadOnlyList<KubeRequestRecord> RequestLog()
    {
        lock (gate)
        {
            return log.ToList();
        }
    }

    public void ClearRequestLog()
    {
        lock (gate)
        {
            log.Clear();
            logGeneration++;
        }
    }

    public void AddFault(KubeFault fault)
    {
        if (fault.StatusCode is < 400 or > 599)
        {
            throw new ArgumentException($"statusCode must be 400-599, got {fault.StatusCode}", nameof(fault));
        }

        if (fault.Count < 1)
        {
            throw new ArgumentException($"count must be at least 1, got {fault.Count}", nameof(fault));
        }

        lock (gate)
        {
            faults.Add((fault, fault.Count));
        }
    }

    public IReadOnlyList<KubeFault> Faults()
    {
        lock (gate)
        {
            return faults.Select(f => f.Fault with { Count = f.Remaining }).ToList();
        }
    }

    public void ClearFaults()
    {
        lock (gate)
        {
            faults.Clear();
        }
    }

    /// <summary>Consumes one use of the first fault matching this request, if any.</summary>
    public KubeFault? TakeFault(string method, string path, KubeRequestInfo info)
    {
        lock (gate)
        {
            for (var i = 0; i < faults.Count; i++)
            {
                var (fault, remaining) = faults[i];
                if (!Matches(fault, method, path, info))
                {
                    continue;
                }

                if (remaining <= 1)
                {
                    faults.RemoveAt(i);
                }
                else
                {
                    faults[i] = (fault, remaining - 1);
                }

                return fault;
            }

            return null;
        }
    }

    private static bool Matches(KubeFault f, string method, string path, KubeRequestInfo info) =>
        Same(f.Method, method, ignoreCase: true)
        && (f.PathPattern is null || Glob(f.PathPattern, path))
        && Same(f.Verb, info.Verb)
        && Same(f.Resource, info.Resource)
        && Same(f.Subresource, info.Subresource)
        && Same(f.Namespace, info.Namespace)
        && Same(f.Name, info.Name);

    private static bool Same(string? wanted, string actual, bool ignoreCase = false) =>
        wanted is null || string.Equals(wanted, actual, ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    private static bool Glob(string pattern, string path) =>
        Regex.IsMatch(path, "^" + string.Join(".*", pattern.Split('*').Select(Regex.Escape)) + "$", RegexOptions.None, TimeSpan.FromSeconds(1));
}
