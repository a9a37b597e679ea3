using SakuraLb.Reconcile.Nodes;

namespace SakuraLb.Functions.Activities;

/// <summary>The stored versions of a Service and of the node set, without the payloads.</summary>
/// <param name="NodesChangedAt">When the node set last changed (for the debounce of node bursts).</param>
public sealed record DesiredState(bool Exists, long DesiredSeq, long NodeSeq, string NodeFingerprint, DateTimeOffset NodesChangedAt);

/// <summary>Reads the desired Seq of a Service and the node-set header: two table reads, no cloud.</summary>
public sealed class LoadDesiredActivity(IDesiredStore desired, INodeSetStore nodes)
{
    public const string Name = "LoadDesired";

    public async Task<DesiredState> RunAsync(ServiceKey input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var service = await desired.GetAsync(input.ClusterId, input.Uid, cancellationToken);
        var header = await nodes.GetHeaderAsync(input.ClusterId, cancellationToken);
        return new DesiredState(
            service is not null,
            service?.Seq ?? 0,
            header?.Seq ?? 0,
            header?.EligibleFingerprint ?? NodeFingerprint.Eligible(null),
            header?.ChangedAt ?? DateTimeOffset.MinValue);
    }
}
