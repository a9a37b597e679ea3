using Microsoft.Extensions.Options;
using SakuraLb.Sakura.Wire;

namespace SakuraLb.Sakura;

/// <summary>
/// The servers of each switch, one read per (switch, version) shared by every caller for
/// <see cref="SakuraClientOptions.ServerListDuration"/>: the plans of a burst, which all read the same switch, cost one
/// server list instead of one each. The version is the caller's node set: a node set that changed starts a new read,
/// so a plan never matches nodes against servers read before it knew them. We never write servers, so nothing of ours
/// makes the list stale; a failed or cancelled read is not kept.
/// </summary>
internal sealed class SharedServerLists(IOptions<SakuraClientOptions> options, TimeProvider time)
{
    private readonly TimeSpan duration = options.Value.ServerListDuration;
    private readonly Lock gate = new();
    private readonly Dictionary<long, Entry> reads = [];

    /// <summary>
    /// The switch's servers: the read shared for this version when it started less than the duration ago (or the age
    /// the flow accepts, <see cref="SharedReadAges"/>, when longer; or is still in flight), else a new read by <paramref name="read"/>, which no single caller's token cancels.
    /// </summary>
    public Task<IReadOnlyList<SakuraServer>> GetAsync(
        long switchId, long version, Func<CancellationToken, Task<IReadOnlyList<SakuraServer>>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        Task<IReadOnlyList<SakuraServer>> current;
        lock (gate)
        {
            if (!reads.TryGetValue(switchId, out var entry) || !entry.Serves(version, time, SharedReadAges.Serving(duration)))
            {
                entry = new Entry(version, time.GetTimestamp(), Task.Run(() => read(CancellationToken.None), CancellationToken.None));
                reads[switchId] = entry;
            }

            current = entry.Read;
        }

        return current.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// A read of the switch's servers made outside the sharing (the resync's, a resync request's) replaces the shared
    /// one for its version, so the plans it starts act on what it saw.
    /// </summary>
    public void Replace(long switchId, IReadOnlyList<SakuraServer> servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        lock (gate)
        {
            if (reads.TryGetValue(switchId, out var entry))
            {
                reads[switchId] = new Entry(entry.Version, time.GetTimestamp(), Task.FromResult(servers));
            }
        }
    }

    private sealed record Entry(long Version, long StartedAt, Task<IReadOnlyList<SakuraServer>> Read)
    {
        public bool Serves(long version, TimeProvider time, TimeSpan duration) =>
            Version == version
            && !Read.IsFaulted && !Read.IsCanceled
            && (!Read.IsCompleted || time.GetElapsedTime(StartedAt) < duration);
    }
}
