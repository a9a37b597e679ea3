using SakuraLb.Sakura.Wire;

namespace SakuraLb.Sakura;

/// <summary>
/// The polls of the load balancers being waited on (until up after a create or boot, until down before a delete),
/// batched: one read at a time, of exactly the appliances asked for (a search by their IDs, so its cost follows the
/// number of waiters, never the account's other appliances). A poll that arrives while a read is in flight joins it
/// when that read covers its appliance, else it waits for the next read, which starts as soon as the one in flight
/// ends and covers every appliance asked for meanwhile. However many Services wait, they cost one read per round.
/// A poll may also take a finished read that covered its appliance and started at most its <c>maxAge</c> ago. The
/// shared read is not cancelled by one caller's token; a failed read fails its callers and is not kept.
/// </summary>
internal sealed class LoadBalancerPolls(TimeProvider time)
{
    private readonly Lock gate = new();
    private Round? inFlight;
    private Round? next;
    private Round? last;

    /// <summary>
    /// The appliance <paramref name="id"/> as a read that started after this call (or at most <paramref name="maxAge"/>
    /// before it) saw it; null when that read did not find it. <paramref name="read"/> reads the given appliances.
    /// </summary>
    public async Task<SakuraAppliance?> GetAsync(
        long id,
        TimeSpan maxAge,
        Func<IReadOnlyCollection<long>, CancellationToken, Task<IReadOnlyList<SakuraAppliance>>> read,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        Round round;
        lock (gate)
        {
            if (last is { } done && done.Ids.Contains(id) && time.GetElapsedTime(done.StartedAt) <= maxAge)
            {
                round = done;
            }
            else if (inFlight is { } current && current.Ids.Contains(id))
            {
                round = current;
            }
            else
            {
                next ??= new Round(read);
                next.Ids.Add(id);
                round = next;
                if (inFlight is null)
                {
                    Start();
                }
            }
        }

        var found = await round.Result.Task.WaitAsync(cancellationToken);
        return found.GetValueOrDefault(id);
    }

    /// <summary>Starts the pending round; called under the lock, with nothing in flight.</summary>
    private void Start()
    {
        var round = next!;
        next = null;
        inFlight = round;
        round.StartedAt = time.GetTimestamp();

        // On the thread pool: a round is often started from the end of the previous one, on the scheduler of whichever
        // caller ran that; that caller may be gone (an activity's scheduler) before this round ends.
        _ = Task.Run(() => RunAsync(round), CancellationToken.None);
    }

    private async Task RunAsync(Round round)
    {
        Dictionary<long, SakuraAppliance>? found = null;
        Exception? failure = null;
        try
        {
            var appliances = await round.Read([.. round.Ids], CancellationToken.None).ConfigureAwait(false);
            found = [];
            foreach (var appliance in appliances.Where(a => a is not null && round.Ids.Contains(a.Id)))
            {
                found[appliance.Id] = appliance;
            }
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        lock (gate)
        {
            inFlight = null;
            if (found is not null)
            {
                last = round;
            }

            if (next is not null)
            {
                Start();
            }
        }

        if (found is not null)
        {
            round.Result.SetResult(found);
        }
        else
        {
            round.Result.SetException(failure!);
        }
    }

    /// <summary>One read: how (the first caller's), the appliances it covers, when it started, and what it found.</summary>
    private sealed class Round(Func<IReadOnlyCollection<long>, CancellationToken, Task<IReadOnlyList<SakuraAppliance>>> read)
    {
        public Func<IReadOnlyCollection<long>, CancellationToken, Task<IReadOnlyList<SakuraAppliance>>> Read { get; } = read;

        public HashSet<long> Ids { get; } = [];

        public long StartedAt { get; set; }

        public TaskCompletionSource<Dictionary<long, SakuraAppliance>> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
