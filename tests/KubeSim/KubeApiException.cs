using System.Globalization;
using System.Text.Json.Nodes;
using KubeSim.Json;

namespace KubeSim;

/// <summary>
/// A failed API call, carrying the Kubernetes <c>Status</c> the simulator answers with
/// (HTTP code, reason such as NotFound/AlreadyExists/Conflict/Invalid/Expired, message).
/// The store helpers throw it so in-process callers see the same errors as HTTP clients.
/// </summary>
public sealed class KubeApiException : Exception
{
    public KubeApiException(int statusCode, string reason, string message, JsonObject? details = null)
        : base(message)
    {
        StatusCode = statusCode;
        Reason = reason;
        Details = details;
    }

    internal KubeApiException(int statusCode, string reason, string message, Exception innerException)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Reason = reason;
    }

    public KubeApiException()
        : this(500, "InternalError", "internal error")
    {
    }

    public KubeApiException(string message)
        : this(500, "InternalError", message)
    {
    }

    public KubeApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        StatusCode = 500;
        Reason = "InternalError";
    }

    public int StatusCode { get; }

    public string Reason { get; }

    public JsonObject? Details { get; }

    /// <summary>The body a real API server sends for this failure.</summary>
    public JsonObject ToStatus() => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = Message,
        ["reason"] = Reason,
        ["details"] = Details?.CloneObject() ?? new JsonObject(),
        ["code"] = StatusCode,
    };

    internal static JsonObject NameDetails(string name, string? group, string kind)
    {
        var details = new JsonObject { ["name"] = name };
        if (!string.IsNullOrEmpty(group))
        {
            details["group"] = group;
        }

        details["kind"] = kind;
        return details;
    }

    internal static KubeApiException NotFound(string qualifiedResource, string group, string resource, string name) =>
        new(404, "NotFound", $"{qualifiedResource} \"{name}\" not found", NameDetails(name, group, resource));

    internal static KubeApiException AlreadyExists(string qualifiedResource, string group, string resource, string name) =>
        new(409, "AlreadyExists", $"{qualifiedResource} \"{name}\" already exists", NameDetails(name, group, resource));

    internal static KubeApiException Conflict(string qualifiedResource, string group, string resource, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {qualifiedResource} \"{name}\": {why}", NameDetails(name, group, resource));

    internal static KubeApiException StaleResourceVersion(string qualifiedResource, string group, string resource, string name) =>
        Conflict(qualifiedResource, group, resource, name,
            "the object has been modified; please apply your changes to the latest version and try again");

    internal static KubeApiException Invalid(string kind, string group, string name, IReadOnlyList<FieldError> errors)
    {
        var causes = new JsonArray();
        foreach (var e in errors)
        {
            causes.Add(new JsonObject { ["reason"] = e.CauseReason, ["message"] = e.CauseMessage, ["field"] = e.Field });
        }

        var details = NameDetails(name, group, kind);
        details["causes"] = causes;
        var list = errors.Count == 1 ? errors[0].ToString() : "[" + string.Join(", ", errors) + "]";
        return new KubeApiException(422, "Invalid", $"{kind} \"{name}\" is invalid: {list}", details);
    }

    /// <summary>What the API server answers when a JSON patch operation (such as <c>test</c>) cannot be applied.</summary>
    /// <remarks>The real server hides the reason; it is kept as the inner exception for the simulator's log.</remarks>
    internal static KubeApiException PatchNotApplied(Exception why) =>
        new(422, "Invalid", "the server rejected our request due to an error in our request", why);

    internal static KubeApiException BadRequest(string message) => new(400, "BadRequest", message);

    internal static KubeApiException Expired(string message) => new(410, "Expired", message);

    internal static KubeApiException TooOldResourceVersion(long requested, long oldest) =>
        Expired(string.Create(CultureInfo.InvariantCulture, $"too old resource version: {requested} ({oldest})"));

    internal static KubeApiException MethodNotAllowed() =>
        new(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");

    internal static KubeApiException NotFoundPath() =>
        new(404, "NotFound", "the server could not find the requested resource");

    internal static KubeApiException UnsupportedMediaType(string contentType, IEnumerable<string> accepted) =>
        new(415, "UnsupportedMediaType",
            $"the body of the request was in an unknown format ({contentType}) - accepted media types include: {string.Join(", ", accepted)}");

    internal static KubeApiException NotAcceptable() =>
        new(406, "NotAcceptable", "only the following media types are accepted: application/json, application/json;stream=watch");

    internal static KubeApiException Forbidden(string message) => new(403, "Forbidden", message);

    /// <summary>Reason and default message a real API server uses for a bare status code (used for injected faults).</summary>
    internal static KubeApiException ForStatusCode(int code, string? message, JsonObject? details = null)
    {
        var (reason, text) = code switch
        {
            400 => ("BadRequest", "the server rejected our request for an unknown reason"),
            401 => ("Unauthorized", "the server has asked for the client to provide credentials"),
            403 => ("Forbidden", "the server does not allow access to the requested resource"),
            404 => ("NotFound", "the server could not find the requested resource"),
            405 => ("MethodNotAllowed", "the server does not allow this method on the requested resource"),
            409 => ("Conflict", "the server reported a conflict"),
            410 => ("Expired", "the resource version is too old"),
            422 => ("Invalid", "the server rejected our request due to an error in our request"),
            429 => ("TooManyRequests", "the server has received too many requests and has asked us to try again later"),
            500 => ("InternalError", "an error on the server has prevented the request from succeeding"),
            503 => ("ServiceUnavailable", "the server is currently unable to handle the request"),
            504 => ("Timeout", "the server was unable to return a response in the time allotted, but may still be processing the request"),
            _ => (code >= 500 ? "InternalError" : "Unknown", "injected failure"),
        };
        return new KubeApiException(code, reason, message ?? text, details);
    }
}

