namespace SakuraSim.Wire;

/// <summary>
/// An API failure with the real error code. Thrown anywhere in a handler and turned into the
/// standard error body by the pipeline, so no handler can forget the shape.
/// </summary>
internal sealed class SakuraApiException : Exception
{
    public SakuraApiException(string errorCode, params IReadOnlyList<string> details)
        : this(ErrorCatalog.StatusOf(errorCode), errorCode, details)
    {
    }

    public SakuraApiException(int status, string errorCode, IReadOnlyList<string> details)
        : base(details.Count > 0 ? $"{errorCode}: {string.Join("; ", details)}" : errorCode)
    {
        Status = status;
        ErrorCode = errorCode;
        Details = details;
    }

    public int Status { get; }

    public string ErrorCode { get; }

    public IReadOnlyList<string> Details { get; }

    /// <summary>Replaces the catalogue message (faults may carry their own text).</summary>
    public string? MessageOverride { get; init; }

    public static SakuraApiException NotFound(string what) => new("not_found", what);

    public static SakuraApiException BadRequest(params IReadOnlyList<string> details) => new("bad_request", details);
}
