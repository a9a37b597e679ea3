using k8s.Models;

namespace SakuraLb.Relay.Projection;

/// <summary>What one EndpointSlice says about nodes: which run a ready endpoint, which only terminating but serving ones.</summary>
public sealed record SliceNodes(IReadOnlyList<string> Ready, IReadOnlyList<string> Serving)
{
    public static SliceNodes Empty { get; } = new([], []);
}

/// <summary>
/// EndpointSlice → the nodes it places endpoints on, as kube-proxy reads the conditions (discovery.k8s.io/v1): an
/// unset <c>ready</c> means ready, an unset <c>serving</c> means the same as <c>ready</c>, an unset
/// <c>terminating</c> means not terminating. Ready = ready and not terminating; serving = terminating and serving.
/// Endpoints without a node name cannot be placed on a real server and are ignored. The lists are sorted and
/// without repeats, so equal content compares equal.
/// </summary>
public static class EndpointSliceProjection
{
    public static SliceNodes Project(V1EndpointSlice slice)
    {
        ArgumentNullException.ThrowIfNull(slice);
        if (slice.Endpoints is not { Count: > 0 } endpoints)
        {
            return SliceNodes.Empty;
        }

        var ready = new SortedSet<string>(StringComparer.Ordinal);
        var serving = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints)
        {
            if (endpoint?.NodeName is not { Length: > 0 } node)
            {
                continue;
            }

            var conditions = endpoint.Conditions;
            var isReady = conditions?.Ready ?? true;
            var isTerminating = conditions?.Terminating ?? false;
            var isServing = conditions?.Serving ?? isReady;
            if (isReady && !isTerminating)
            {
                ready.Add(node);
            }
            else if (isTerminating && isServing)
            {
                serving.Add(node);
            }
        }

        return ready.Count == 0 && serving.Count == 0 ? SliceNodes.Empty : new SliceNodes([.. ready], [.. serving]);
    }
}
