namespace SakuraLb.Relay.Status;

/// <summary>
/// Makes one planned write to the Kubernetes API and reads its failure the same way for a Service and for a Node: the
/// API error becomes a <see cref="WriteOutcome"/> (<see cref="KubeWrites.Classify"/>), a real failure is reported with
/// its exception and an expected refusal (gone, conflict, already recorded) only as skipped.
/// </summary>
public static class KubeWriteAttempt
{
    /// <param name="write">The write; it logs its own success.</param>
    /// <param name="isEvent">The write creates an Event, so a 409 means it was recorded before.</param>
    /// <param name="failed">Reports a write that failed.</param>
    /// <param name="skipped">Reports a write the API refused for a reason the next plan accounts for.</param>
    public static async Task<WriteOutcome> RunAsync(
        Func<Task> write, bool isEvent, Action<Exception> failed, Action<WriteOutcome> skipped, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(failed);
        ArgumentNullException.ThrowIfNull(skipped);
        try
        {
            await write();
            return WriteOutcome.Ok;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var outcome = KubeWrites.Classify(ex, isEvent);
            if (outcome == WriteOutcome.Failed)
            {
                failed(ex);
            }
            else
            {
                skipped(outcome);
            }

            return outcome;
        }
    }
}
