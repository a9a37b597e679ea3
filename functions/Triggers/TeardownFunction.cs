using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using SakuraLb.Functions.Ingest;
using SakuraLb.Functions.Teardown;

namespace SakuraLb.Functions.Triggers;

/// <summary>
/// <c>POST /api/teardown</c> and <c>GET /api/teardown/{operationId}</c>, keyed and signed like <c>/api/resync</c>
/// (docs/protocol.md): without <c>confirm</c> a dry run lists what this installation would delete (200); with
/// <c>confirm</c> equal to the cluster id the teardown starts (202, with the operation id to follow it); any other
/// <c>confirm</c> is a 400. The GET answers the same document as it stands, or 404 for an unknown id.
/// </summary>
public sealed class TeardownFunction(SignedTrigger trigger, ClusterTeardown teardown)
{
    [Function("Teardown")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "teardown")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        trigger.RunAsync<TeardownRequest>(request, "teardown request", TeardownRequestValidator.Validate, async body =>
        {
            var report = body.IsConfirmed
                ? await teardown.StartAsync(client, cancellationToken)
                : await teardown.DryRunAsync(cancellationToken);
            return SignedTrigger.Json(body.IsConfirmed ? StatusCodes.Status202Accepted : StatusCodes.Status200OK, ModelJson.Serialize(report));
        }, cancellationToken);

    [Function("TeardownStatus")]
    public Task<IActionResult> Status(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "teardown/{operationId}")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        trigger.RunAsync(request, async _ =>
        {
            // The id is the path's last segment (the signature covers the whole path).
            var operationId = request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
            var report = await ClusterTeardown.ProgressAsync(client, operationId, cancellationToken);
            return report is null
                ? Problems.NotFound($"no teardown {operationId} is known to the function app")
                : SignedTrigger.Json(StatusCodes.Status200OK, ModelJson.Serialize(report));
        }, cancellationToken);
}
