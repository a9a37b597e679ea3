namespace SakuraLb.Reconcile.Nodes;

/// <summary>The nodes a Service's endpoints allow as real servers, and what the user is told about it.</summary>
public sealed record EndpointNodes(IReadOnlyList<NodeSnapshot> Nodes, ValidationProblem? Warning);

/// <summary>
/// <c>externalTrafficPolicy: Local</c>: with DSR a packet reaches a node addressed to the VIP, and kube-proxy answers
/// it only on a node running an endpoint of the Service (the Sakura load balancer has no separate check port, so
/// <c>healthCheckNodePort</c> cannot tell it which). The real servers therefore follow the endpoints: the nodes with
/// a ready endpoint; while no node has one, the nodes whose terminating endpoints still serve (kube-proxy falls back
/// to those too); with neither, none. Cluster policy, and a Local Service the relay forwarded no endpoints for (a
/// relay that does not watch EndpointSlices), keep every node.
/// </summary>
public static class LocalEndpoints
{
    public static bool IsLocal(ServiceSnapshot service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return string.Equals(service.ExternalTrafficPolicy, "Local", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary><paramref name="nodes"/> narrowed to the nodes the Service's endpoints allow (input order kept).</summary>
    public static EndpointNodes Filter(ServiceSnapshot service, IReadOnlyList<NodeSnapshot> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        if (!IsLocal(service) || service.Endpoints is not { } endpoints)
        {
            return new EndpointNodes(nodes, null);
        }

        if (endpoints.ReadyNodes.Count > 0)
        {
            return new EndpointNodes(Keep(nodes, endpoints.ReadyNodes), null);
        }

        if (endpoints.ServingNodes.Count > 0)
        {
            return new EndpointNodes(
                Keep(nodes, endpoints.ServingNodes),
                new ValidationProblem(
                    ReasonCodes.OnlyTerminatingEndpoints,
                    $"externalTrafficPolicy is Local and no endpoint is ready; the nodes whose terminating endpoints still serve stay real servers, as kube-proxy keeps serving them ({endpoints.ServingNodes.Count}): {RealServerSelector.Names(endpoints.ServingNodes)}",
                    "spec.externalTrafficPolicy"));
        }

        return new EndpointNodes(
            [],
            new ValidationProblem(
                ReasonCodes.NoReadyEndpoints,
                "externalTrafficPolicy is Local and no node runs a ready or serving endpoint of the Service: the load balancer has no real servers until one is ready",
                "spec.externalTrafficPolicy"));
    }

    private static List<NodeSnapshot> Keep(IReadOnlyList<NodeSnapshot> nodes, IReadOnlyList<string> names)
    {
        var wanted = new HashSet<string>(names.Where(n => n is not null), StringComparer.Ordinal);
        return [.. nodes.Where(n => n is not null && wanted.Contains(n.Name))];
    }
}
