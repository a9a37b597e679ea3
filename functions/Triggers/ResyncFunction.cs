using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using SakuraLb.Functions.Ingest;
using SakuraLb.Functions.Orchestrations;
using SakuraLb.Functions.Resync;

namespace SakuraLb.Functions.Triggers;

/// <summary>
/// <c>POST /api/resync</c>: one Service (namespace + name; every UID known under that name) is reconciled now, unconditionally; a namespace or
/// the whole cluster gets the timer's batched pass, which starts reconciles only where something is behind or
/// drifted. The answer lists the instances started (or already running) and the Services concerned.
/// </summary>
public sealed class ResyncFunction(
    SignedTrigger trigger,
    ClusterResync resync,
    ReconcileStarter starter,
    IDesiredStore desired,
    ControllerSettings settings,
    ILogger<ResyncFunction> logger)
{
    [Function("Resync")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "resync")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        trigger.RunAsync<ResyncRequest>(request, "resync request", ResyncRequestValidator.Validate, body => HandleAsync(body, client, cancellationToken), cancellationToken);

    private async Task<IActionResult> HandleAsync(ResyncRequest body, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var response = await ResyncAsync(body, client, cancellationToken);
        if (response is null)
        {
            return Problems.NotFound($"no Service {body.Namespace}/{body.Name} is known to the function app");
        }

        logger.ResyncRequested(settings.ClusterId, body.Name is null ? body.Namespace ?? "cluster" : $"{body.Namespace}/{body.Name}", response.StartedInstanceIds.Count);
        return SignedTrigger.Json(StatusCodes.Status202Accepted, ModelJson.Serialize(response));
    }

    /// <summary>What the request started; null when it names a Service the function app does not know.</summary>
    private async Task<ResyncResponse?> ResyncAsync(ResyncRequest body, DurableTaskClient client, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(body.Name))
        {
            var report = await resync.RunAsync(client, new ResyncScope(body.Namespace), cancellationToken);

            // A part that failed (the cloud unreadable, say) is answered as the failure it was: the caller retries.
            report.ThrowFirstFailure();
            return new ResyncResponse { StartedInstanceIds = report.Started, Services = report.Services };
        }

        // A Service deleted and created again under its name is two UIDs (the old one kept until its removal is
        // done and retained): both are reconciled, so a stuck removal is retried too, and the live one is never
        // missed because the old row happened to come first.
        var services = (await desired.ListAsync(settings.ClusterId, cancellationToken))
            .Where(s => string.Equals(s.Snapshot.Namespace, body.Namespace, StringComparison.Ordinal)
                && string.Equals(s.Snapshot.Name, body.Name, StringComparison.Ordinal))
            .ToList();
        if (services.Count == 0)
        {
            return null;
        }

        var started = await starter.EnsureReconcilesAsync(
            client, settings.ClusterId, [.. services.Select(s => new ReconcileStart(s.Uid))], markFirst: true, cancellationToken);
        return new ResyncResponse
        {
            StartedInstanceIds = started,
            Services = [.. services.Select(s => new ServiceReference(s.Uid, s.Snapshot.Namespace, s.Snapshot.Name))],
        };
    }
}
