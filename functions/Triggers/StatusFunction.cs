using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using SakuraLb.Functions.Ingest;
using SakuraLb.Functions.Nodes;
using SakuraLb.Reconcile.Status;

namespace SakuraLb.Functions.Triggers;

/// <summary>
/// <c>GET /api/status</c>: the cluster's status feed, signed like every call: the Services' statuses (one table query),
/// the stored node set's header (one point read) and the node controller's results (one row). An <c>If-None-Match</c>
/// naming the current ETag gets 304 with no body. Each entry carries the node fingerprint its real servers reflect, and
/// the feed the stored node set's.
/// </summary>
public sealed class StatusFunction(SignedTrigger trigger, IStatusStore statuses, INodeSetStore nodeSets, NodePass nodePass, ControllerSettings settings)
{
    [Function("Status")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "status")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        trigger.RunAsync(request, _ => HandleAsync(request, cancellationToken), cancellationToken);

    private async Task<IActionResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var records = await statuses.ListAsync(settings.ClusterId, cancellationToken);
        var nodes = await nodeSets.GetHeaderAsync(settings.ClusterId, cancellationToken);
        var nodeResults = await nodePass.PublishedAsync(cancellationToken);

        // The node fingerprints let the relay resend a node set that a status has not caught up with. The backend
        // health of a load balancer on its way out is no longer news.
        var feed = StatusFeedBuilder.Build(
            settings.ClusterId,
            records.Select(r => r.Status with
            {
                ObservedNodeFingerprint = r.RealServerHash.Length > 0 ? r.NodeFingerprint : null,
                Backends = r.Status.Phase is ServicePhase.Deleting or ServicePhase.Deleted ? null : r.Health,
            }),
            nodes?.EligibleFingerprint,
            nodeResults);
        request.HttpContext.Response.Headers.ETag = feed.ETag;
        if (StatusFeedBuilder.Matches(request.Headers.IfNoneMatch, feed.ETag!))
        {
            return new StatusCodeResult(StatusCodes.Status304NotModified);
        }

        return SignedTrigger.Json(StatusCodes.Status200OK, ModelJson.Serialize(feed));
    }
}
