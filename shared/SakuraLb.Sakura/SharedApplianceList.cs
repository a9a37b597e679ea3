using Microsoft.Extensions.Options;
using SakuraLb.Sakura.Wire;

namespace SakuraLb.Sakura;

/// <summary>
/// The account's appliance list, one per process, shared by every caller for
/// <see cref="SakuraClientOptions.ApplianceListDuration"/>: concurrent plans and up-polls cost one paged list,
/// not one each. It is safe to share because of how our own writes meet it:
/// <list type="bullet">
/// <item>a write whose answer carries the appliance (create, settings and tags updates) and every single read of
/// one are written into the list (<see cref="Put"/>), a delete takes the appliance out (<see cref="Remove"/>);</item>
/// <item>a write whose effect is not in its answer (power on or off) or whose outcome is unknown (an error) drops the
/// list (<see cref="Invalidate"/>), so the next caller reads it again;</item>
/// <item>a caller never joins a read that started before one of our writes: it starts a fresh one.</item>
/// </list>
/// So no caller sees a state older than our own last write, and changes made by others (the console, another
/// controller) are hidden for at most the duration. Applying the config changes nothing the list shows.
/// The up and down polls read only the appliances waited on (<see cref="LoadBalancerPolls"/>); what they saw is
/// written into the list too (<see cref="Refresh"/>), so a plan made right after a wait sees the state the wait ended on.
/// </summary>
internal sealed class SharedApplianceList(IOptions<SakuraClientOptions> options, TimeProvider time)
{
    private readonly TimeSpan duration = options.Value.ApplianceListDuration;
    private readonly Lock gate = new();
    private Task<IReadOnlyList<SakuraAppliance>>? inFlight;
    private long inFlightGeneration;
    private long inFlightStartedAt;
    private List<SakuraAppliance>? cached;
    private long cachedAt;

    // States read by narrower reads that started after the list read in flight: laid over it when it is kept.
    private readonly Dictionary<long, SakuraAppliance> fresher = [];

    // Bumped by every write of ours: a read that started before it is not joined, and not kept.
    private long generation;

    /// <summary>
    /// The list: the cached one when younger than the duration (and than <paramref name="maxAge"/>, when given), else
    /// the read in flight when it started after our last write, else a new read by <paramref name="read"/>. The
    /// shared read is not cancelled by one caller's token; each caller stops waiting when its own is cancelled.
    /// </summary>
    public Task<IReadOnlyList<SakuraAppliance>> GetAsync(
        Func<CancellationToken, Task<IReadOnlyList<SakuraAppliance>>> read, CancellationToken cancellationToken, TimeSpan? maxAge = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        Task<IReadOnlyList<SakuraAppliance>> current;
        lock (gate)
        {
            var age = maxAge is { } max && max < duration ? max : duration;
            if (cached is not null && time.GetElapsedTime(cachedAt) < age)
            {
                return Task.FromResult<IReadOnlyList<SakuraAppliance>>([.. cached]);
            }

            if (inFlight is null || inFlightGeneration != generation)
            {
                inFlightGeneration = generation;
                inFlightStartedAt = time.GetTimestamp();
                fresher.Clear();
                inFlight = ReadAndReleaseAsync(read, generation, inFlightStartedAt);
            }

            current = inFlight;
        }

        return current.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// The appliance <paramref name="id"/> from the kept list when that is younger than <paramref name="maxAge"/> (and
    /// than the duration) and holds it; no read. A poll takes it instead of a read of its own.
    /// </summary>
    public SakuraAppliance? Peek(long id, TimeSpan maxAge)
    {
        lock (gate)
        {
            var age = maxAge < duration ? maxAge : duration;
            return cached is not null && time.GetElapsedTime(cachedAt) < age ? cached.Find(a => a.Id == id) : null;
        }
    }

    /// <summary>Writes a newer state of one appliance (the answer to a write of ours, or a single read) into the list.</summary>
    public void Put(SakuraAppliance appliance)
    {
        ArgumentNullException.ThrowIfNull(appliance);
        lock (gate)
        {
            generation++;
            if (cached is not null)
            {
                cached.RemoveAll(a => a.Id == appliance.Id);
                cached.Add(appliance);
            }
        }
    }

    /// <summary>Where our writes stand and the time: taken before a narrower read starts, and handed to <see cref="Refresh"/> with its result.</summary>
    public (long Generation, long At) Stamp()
    {
        lock (gate)
        {
            return (generation, time.GetTimestamp());
        }
    }

    /// <summary>
    /// Writes what a narrower read of some appliances (a poll) saw into the list, unless a write of ours came after the
    /// read started (the generation of its <see cref="Stamp"/>: the write's own state wins) or the list was read after it.
    /// Unlike <see cref="Put"/> it is not a write: a list read in flight stays shared and is kept, with these states
    /// laid over it when it started before the narrower read.
    /// </summary>
    public void Refresh(IEnumerable<SakuraAppliance> appliances, (long Generation, long At) stamp)
    {
        ArgumentNullException.ThrowIfNull(appliances);
        var startedAt = stamp.At;
        lock (gate)
        {
            if (generation != stamp.Generation)
            {
                return;
            }

            foreach (var appliance in appliances.Where(a => a is not null))
            {
                if (cached is not null && cachedAt <= startedAt)
                {
                    cached.RemoveAll(a => a.Id == appliance.Id);
                    cached.Add(appliance);
                }

                if (inFlight is not null && inFlightStartedAt <= startedAt)
                {
                    fresher[appliance.Id] = appliance;
                }
            }
        }
    }

    /// <summary>Takes a deleted appliance out of the list.</summary>
    public void Remove(long id)
    {
        lock (gate)
        {
            generation++;
            cached?.RemoveAll(a => a.Id == id);
        }
    }

    /// <summary>Drops the list: a write of ours changed something the list shows in a way its answer does not say.</summary>
    public void Invalidate()
    {
        lock (gate)
        {
            generation++;
            cached = null;
        }
    }

    private async Task<IReadOnlyList<SakuraAppliance>> ReadAndReleaseAsync(
        Func<CancellationToken, Task<IReadOnlyList<SakuraAppliance>>> read, long startedGeneration, long startedAt)
    {
        IReadOnlyList<SakuraAppliance>? result = null;
        try
        {
            // Yield first so the task is stored before a read that completes synchronously releases it.
            await Task.Yield();
            result = await read(CancellationToken.None);
            lock (gate)
            {
                if (inFlightGeneration == startedGeneration && inFlightStartedAt == startedAt && fresher.Count > 0)
                {
                    result = Overlay(result);
                }
            }

            return result;
        }
        finally
        {
            lock (gate)
            {
                if (inFlightGeneration == startedGeneration && inFlightStartedAt == startedAt)
                {
                    inFlight = null;
                    fresher.Clear();
                }

                // Kept only when no write of ours happened while it was read; its age counts from when it started.
                if (result is not null && generation == startedGeneration && duration > TimeSpan.Zero)
                {
                    cached = [.. result.Where(a => a is not null)];
                    cachedAt = startedAt;
                }
            }
        }
    }

    /// <summary>The list read with the states narrower reads saw after it started in place of its own.</summary>
    private List<SakuraAppliance> Overlay(IReadOnlyList<SakuraAppliance> read)
    {
        var overlaid = read.Where(a => a is not null && !fresher.ContainsKey(a.Id)).ToList();
        overlaid.AddRange(fresher.Values);
        return overlaid;
    }
}
