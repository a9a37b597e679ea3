using Azure;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace SakuraLb.Functions.Ingest;

/// <summary>
/// What every signed HTTP trigger does around its own work, once: the signed read (<see cref="SignedRequestReader"/>:
/// size, signature, replay, encoding; for a message also content type, JSON, schema and cluster), the answer to a
/// dependency that did not respond (table storage, the durable engine, the Sakura API: 503 and event 1006, the
/// dependency's own text only in the log: it can name accounts, resources and internal addresses), and the last line:
/// an exception nobody expected becomes a problem document (500, no exception text) and event 1009, not a bare 500
/// from the host that the caller cannot parse. A handler catches only what it answers differently.
/// </summary>
public sealed class SignedTrigger(SignedRequestReader reader, ILogger<SignedTrigger> logger)
{
    /// <summary>A signed request without a message body (a GET): <paramref name="handle"/> runs once the signature holds.</summary>
    public Task<IActionResult> RunAsync(HttpRequest request, Func<SignedBody, Task<IActionResult>> handle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(handle);
        return GuardAsync(request, async () =>
        {
            var signed = await reader.ReadAsync(request, cancellationToken);
            return signed.Problem ?? await handle(signed);
        }, cancellationToken);
    }

    /// <summary>A signed JSON message: <paramref name="handle"/> runs with it once every check up to its cluster holds.</summary>
    /// <param name="what">The message's name in problem titles ("event batch").</param>
    public Task<IActionResult> RunAsync<T>(
        HttpRequest request,
        string what,
        Func<T, IReadOnlyList<FieldError>> validate,
        Func<T, Task<IActionResult>> handle,
        CancellationToken cancellationToken)
        where T : class, IRelayMessage
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(handle);
        return GuardAsync(request, async () =>
        {
            var read = await reader.ReadMessageAsync(request, what, validate, cancellationToken);
            return read.Message is { } message ? await handle(message) : read.Problem!;
        }, cancellationToken);
    }

    /// <summary>A JSON answer (the body already serialised with the wire contract's options).</summary>
    public static ContentResult Json(int statusCode, string content) => new()
    {
        StatusCode = statusCode,
        ContentType = "application/json; charset=utf-8",
        Content = content,
    };

    private async Task<IActionResult> GuardAsync(HttpRequest request, Func<Task<IActionResult>> handle, CancellationToken cancellationToken)
    {
        try
        {
            return await handle();
        }
        catch (RequestFailedException ex)
        {
            logger.RequestUnavailable(request.Method, request.Path, ex.Message);
            return Problems.StorageUnavailable();
        }
        catch (RpcException ex)
        {
            // The durable engine did not answer. What was stored stays stored: the relay sends again, and its resend
            // starts every Service no status reflects yet.
            logger.RequestUnavailable(request.Method, request.Path, ex.Status.Detail);
            return Problems.EngineUnavailable();
        }
        catch (Exception ex) when (ex is SakuraApiException or HttpRequestException or TimeoutException)
        {
            // An outage or a refused credential of the Sakura API is reported as such, not as a 500.
            logger.RequestUnavailable(request.Method, request.Path, ex.Message);
            return Problems.Unavailable("the Sakura API could not be read; the function app's log has the reason (event 1006)");
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            logger.RequestFailedUnexpectedly(ex, request.Method, request.Path);
            return Problems.Internal();
        }
    }
}
