using SakuraLb.Sakura.Wire;

namespace SakuraLb.Sakura;

/// <summary>
/// One paged list of every appliance of the account at a time, per process: callers that ask while a list is being
/// read share that read instead of starting their own (so concurrent plans cost one list, not one each), and a caller
/// that asks after it finished starts a fresh one. Nothing is cached past the read that produced it, so no caller sees
/// an older state than one read at the moment it asked.
/// </summary>
internal sealed class SharedApplianceList
{
    private readonly Lock gate = new();
    private Task<IReadOnlyList<SakuraAppliance>>? inFlight;

    /// <summary>
    /// The list being read now, or a new read by <paramref name="read"/>. The shared read is not cancelled by one
    /// caller's token (others may still wait for it); each caller stops waiting when its own token is cancelled.
    /// </summary>
    public Task<IReadOnlyList<SakuraAppliance>> GetAsync(
        Func<CancellationToken, Task<IReadOnlyList<SakuraAppliance>>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        Task<IReadOnlyList<SakuraAppliance>> current;
        lock (gate)
        {
            if (inFlight is null)
            {
                inFlight = ReadAndReleaseAsync(read);
            }

            current = inFlight;
        }

        return current.WaitAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<SakuraAppliance>> ReadAndReleaseAsync(Func<CancellationToken, Task<IReadOnlyList<SakuraAppliance>>> read)
    {
        try
        {
            // Yield first so the task is stored before a read that completes synchronously releases it.
            await Task.Yield();
            return await read(CancellationToken.None);
        }
        finally
        {
            lock (gate)
            {
                inFlight = null;
            }
        }
    }
}
