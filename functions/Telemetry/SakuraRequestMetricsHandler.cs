using System.Globalization;
using System.Text;

namespace SakuraLb.Functions.Telemetry;

/// <summary>
/// Counts every Sakura API attempt by operation (method + path with ids replaced) and status. Added innermost
/// to the Sakura client (<see cref="Sakura.ServiceCollectionExtensions.HttpClientName"/>), so retries count.
/// </summary>
public sealed class SakuraRequestMetricsHandler(SakuraLbMetrics metrics) : DelegatingHandler
{
    private const string ApiMarker = "/api/cloud/1.1";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var operation = Operation(request.Method.Method, request.RequestUri?.AbsolutePath ?? "");
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            metrics.SakuraRequest(operation, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
            return response;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            metrics.SakuraRequest(operation, "timeout");
            throw;
        }
        catch (HttpRequestException)
        {
            metrics.SakuraRequest(operation, "error");
            throw;
        }
    }

    /// <summary>"PUT /appliance/{id}/config" from "/cloud/zone/is1a/api/cloud/1.1/appliance/113200000009/config".</summary>
    public static string Operation(string method, string absolutePath)
    {
        ArgumentNullException.ThrowIfNull(absolutePath);
        var at = absolutePath.IndexOf(ApiMarker, StringComparison.Ordinal);
        var path = at < 0 ? absolutePath : absolutePath[(at + ApiMarker.Length)..];
        var text = new StringBuilder(method.ToUpperInvariant()).Append(' ');
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            text.Append('/').Append(segment.All(char.IsAsciiDigit) ? "{id}" : segment);
        }

        if (path.Length == 0 || path == "/")
        {
            text.Append('/');
        }

        return text.ToString();
    }
}
