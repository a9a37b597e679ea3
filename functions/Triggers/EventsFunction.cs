using System.Text.Json;
using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using SakuraLb.Functions.Ingest;

namespace SakuraLb.Functions.Triggers;

/// <summary>
/// <c>POST /api/events</c>: a signed batch of Service snapshots and/or the node set (docs/protocol.md). Checks
/// run in this order, each with its own status: size 413, signature and replay 401, content type 415, JSON
/// 400, schema and version 400 (every bad field named), cluster 403. Then everything is stored, the reconciles
/// are started, and 202 answers what was accepted. A batch with one bad Service is rejected whole.
/// </summary>
public sealed class EventsFunction(SignedTrigger trigger, EventIngestor ingestor, ILogger<EventsFunction> logger)
{
    [Function("Events")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "events")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        trigger.RunAsync<EventBatch>(request, "event batch", EventBatchValidator.Validate, batch => HandleAsync(batch, client, cancellationToken), cancellationToken);

    private async Task<IActionResult> HandleAsync(EventBatch batch, DurableTaskClient client, CancellationToken cancellationToken)
    {
        try
        {
            var accepted = await ingestor.IngestAsync(batch, client, cancellationToken);
            return SignedTrigger.Json(StatusCodes.Status202Accepted, JsonSerializer.Serialize(accepted, JsonSerializerOptions.Web));
        }
        catch (PayloadTooLargeException ex)
        {
            logger.EventsNotStored(batch.ClusterId, ex.Message);
            return Problems.Create(413, "payload-too-large", "The node set is too large to store", ex.Message);
        }
        catch (RequestFailedException ex)
        {
            logger.EventsNotStored(batch.ClusterId, ex.Message);
            return Problems.StorageUnavailable();
        }
    }
}
