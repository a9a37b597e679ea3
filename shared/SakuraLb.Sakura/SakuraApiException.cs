using System.Net;

namespace SakuraLb.Sakura;

/// <summary>
/// A Sakura Cloud API call failed with an error response (after any retries), or returned a body that
/// could not be read. Carries the API's <c>error_code</c>, <c>error_msg</c> and <c>serial</c> (quote the
/// serial to Sakura support) and a <see cref="Kind"/> to branch on.
/// </summary>
public sealed class SakuraApiException : Exception
{
    public SakuraApiException()
        : this("The Sakura Cloud API call failed.")
    {
    }

    public SakuraApiException(string message)
        : base(message)
    {
    }

    public SakuraApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for an error response; the message is composed from the parts.</summary>
    public SakuraApiException(
        HttpStatusCode statusCode,
        string? errorCode,
        string? errorMessage,
        string? serial,
        string? method = null,
        string? path = null,
        SakuraErrorKind? kind = null,
        Exception? innerException = null)
        : base(Compose(statusCode, errorCode, errorMessage, serial, method, path), innerException)
    {
        StatusCode = statusCode;
        ErrorCode = errorCode;
        ErrorMessage = errorMessage;
        Serial = serial;
        Method = method;
        Path = path;
        Kind = kind ?? SakuraErrorClassifier.Classify(statusCode, errorCode, method);
    }

    /// <summary>The HTTP status of the response.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The API's <c>error_code</c> (e.g. <c>still_creating</c>), if the body had one.</summary>
    public string? ErrorCode { get; }

    /// <summary>The API's <c>error_msg</c> (English when <c>Accept-Language: en</c> is honoured).</summary>
    public string? ErrorMessage { get; }

    /// <summary>The API's <c>serial</c>, the request's id on Sakura's side.</summary>
    public string? Serial { get; }

    /// <summary>The HTTP method of the failed request.</summary>
    public string? Method { get; }

    /// <summary>The path of the failed request (no query string: it can be long).</summary>
    public string? Path { get; }

    /// <summary>What the failure means.</summary>
    public SakuraErrorKind Kind { get; }

    /// <summary>True for the kinds that say "try again later" rather than "this is wrong".</summary>
    public bool IsTransient => Kind is SakuraErrorKind.Busy or SakuraErrorKind.Locked
        or SakuraErrorKind.StillCreating or SakuraErrorKind.ServerError or SakuraErrorKind.OutcomeUnknown;

    private static string Compose(
        HttpStatusCode statusCode, string? errorCode, string? errorMessage, string? serial, string? method, string? path)
    {
        var request = method is null && path is null ? "" : $" for {method} {path}";
        var code = string.IsNullOrEmpty(errorCode) ? "" : $" {errorCode}";
        var text = string.IsNullOrWhiteSpace(errorMessage) ? "" : $": {errorMessage.Trim()}";
        var id = string.IsNullOrEmpty(serial) ? "" : $" (serial {serial})";
        return $"Sakura Cloud API returned {(int)statusCode}{code}{request}{text}{id}";
    }
}
