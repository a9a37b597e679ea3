namespace SakuraLb.Model;

/// <summary>
/// Where a Service with <c>externalTrafficPolicy: Local</c> has endpoints, by node, summarised by the relay from
/// the Service's EndpointSlices (<c>kubernetes.io/service-name</c>). With Local, kube-proxy answers traffic for the
/// load balancer's address only on a node that runs an endpoint of the Service, so only those nodes may be real
/// servers. Additive to protocol version 1: a relay that does not watch EndpointSlices sends none, and the
/// function app then treats every eligible node as a real server, as before.
/// </summary>
public sealed record ServiceEndpoints
{
    /// <summary>
    /// The newest resourceVersion among the Service's EndpointSlices the relay has seen (their list, their
    /// events, deletions included): it only grows while the Service's own resourceVersion stays, so the
    /// function app orders two summaries of one Service version by it.
    /// </summary>
    public string Revision { get; init => field = value ?? ""; } = "";

    /// <summary>Nodes with at least one ready endpoint, sorted ordinally.</summary>
    public IReadOnlyList<string> ReadyNodes { get; init => field = value ?? []; } = [];

    /// <summary>
    /// Nodes whose endpoints are all terminating but at least one still serving (no ready one), sorted
    /// ordinally: kube-proxy still answers there while the Service has no ready endpoint anywhere.
    /// </summary>
    public IReadOnlyList<string> ServingNodes { get; init => field = value ?? []; } = [];
}
