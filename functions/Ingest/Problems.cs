using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;

namespace SakuraLb.Functions.Ingest;

/// <summary>RFC 9457 problem documents (<c>application/problem+json</c>) for every 4xx/5xx the app answers.</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";
    public const string TypeBase = "https://github.com/sakuralb/errors/";

    public static IActionResult Unauthorized(string reason) =>
        Create(401, "unauthorized", "The request is not authenticated", reason);

    public static IActionResult Forbidden(string detail) =>
        Create(403, "wrong-cluster", "The request is for another cluster", detail);

    public static IActionResult NotFound(string detail) =>
        Create(404, "not-found", "No such Service", detail);

    public static IActionResult TooLarge(long limit) =>
        Create(413, "payload-too-large", "The request body is too large", $"the body must be at most {limit.ToString(CultureInfo.InvariantCulture)} bytes");

    public static IActionResult UnsupportedMediaType(string? contentType) =>
        Create(415, "unsupported-media-type", "The request body must be JSON", $"Content-Type is \"{contentType}\"; send application/json");

    public static IActionResult UnsupportedEncoding(string? encoding) =>
        Create(415, "unsupported-content-encoding", "The request body encoding is not supported", $"Content-Encoding is \"{encoding}\"; send gzip or no encoding");

    public static IActionResult InvalidEncoding(string detail) =>
        Create(400, "invalid-content-encoding", "The request body is not what its Content-Encoding says", detail);

    public static IActionResult InvalidJson(string detail) =>
        Create(400, "invalid-json", "The request body is not valid JSON for this endpoint", detail);

    /// <summary>
    /// The most field errors a 400 lists: a batch of thousands of bad Services must not make an answer (and a log
    /// line on the relay's side) as large as the batch itself. The detail still says how many there were.
    /// </summary>
    public const int MaxListedErrors = 20;

    public static IActionResult Invalid(string title, IReadOnlyList<FieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var detail = errors.Count == 1 ? "1 problem" : $"{errors.Count.ToString(CultureInfo.InvariantCulture)} problems";
        if (errors.Count > MaxListedErrors)
        {
            detail += $"; the first {MaxListedErrors.ToString(CultureInfo.InvariantCulture)} are listed";
        }

        return Create(400, "invalid-request", title, detail, [.. errors.Take(MaxListedErrors)]);
    }

    /// <summary>
    /// An exception no handler expected: a problem document that says nothing about the exception (its text can
    /// carry internal names or a dependency's answer), which is logged as event 1009 instead.
    /// </summary>
    public static IActionResult Internal() =>
        Create(500, "internal", "The function app failed unexpectedly", "the function app's log has the details (event 1009); retry later");

    public static IActionResult Unavailable(string detail) =>
        Create(503, "unavailable", "The function app cannot serve the request now; retry later", detail);

    /// <summary>Table storage did not answer: nothing was acknowledged, the caller sends again.</summary>
    public static IActionResult StorageUnavailable() =>
        Unavailable("storage is not reachable; nothing was accepted, send the request again");

    /// <summary>The durable task engine did not answer (a reconcile could not be started): the caller sends again.</summary>
    public static IActionResult EngineUnavailable() =>
        Unavailable("the durable task engine did not answer; send the request again");

    public static IActionResult Create(int status, string slug, string title, string? detail, IReadOnlyList<FieldError>? errors = null)
    {
        var body = new JsonObject
        {
            ["type"] = TypeBase + slug,
            ["title"] = title,
            ["status"] = status,
        };
        if (detail is not null)
        {
            body["detail"] = detail;
        }

        if (errors is { Count: > 0 })
        {
            body["errors"] = new JsonArray([.. errors.Select(e => (JsonNode)new JsonObject { ["path"] = e.Path, ["problem"] = e.Problem })]);
        }

        return new ContentResult
        {
            StatusCode = status,
            ContentType = ContentType,
            Content = body.ToJsonString(JsonOptions),
        };
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
