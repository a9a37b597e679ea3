using Microsoft.Extensions.Options;
using SakuraLb.Sakura.Http;
using SakuraLb.Sakura.Wire;

namespace SakuraLb.Sakura;

/// <summary>
/// The account's appliance list, one per process, shared by every caller for
/// <see cref="SakuraClientOptions.ApplianceListDuration"/>: concurrent plans and up-polls cost one paged list, not one each. It is
/// safe to share because of how our own writes meet it:
/// <list type="bullet">
/// <item>a write whose answer carries the appliance (create, settings and tags updates) and every single read of
/// one are written into the list (<see cref="Put"/>), a delete takes the appliance out (<see cref="Remove"/>); both
/// are laid over a read in flight too, so a caller that joins it, and the list it leaves, hold our write even when
/// the read saw the state before it;</item>
/// <item>a power call (on or off, answered or not) changes only its appliance's state, which its answer does not
/// show: it is noted (<see cref="Powered"/>), and a caller that polls that appliance (<c>readAfterPowerOf</c>) gets
/// only a list whose read started after the call ended; every other caller keeps sharing the list, so a burst of
/// shutdowns does not make every plan and poll read the account's list again;</item>
/// <item>a write whose outcome is unknown (an error) drops the list (<see cref="Invalidate"/>), so the next caller
/// reads it again, and nobody joins or keeps a read in flight.</item>
/// </list>
/// So no caller sees a state older than our own last write of what it asks about, and changes made by others (the
/// console, another controller) are hidden for at most the duration. Applying the config changes nothing the list shows.
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

    // What we wrote (null: deleted) after the read in flight started: laid over it when it ends.
    private readonly Dictionary<long, SakuraAppliance?> written = [];

    // Bumped by a write of ours whose effect the list cannot show: a read that started before it is not joined, and not kept.
    private long generation;

    // Per appliance of our last power call: the reads started up to this moment may have gone out before the call
    // ended, so a poll of that appliance needs a read started later.
    private readonly Dictionary<long, long> powered = [];

    // Whether the read in flight has sent a request yet: until then it shows the effect of every write that ends.
    private GrantMark inFlightMark = new();

    /// <summary>
    /// The list: the cached one when younger than the duration (or the age the flow accepts, <see cref="SharedReadAges"/>,
    /// when longer; and than <paramref name="maxAge"/>, when given), else
    /// the read in flight unless the list was dropped since it started, else a new read by <paramref name="read"/>.
    /// The shared read is not cancelled by one caller's token; each caller stops waiting when its own is cancelled.
    /// With <paramref name="readAfterPowerOf"/>, only a list read after our last power call on that appliance will do.
    /// </summary>
    public Task<IReadOnlyList<SakuraAppliance>> GetAsync(
        Func<CancellationToken, Task<IReadOnlyList<SakuraAppliance>>> read,
        CancellationToken cancellationToken,
        TimeSpan? maxAge = null,
        long? readAfterPowerOf = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        Task<IReadOnlyList<SakuraAppliance>> current;
        lock (gate)
        {
            long? staleUpTo = readAfterPowerOf is { } id && powered.TryGetValue(id, out var at) ? at : null;
            var serving = SharedReadAges.Serving(duration);
            var age = maxAge is { } max && max < serving ? max : serving;
            if (cached is not null && time.GetElapsedTime(cachedAt) < age && !(cachedAt <= staleUpTo))
            {
                return Task.FromResult<IReadOnlyList<SakuraAppliance>>([.. cached]);
            }

            if (inFlight is not null && inFlightGeneration == generation && inFlightStartedAt <= staleUpTo)
            {
                // The read in flight may miss the power call: a newer one replaces it, and the older is not kept.
                generation++;
            }

            if (inFlight is null || inFlightGeneration != generation)
            {
                inFlightGeneration = generation;
                inFlightStartedAt = Math.Max(time.GetTimestamp(), inFlightStartedAt + 1);
                inFlightMark = new GrantMark();
                written.Clear();
                inFlight = ReadAndReleaseAsync(read, generation, inFlightStartedAt, inFlightMark);
            }

            current = inFlight;
        }

        return current.WaitAsync(cancellationToken);
    }

    /// <summary>Writes a newer state of one appliance (the answer to a write of ours, or a single read) into the list.</summary>
    public void Put(SakuraAppliance appliance)
    {
        ArgumentNullException.ThrowIfNull(appliance);
        lock (gate)
        {
            Write(appliance.Id, appliance);
        }
    }

    /// <summary>Takes a deleted appliance out of the list.</summary>
    public void Remove(long id)
    {
        lock (gate)
        {
            Write(id, null);
        }
    }

    /// <summary>A power call of ours on one appliance ended (answered or not): its state in the list may be older.</summary>
    public void Powered(long id)
    {
        lock (gate)
        {
            // The reads started so far are stale for it, but for a read in flight that has sent nothing yet.
            powered[id] = inFlight is not null && inFlightGeneration == generation && !inFlightMark.IsGranted
                ? inFlightStartedAt - 1
                : Math.Max(time.GetTimestamp(), inFlightStartedAt);
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

    /// <summary>A write of ours (null: a delete) into the kept list and over the read in flight; called under the lock.</summary>
    private void Write(long id, SakuraAppliance? appliance)
    {
        if (cached is not null)
        {
            cached.RemoveAll(a => a.Id == id);
            if (appliance is not null)
            {
                cached.Add(appliance);
            }
        }

        if (inFlight is not null)
        {
            written[id] = appliance;
        }
    }

    private async Task<IReadOnlyList<SakuraAppliance>> ReadAndReleaseAsync(
        Func<CancellationToken, Task<IReadOnlyList<SakuraAppliance>>> read, long startedGeneration, long startedAt, GrantMark mark)
    {
        IReadOnlyList<SakuraAppliance>? result = null;
        try
        {
            // Yield first so the task is stored before a read that completes synchronously releases it.
            await Task.Yield();
            RequestGrants.Watch(mark);
            result = await read(CancellationToken.None);
            lock (gate)
            {
                if (inFlightGeneration == startedGeneration && inFlightStartedAt == startedAt && written.Count > 0)
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
                    written.Clear();
                }

                // Kept unless the list was dropped while it was read; its age counts from when it started.
                if (result is not null && generation == startedGeneration && duration > TimeSpan.Zero)
                {
                    cached = [.. result.Where(a => a is not null)];
                    cachedAt = startedAt;

                    // Power calls that ended before this read started are in it: nobody needs to wait past them again.
                    foreach (var id in powered.Where(p => p.Value < startedAt).Select(p => p.Key).ToList())
                    {
                        powered.Remove(id);
                    }
                }
            }
        }
    }

    /// <summary>The list read with our writes since it started in place of its own.</summary>
    private List<SakuraAppliance> Overlay(IReadOnlyList<SakuraAppliance> read)
    {
        var overlaid = read.Where(a => a is not null && !written.ContainsKey(a.Id)).ToList();
        overlaid.AddRange(written.Values.OfType<SakuraAppliance>());
        return overlaid;
    }
}
