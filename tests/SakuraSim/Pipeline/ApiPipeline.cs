using System.Text;
using SakuraSim.Faults;
using SakuraSim.Search;
using SakuraSim.Telemetry;
using SakuraSim.Wire;

namespace SakuraSim.Pipeline;

/// <summary>
/// Everything between the socket and an API handler, in the order the real service applies it:
/// authentication (401), the per-token rate limit (503 busy), injected faults, then the handler.
/// Any failure becomes the standard error body, and every request lands in the request log.
/// </summary>
internal sealed class ApiPipeline(RequestDelegate next, Simulator sim, ILogger<ApiPipeline> logger)
{
    public const string ApiPrefix = "/cloud/zone/";
    public const string ApiSuffix = "/api/cloud/1.1";
    public const string CreationOutcomeKey = "SakuraSim.CreationOutcome";

    public async Task InvokeAsync(HttpContext http)
    {
        var rawPath = http.Request.Path.Value ?? "/";
        if (rawPath.StartsWith("/_sim", StringComparison.Ordinal))
        {
            await ControlAsync(http);
            return;
        }

        // The log stamps arrival, the moment the rate limit judges too: a window count over these stamps is
        // what the API saw, whatever injected latency or a busy thread pool did to the answer afterwards.
        var arrivedAt = sim.Now;
        var logGeneration = sim.Requests.Generation;
        var (zone, path) = Split(rawPath);
        var method = http.Request.Method;
        string? errorCode = null;
        int? executedStatus = null;
        string? query = null;
        try
        {
            query = SearchQuery.DecodeRaw(http.Request.QueryString.Value);
        }
        catch (SakuraApiException)
        {
            query = http.Request.QueryString.Value;
        }

        try
        {
            var token = Authenticate(http.Request);
            if (!sim.RateLimiter.TryAcquire(token))
            {
                throw new SakuraApiException("busy");
            }

            var decision = sim.Faults.Evaluate(method, zone, path);
            if (decision.Latency > TimeSpan.Zero)
            {
                await Task.Delay(decision.Latency, sim.Clock.Provider, http.RequestAborted);
            }

            if (decision.CreationOutcome is { } outcome)
            {
                http.Items[CreationOutcomeKey] = outcome;
            }

            if (decision.Error is { } fault)
            {
                var code = fault.CodeFor(method);
                if (fault.Effect == FaultEffect.After)
                {
                    executedStatus = await RunAndDiscardAsync(http);
                }

                logger.FaultInjected(method, path, fault.Status!.Value, code);
                throw new SakuraApiException(fault.Status.Value, code, []) { MessageOverride = fault.ErrorMessage };
            }

            await next(http);
            if (!http.Response.HasStarted && http.Response.StatusCode is 404 or 405)
            {
                throw NoSuchRoute(method, path);
            }
        }
        catch (SakuraApiException ex)
        {
            errorCode = ex.ErrorCode;
            await WriteErrorAsync(http, ex);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            errorCode = "client_closed";
        }
        catch (Exception ex)
        {
            logger.UnhandledError(ex, method, rawPath);
            errorCode = "internal_server_error";
            await WriteErrorAsync(http, new SakuraApiException(500, errorCode, []));
        }
        finally
        {
            sim.Requests.Add(new RequestLogEntry(method, zone, path, query, http.Response.StatusCode, errorCode, arrivedAt, executedStatus), logGeneration);
            logger.Served(method, rawPath, http.Response.StatusCode, errorCode);
        }
    }

    /// <summary>
    /// Carries the request out with its answer going nowhere (the fault's error replaces it), and
    /// returns the status the handler answered, so the request log can show the work was done.
    /// </summary>
    private async Task<int> RunAndDiscardAsync(HttpContext http)
    {
        var original = http.Response.Body;
        http.Response.Body = Stream.Null;
        try
        {
            await next(http);
            return http.Response.StatusCode;
        }
        catch (SakuraApiException ex)
        {
            return ex.Status;
        }
        finally
        {
            http.Response.Body = original;
        }
    }

    public static SakuraApiException NoSuchRoute(string method, string path) =>
        SakuraApiException.NotFound($"No API {method} {path} (not part of the API, or not simulated)");

    /// <summary>Control endpoints: no auth, no log, but the same error body for bad input.</summary>
    private async Task ControlAsync(HttpContext http)
    {
        try
        {
            await next(http);
            if (!http.Response.HasStarted && http.Response.StatusCode is 404 or 405)
            {
                throw SakuraApiException.NotFound($"No control endpoint {http.Request.Method} {http.Request.Path}");
            }
        }
        catch (SakuraApiException ex)
        {
            await WriteErrorAsync(http, ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
        {
            logger.UnhandledError(ex, http.Request.Method, http.Request.Path.Value ?? "");
            await WriteErrorAsync(http, new SakuraApiException(500, "internal_server_error", []));
        }
    }

    private static async Task WriteErrorAsync(HttpContext http, SakuraApiException ex)
    {
        if (http.Response.HasStarted)
        {
            http.Abort();
            return;
        }

        http.Response.Clear();
        var body = ApiResponses.Error(ex.Status, ex.ErrorCode, ex.Details, ApiResponses.WantsEnglish(http.Request), ex.MessageOverride);
        await ApiResponses.WriteAsync(http, ex.Status, body);
    }

    /// <summary>(zone, path relative to the API root) of a request under /cloud/zone/.</summary>
    public static (string Zone, string Path) Split(string rawPath)
    {
        if (!rawPath.StartsWith(ApiPrefix, StringComparison.Ordinal))
        {
            return ("", rawPath);
        }

        var rest = rawPath[ApiPrefix.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var zone = slash < 0 ? rest : rest[..slash];
        var afterZone = slash < 0 ? "" : rest[slash..];
        if (!afterZone.StartsWith(ApiSuffix, StringComparison.Ordinal))
        {
            return (zone, afterZone.Length == 0 ? "/" : afterZone);
        }

        var path = afterZone[ApiSuffix.Length..];
        return (zone, path.Length == 0 ? "/" : path);
    }

    private string Authenticate(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && sim.IsValidCredential(decoded[..colon], decoded[(colon + 1)..]))
                {
                    return decoded[..colon];
                }
            }
            catch (FormatException)
            {
                // Falls through to 401 like any other bad credential.
            }
        }

        throw new SakuraApiException("unauthorized");
    }
}

/// <summary>Reads the fault-chosen creation outcome for <c>POST /appliance</c>.</summary>
internal static class CreationOutcomes
{
    public static Lifecycle.CreationOutcome Of(HttpContext http) =>
        http.Items.TryGetValue(ApiPipeline.CreationOutcomeKey, out var value) && value is FaultAction action
            ? action switch
            {
                FaultAction.FailCreation => Lifecycle.CreationOutcome.Failed,
                FaultAction.CreatePoweredOff => Lifecycle.CreationOutcome.PoweredOff,
                _ => Lifecycle.CreationOutcome.Up,
            }
            : Lifecycle.CreationOutcome.Up;
}