/// <summary>One field validation failure, rendered the way apimachinery's field.Error prints.</summary>
internal sealed record FieldError(string Type, string Field, string? BadValue, string Detail)
{
    public static FieldError Required(string field, string detail = "") => new("Required", field, null, detail);

    public static FieldError Invalid(string field, string? value, string detail) => new("Invalid", field, value, detail);

    public static FieldError NotSupported(string field, string? value, IEnumerable<string> supported) =>
        new("Unsupported", field, value, "supported values: " + string.Join(", ", supported.Select(s => "\"" + s + "\"")));

    public static FieldError Duplicate(string field, string? value) => new("Duplicate", field, value, "");

    public static FieldError Forbidden(string field, string detail) => new("Forbidden", field, null, detail);

    public static FieldError TooLong(string field, int maxBytes) =>
        new("TooLong", field, null, string.Create(CultureInfo.InvariantCulture, $"may not be more than {maxBytes} bytes"));

    public static FieldError TooMany(string field, int actual, int max) =>
        new("TooMany", field, actual.ToString(CultureInfo.InvariantCulture), string.Create(CultureInfo.InvariantCulture, $"must have at most {max} items"));

    /// <summary>The error kube-apiserver's ValidateImmutableField reports.</summary>
    public static FieldError Immutable(string field, string? value) => new("Invalid", field, value, "field is immutable");

    public string CauseReason => Type switch
    {
        "Required" => "FieldValueRequired",
        "Unsupported" => "FieldValueNotSupported",
        "Duplicate" => "FieldValueDuplicate",
        "Forbidden" => "FieldValueForbidden",
        "TooLong" => "FieldValueTooLong",
        "TooMany" => "FieldValueTooMany",
        _ => "FieldValueInvalid",
    };

    public string CauseMessage
    {
        get
        {
            var head = Type switch
            {
                "Required" => "Required value",
                "Unsupported" => "Unsupported value",
                "Duplicate" => "Duplicate value",
                "Forbidden" => "Forbidden",
                "TooLong" => "Too long",
                "TooMany" => "Too many",
                _ => "Invalid value",
            };
            if (BadValue is not null)
            {
                head += ": " + BadValue;
            }

            return Detail.Length > 0 ? head + ": " + Detail : head;
        }
    }

    public override string ToString() => Field + ": " + CauseMessage;
}
