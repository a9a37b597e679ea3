using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using KubeSim.Storage;

namespace KubeSim.Api;

/// <summary>
/// The <c>/_sim/</c> test controls over HTTP (documented in docs/kube-simulator.md): history
/// compaction, in-stream 410 injection, fault injection, the request log, open watch counts and
/// the too-old-watch answer mode.
/// </summary>
internal sealed class ControlEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly ObjectStore store;
    private readonly SimulatorControls controls;

    public ControlEndpoints(ObjectStore store, SimulatorControls controls)
    {
        this.store = store;
        this.controls = controls;
    }

    public async Task HandleAsync(HttpContext ctx, string path)
    {
        var method = ctx.Request.Method.ToUpperInvariant();
        var resource = ctx.Request.Query["resource"].FirstOrDefault();
        try
        {
            switch (path.TrimEnd('/'), method)
            {
                case ("/_sim/compact", "POST"):
                    await Reply(ctx, 200, new JsonObject { ["resourceVersion"] = Rv(store.Compact()) });
                    break;
                case ("/_sim/expire-watches", "POST"):
                    await Reply(ctx, 200, new JsonObject { ["closed"] = store.ExpireWatches(StorageOf(resource)) });
                    break;
                case ("/_sim/watches", "GET"):
                    await Reply(ctx, 200, new JsonObject { ["open"] = store.OpenWatchCount(StorageOf(resource)) });
                    break;
                case ("/_sim/resource-version", "GET"):
                    await Reply(ctx, 200, new JsonObject { ["resourceVersion"] = Rv(store.Revision) });
                    break;
                case ("/_sim/faults", "GET"):
                    await Reply(ctx, 200, JsonSerializer.SerializeToNode(controls.Faults(), Json)!);
                    break;
                case ("/_sim/faults", "POST"):
                    var fault = await JsonSerializer.DeserializeAsync<KubeFault>(ctx.Request.Body, Json, ctx.RequestAborted)
                        ?? throw new ArgumentException("a fault object is required");
                    controls.AddFault(fault);
                    await Reply(ctx, 201, JsonSerializer.SerializeToNode(fault, Json)!);
                    break;
                case ("/_sim/faults", "DELETE"):
                    controls.ClearFaults();
                    ctx.Response.StatusCode = 204;
                    break;
                case ("/_sim/requests", "GET"):
                    await Reply(ctx, 200, JsonSerializer.SerializeToNode(controls.RequestLog(), Json)!);
                    break;
                case ("/_sim/requests", "DELETE"):
                    controls.ClearRequestLog();
                    ctx.Response.StatusCode = 204;
                    break;
                case ("/_sim/settings", "GET"):
                    await Reply(ctx, 200, Settings());
                    break;
                case ("/_sim/settings", "PUT"):
                    var body = await JsonNode.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted) as JsonObject
                        ?? throw new ArgumentException("a settings object is required");
                    if (body["tooOldWatchResponse"]?.GetValue<string>() is { } mode)
                    {
                        controls.TooOldWatchResponse = Enum.TryParse<WatchGoneMode>(mode, ignoreCase: true, out var parsed)
                            ? parsed
                            : throw new ArgumentException($"tooOldWatchResponse must be ErrorEvent or HttpGone, got \"{mode}\"");
                    }

                    await Reply(ctx, 200, Settings());
                    break;
                default:
                    await Reply(ctx, 404, new JsonObject { ["error"] = $"no control endpoint {method} {path}; see docs/kube-simulator.md" });
                    break;
            }
        }
        catch (Exception e) when (e is ArgumentException or JsonException or InvalidOperationException)
        {
            await Reply(ctx, 400, new JsonObject { ["error"] = e.Message });
        }
    }

    private JsonObject Settings() => new() { ["tooOldWatchResponse"] = controls.TooOldWatchResponse.ToString() };

    private static string? StorageOf(string? resource) =>
        resource is null ? null
        : ResourceCatalog.All.FirstOrDefault(r => r.Plural == resource)?.Storage
            ?? throw new ArgumentException($"unknown resource \"{resource}\"");

    private static string Rv(long rv) => rv.ToString(CultureInfo.InvariantCulture);

    private static Task Reply(HttpContext ctx, int code, JsonNode body) => KubeApiHandler.WriteJsonAsync(ctx, code, body);
}
