using System.Net;

namespace SakuraLb.Sakura;

/// <summary>What a failed API call means, so callers switch on a kind instead of matching strings.</summary>
public enum SakuraErrorKind
{
    /// <summary>An error this client does not classify further.</summary>
    Other = 0,

    /// <summary>404 <c>not_found</c>: unknown ID or path. Also seen for a while right after an appliance is created.</summary>
    NotFound,

    /// <summary>409 <c>still_creating</c>: the resource is still being created; try again later.</summary>
    StillCreating,

    /// <summary>409 <c>conflict</c> (or another 409): the current state does not allow the operation.</summary>
    Conflict,

    /// <summary>409 <c>server_power_must_be_down</c>: the operation needs the resource powered off.</summary>
    PowerMustBeDown,

    /// <summary>423 <c>locked</c>: another operation on the same resource is in progress.</summary>
    Locked,

    /// <summary>503 <c>busy</c>: the API is overloaded or throttling this key.</summary>
    Busy,

    /// <summary>400 <c>bad_request</c>: invalid parameters; the message lists the details.</summary>
    BadRequest,

    /// <summary>401: bad credentials.</summary>
    Unauthorized,

    /// <summary>403: the key may not do this.</summary>
    Forbidden,

    /// <summary>5xx other than 503, and 504 to a read.</summary>
    ServerError,

    /// <summary>A 2xx response whose body could not be read as the expected JSON.</summary>
    InvalidResponse,

    /// <summary>
    /// 504 to a write (<c>apiproxy_timeout_non_get</c>): the API proxy gave up waiting, and the request may have been
    /// carried out. Look the effect up before sending the write again; never repeat a create blindly.
    /// </summary>
    OutcomeUnknown,
}

/// <summary>Maps an HTTP status and <c>error_code</c> to a <see cref="SakuraErrorKind"/>.</summary>
internal static class SakuraErrorClassifier
{
    /// <summary>
    /// Classifies a failed response. Only 409 needs the <c>error_code</c> to be told apart, and 504 the method (or the
    /// code the proxy gives a timed-out write): a timed-out read changed nothing, a timed-out write may have.
    /// </summary>
    public static SakuraErrorKind Classify(HttpStatusCode status, string? errorCode, string? method = null) => (int)status switch
    {
        504 when IsWrite(method) || string.Equals(errorCode, "apiproxy_timeout_non_get", StringComparison.OrdinalIgnoreCase)
            => SakuraErrorKind.OutcomeUnknown,
        400 => SakuraErrorKind.BadRequest,
        401 => SakuraErrorKind.Unauthorized,
        403 => SakuraErrorKind.Forbidden,
        404 => SakuraErrorKind.NotFound,
        409 => ClassifyConflict(errorCode),
        423 => SakuraErrorKind.Locked,
        503 => SakuraErrorKind.Busy,
        >= 500 and <= 599 => SakuraErrorKind.ServerError,
        _ => SakuraErrorKind.Other,
    };

    private static bool IsWrite(string? method) =>
        method is not null && !string.Equals(method, "GET", StringComparison.OrdinalIgnoreCase)
        && !string.Equals(method, "HEAD", StringComparison.OrdinalIgnoreCase);

    private static SakuraErrorKind ClassifyConflict(string? errorCode) => errorCode?.Trim().ToUpperInvariant() switch
    {
        "STILL_CREATING" => SakuraErrorKind.StillCreating,
        "SERVER_POWER_MUST_BE_DOWN" => SakuraErrorKind.PowerMustBeDown,
        _ => SakuraErrorKind.Conflict,
    };
}
