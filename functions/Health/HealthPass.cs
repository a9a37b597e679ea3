using System.Globalization;
using Microsoft.Extensions.Options;
using SakuraLb.Functions.Options;
using SakuraLb.Reconcile.Desired;
using SakuraLb.Reconcile.Health;

namespace SakuraLb.Functions.Health;

/// <summary>What one health pass did.</summary>
/// <param name="Requests">Sakura requests it made (listing pages and status reads).</param>
/// <param name="Reads">Load balancers whose status it read.</param>
/// <param name="Written">Status rows whose health changed.</param>
public sealed record HealthPassReport(int Requests, int Reads, int Written);

/// <summary>
/// Reads the live status of the cluster's load balancers in turn and keeps each Service's backend health
/// (<see cref="BackendHealthTransitions"/>) in its status row, from which the feed serves it. Its own budget: every
/// request it makes (the listing of the cluster's load balancers, which gives their ids and disabled real servers,
/// and each status read) starts at least 1 / (<c>Sakura:RequestsPerSecond</c> × <c>Health:BudgetShare</c>) seconds
/// after the previous one, across passes, so it never takes more than its share of the request budget whatever the
/// number of load balancers: with many, each is read less often than <c>Health:Interval</c>. Order: a Service whose
/// real servers changed since its last read first, then those never read, then the longest unread.
/// </summary>
/// <remarks>
/// Passes never overlap in a process (a timer run while one is still going returns at once). What was read when is
/// kept in memory: after a restart every load balancer is due and the budget spreads the reads.
/// </remarks>
public sealed class HealthPass(
    IStatusStore statuses,
    INodeSetStore nodeSets,
    ISakuraCloud cloud,
    ControllerSettings settings,
    IOptions<HealthOptions> options,
    IOptions<SakuraClientOptions> sakura,
    TimeProvider time,
    ILogger<HealthPass> logger)
{
    private readonly SemaphoreSlim running = new(1, 1);
    private readonly Dictionary<string, DateTimeOffset> lastRead = new(StringComparer.Ordinal);
    private readonly HealthOptions options = options.Value;
    private readonly int pageSize = Math.Max(1, sakura.Value.PageSize);
    private IReadOnlyList<ObservedLoadBalancer>? loadBalancers;
    private DateTimeOffset loadBalancersReadAt;
    private DateTimeOffset? lastRequestAt;
    private int requestsOfLastCall;

    /// <summary>The least time between two of its requests: its share of the request budget.</summary>
    public TimeSpan Spacing { get; } = TimeSpan.FromSeconds(1 / (Math.Max(1, sakura.Value.RequestsPerSecond) * options.Value.BudgetShare));

    public async Task<HealthPassReport> RunAsync(CancellationToken cancellationToken)
    {
        if (!options.Enabled || !await running.WaitAsync(0, cancellationToken))
        {
            return new HealthPassReport(0, 0, 0);
        }

        try
        {
            // Its reads only report: when requests queue for the budget, every reconcile's go first.
            using var priority = RequestPriorities.Enter(RequestPriority.Health);
            return await PassAsync(cancellationToken);
        }
        finally
        {
            running.Release();
        }
    }

    private async Task<HealthPassReport> PassAsync(CancellationToken cancellationToken)
    {
        var cluster = settings.ClusterId;
        var deadline = time.GetUtcNow() + options.PassDuration;
        var records = (await statuses.ListAsync(cluster, cancellationToken))
            .Where(r => r.Status.Phase is not (ServicePhase.Deleting or ServicePhase.Deleted))
            .ToList();
        var now = time.GetUtcNow();
        var due = Due(records, now);
        if (due.Count == 0)
        {
            return new HealthPassReport(0, 0, 0);
        }

        var requests = 0;
        if (NeedsListing(due, now))
        {
            if (!await PaceAsync(deadline, cancellationToken))
            {
                return new HealthPassReport(0, 0, 0);
            }

            loadBalancers = await cloud.FindLoadBalancersByTagsAsync([LoadBalancerNaming.ClusterTag(cluster)], cancellationToken);
            loadBalancersReadAt = time.GetUtcNow();

            // A search pages: every page is a request of its own.
            requestsOfLastCall = Math.Max(1, (loadBalancers.Count + pageSize - 1) / pageSize);
            requests += requestsOfLastCall;
        }

        var byUid = new Dictionary<string, ObservedLoadBalancer>(StringComparer.Ordinal);
        foreach (var lb in loadBalancers ?? [])
        {
            foreach (var uid in LoadBalancerNaming.ServiceUidsOf(lb.Tags))
            {
                byUid.TryAdd(uid, lb);
            }
        }

        var nodeByAddress = NodeAddresses(await nodeSets.GetAsync(cluster, cancellationToken));
        int reads = 0, written = 0;
        foreach (var record in due)
        {
            if (!byUid.TryGetValue(record.Uid, out var lb) || lb.Availability != ApplianceAvailability.Available || lb.InstanceStatus != InstanceStatus.Up)
            {
                // No running load balancer: nothing to read (its status is only served while it is up).
                continue;
            }

            if (!await PaceAsync(deadline, cancellationToken))
            {
                break;
            }

            requestsOfLastCall = 1;
            requests++;
            IReadOnlyList<VipHealth> read;
            try
            {
                read = await cloud.GetLoadBalancerHealthAsync(lb.Id, cancellationToken);
            }
            catch (Exception ex) when (ex is SakuraApiException or HttpRequestException or TimeoutException)
            {
                logger.HealthReadFailed(record.Status.Namespace, record.Status.Name, lb.Id, ex.Message);
                lastRead[record.Uid] = time.GetUtcNow();
                continue;
            }

            reads++;
            var readAt = time.GetUtcNow();
            lastRead[record.Uid] = readAt;
            if (await StoreAsync(record.Uid, read, readAt, new HealthContext(nodeByAddress, Disabled(lb)), cancellationToken))
            {
                written++;
            }
        }

        return new HealthPassReport(requests, reads, written);
    }

    /// <summary>The Services to read now, in order: real servers changed since the last read, never read, longest unread.</summary>
    private List<StatusRecord> Due(List<StatusRecord> records, DateTimeOffset now) =>
        records
            .Select(r => (Record: r, Last: lastRead.TryGetValue(r.Uid, out var at) ? at : (DateTimeOffset?)null))
            .Where(x => ChangedSinceRead(x.Record) || x.Last is null || now - x.Last >= options.Interval)
            .OrderBy(x => ChangedSinceRead(x.Record) ? 0 : x.Last is null ? 1 : 2)
            .ThenBy(x => x.Last ?? DateTimeOffset.MinValue)
            .ThenBy(x => x.Record.Uid, StringComparer.Ordinal)
            .Select(x => x.Record)
            .ToList();

    /// <summary>
    /// The listing is read again once per interval, and sooner (but at most every ten requests' worth of budget) when a
    /// Service's real servers changed or a due Service has no load balancer in it yet (a new one).
    /// </summary>
    private bool NeedsListing(List<StatusRecord> due, DateTimeOffset now)
    {
        if (loadBalancers is null || now - loadBalancersReadAt >= options.Interval)
        {
            return true;
        }

        var listed = loadBalancers.SelectMany(lb => LoadBalancerNaming.ServiceUidsOf(lb.Tags)).ToHashSet(StringComparer.Ordinal);
        return now - loadBalancersReadAt >= Spacing * 10
            && due.Any(r => ChangedSinceRead(r) || !listed.Contains(r.Uid));
    }

    private static bool ChangedSinceRead(StatusRecord record) =>
        record.Health is not null && !string.Equals(record.RealServerHash, record.HealthRealServerHash, StringComparison.Ordinal);

    /// <summary>Waits until the budget allows the next request; false when that is past the pass's end.</summary>
    private async Task<bool> PaceAsync(DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var next = lastRequestAt is { } last ? last + (Spacing * requestsOfLastCall) : now;
        if (next > deadline)
        {
            return false;
        }

        if (next > now)
        {
            await Task.Delay(next - now, time, cancellationToken);
        }

        lastRequestAt = time.GetUtcNow();
        return true;
    }

    /// <summary>Writes the new health into the row (compare-and-swap, once more on a lost race); true when it changed.</summary>
    private async Task<bool> StoreAsync(string uid, IReadOnlyList<VipHealth> read, DateTimeOffset readAt, HealthContext context, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var row = await statuses.GetAsync(settings.ClusterId, uid, cancellationToken);
            if (row is null || row.Status.Phase is ServicePhase.Deleting or ServicePhase.Deleted)
            {
                return false;
            }

            var health = BackendHealthTransitions.Evaluate(row.Health, read, readAt, context, options.EventRetention);
            if (SameContent(row.Health, health) && row.HealthRealServerHash == row.RealServerHash)
            {
                return false;
            }

            if (await statuses.TryPutAsync(row with { Health = health, HealthRealServerHash = row.RealServerHash }, row.Version, cancellationToken))
            {
                foreach (var e in health.Events.Where(e => row.Health?.Events.Contains(e) != true))
                {
                    logger.HealthTransition(row.Status.Namespace, row.Status.Name, e.Reason, e.Message);
                }

                return true;
            }
        }

        return false;
    }

    /// <summary>Same health apart from when it was read: the row is not rewritten only to say it was read again.</summary>
    private static bool SameContent(BackendHealth? stored, BackendHealth next) =>
        stored is not null
        && ModelJson.SerializeToUtf8Bytes(stored with { CheckedAt = default }).AsSpan()
            .SequenceEqual(ModelJson.SerializeToUtf8Bytes(next with { CheckedAt = default }));

    private static Dictionary<string, string> NodeAddresses(NodeSetRecord? nodeSet)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in nodeSet?.Snapshot.Nodes ?? [])
        {
            foreach (var address in node.Addresses)
            {
                if (!string.IsNullOrEmpty(address.Address) && address.Type != WellKnown.NodeHostName)
                {
                    map.TryAdd(address.Address, node.Name);
                }
            }

            if (node.ProvidedNodeIp is { Length: > 0 } provided)
            {
                map.TryAdd(provided, node.Name);
            }
        }

        return map;
    }

    private static HashSet<(string, int)> Disabled(ObservedLoadBalancer lb) =>
        [.. lb.Vips
            .SelectMany(v => v.Servers.Select(s => (Server: s, Port: string.IsNullOrEmpty(s.Port) ? v.Port : s.Port)))
            .Where(x => string.Equals(x.Server.Enabled?.Trim(), "False", StringComparison.OrdinalIgnoreCase))
            .Select(x => (x.Server.IPAddress, int.TryParse(x.Port, NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) ? port : 0))];
}
