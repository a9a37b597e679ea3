namespace KubeSim;

/// <summary>
/// One request the simulator answered (control endpoints under <c>/_sim/</c> are not logged). Besides
/// the HTTP facts it carries the Kubernetes authorization attributes of the call (verb, API group,
/// resource, subresource, namespace, name), so a test can check each call against an RBAC ClusterRole.
/// </summary>
public sealed record KubeRequestRecord(
    DateTimeOffset Time,
    string Method,
    string Path,
    string Query,
    string? ContentType,
    int StatusCode,
    bool IsResourceRequest,
    string Verb,
    string ApiGroup,
    string ApiVersion,
    string Resource,
    string Subresource,
    string Namespace,
    string Name,
    string? UserAgent);

/// <summary>
/// A failure to inject: the next <see cref="Count"/> requests that match every non-null criterion
/// are answered with <see cref="StatusCode"/> and a Kubernetes Status body instead of being served.
/// </summary>
public sealed record KubeFault
{
    /// <summary>HTTP method, e.g. "PATCH" (case-insensitive).</summary>
    public string? Method { get; init; }

    /// <summary>Request path; <c>*</c> matches any run of characters, e.g. <c>/api/v1/namespaces/*/services/*/status</c>.</summary>
    public string? PathPattern { get; init; }

    /// <summary>Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection.</summary>
    public string? Verb { get; init; }

    public string? Resource { get; init; }

    public string? Subresource { get; init; }

    public string? Namespace { get; init; }

    public string? Name { get; init; }

    public int StatusCode { get; init; } = 500;

    public int Count { get; init; } = 1;

    public string? Message { get; init; }

    /// <summary>Sent as the Retry-After header (and details.retryAfterSeconds), as the API server does for 429.</summary>
    public int? RetryAfterSeconds { get; init; }
}

/// <summary>How a watch that asks for a resourceVersion older than the kept history is refused.</summary>
public enum WatchGoneMode
{
    /// <summary>HTTP 200 with one ERROR event carrying a 410 Expired Status, then the stream ends (what a real API server does).</summary>
    ErrorEvent,

    /// <summary>The HTTP response itself is 410 with a Status body.</summary>
    HttpGone,
}
