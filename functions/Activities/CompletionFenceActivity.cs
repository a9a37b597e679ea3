using SakuraLb.Reconcile.Nodes;

namespace SakuraLb.Functions.Activities;

/// <summary>What a reconcile pass reconciled, for the fence to compare with what is stored now.</summary>
/// <param name="NodesMatter">The load balancer has real servers, so a newer node fingerprint is a change too.</param>
public sealed record FenceInput(string ClusterId, string Uid, long DesiredSeq, string NodeFingerprint, bool NodesMatter);

public enum FenceOutcome
{
    /// <summary>Nothing newer: the row is marked idle and the reconcile may complete.</summary>
    Idle,

    /// <summary>Newer desired state or a newer node set: the reconcile runs another pass.</summary>
    Moved,

    /// <summary>The desired row is gone (purged): nothing to fence, nothing to do.</summary>
    Gone,
}

/// <summary>
/// The completion fence, the last thing a reconcile does before it completes: it marks the desired row idle with a
/// compare-and-swap, only if the row and the node set are still what the pass reconciled. A writer that stores a
/// change clears the mark in its own compare-and-swap on the same row, so exactly one of two things happens: the
/// fence sees the change (and the reconcile runs another pass), or the writer sees the mark (and knows that a
/// refused start means the instance is completing, so it starts again until it is accepted).
/// </summary>
public sealed class CompletionFenceActivity(IDesiredStore desired, INodeSetStore nodes)
{
    public const string Name = "CompletionFence";

    // Each lost race means another writer changed the row: the next read sees the change, so this ends quickly.
    private const int MaxAttempts = 8;

    public async Task<FenceOutcome> RunAsync(FenceInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return await CompareAndSwap.RetryAsync(MaxAttempts, () => TryFenceAsync(input, cancellationToken)) ?? FenceOutcome.Moved;
    }

    /// <summary>One read and compare-and-swap of the row; null when another writer marked it first.</summary>
    private async Task<FenceOutcome?> TryFenceAsync(FenceInput input, CancellationToken cancellationToken)
    {
        // The row first, then the node set: a node-set writer stores the set before it marks the row, so a
        // row read after its mark is followed by a read of the new set.
        var row = await desired.GetAsync(input.ClusterId, input.Uid, cancellationToken);
        if (row is null)
        {
            return FenceOutcome.Gone;
        }

        if (row.Seq != input.DesiredSeq)
        {
            return FenceOutcome.Moved;
        }

        if (input.NodesMatter)
        {
            var header = await nodes.GetHeaderAsync(input.ClusterId, cancellationToken);
            if (!string.Equals(header?.EligibleFingerprint ?? NodeFingerprint.Eligible(null), input.NodeFingerprint, StringComparison.Ordinal))
            {
                return FenceOutcome.Moved;
            }
        }

        // Already idle (this activity ran before and its answer was lost): no writer has marked it since.
        return row.Idle || await desired.TryMarkIdleAsync(input.ClusterId, input.Uid, row.Version!, cancellationToken) ? FenceOutcome.Idle : null;
    }
}
