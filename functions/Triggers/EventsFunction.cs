using System.Text.Json;
using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using SakuraLb.Functions.Ingest;
using SakuraLb.Functions.Storage;
using SakuraLb.Functions.Telemetry;
using SakuraLb.Model;
using SakuraLb.Reconcile;

namespace SakuraLb.Functions.Triggers;

/// <summary>
/// <c>POST /api/events</c>: a signed batch of Service snapshots and/or the node set (docs/protocol.md). Checks
/// run in this order, each with its own status: size 413, signature and replay 401, content type 415, JSON
/// 400, schema and version 400 (every bad field named), cluster 403. Then everything is stored, the reconciles
/// are started, and 202 answers what was accepted. A batch with one bad Service is rejected whole.
/// </summary>
public sealed class EventsFunction(SignedRequestReader reader, EventIngestor ingestor, ControllerSettings settings, ILogger<EventsFunction> logger)
{
    [Function("Events")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "events")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var signed = await reader.ReadAsync(request, cancellationToken);
        if (!signed.IsValid)
        {
            logger.RequestRejected(request.Method, request.Path, StatusOf(signed.Problem!), signed.RejectReason ?? "");
            return signed.Problem!;
        }

        if (!SignedRequestReader.IsJson(request.ContentType))
        {
            return Reject(request, Problems.UnsupportedMediaType(request.ContentType), "content type");
        }

        if (!ModelJson.TryDeserialize<EventBatch>(signed.Body, out var batch, out var error))
        {
            return Reject(request, Problems.InvalidJson(error!), "invalid JSON");
        }

        var errors = EventBatchValidator.Validate(batch);
        if (errors.Count > 0)
        {
            return Reject(request, Problems.Invalid("The event batch is invalid", errors), "invalid batch");
        }

        if (!string.Equals(batch.ClusterId, settings.ClusterId, StringComparison.Ordinal))
        {
            return Reject(request, Problems.Forbidden($"this function app serves cluster \"{settings.ClusterId}\", not \"{batch.ClusterId}\""), "wrong cluster");
        }

        try
        {
            var accepted = await ingestor.IngestAsync(batch, client, cancellationToken);
            return new ContentResult
            {
                StatusCode = StatusCodes.Status202Accepted,
                ContentType = "application/json; charset=utf-8",
                Content = JsonSerializer.Serialize(accepted, JsonSerializerOptions.Web),
            };
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

    private IActionResult Reject(HttpRequest request, IActionResult problem, string reason)
    {
        logger.RequestRejected(request.Method, request.Path, StatusOf(problem), reason);
        return problem;
    }

    internal static int StatusOf(IActionResult result) => result is IStatusCodeActionResult { StatusCode: { } code } ? code : 500;
}
