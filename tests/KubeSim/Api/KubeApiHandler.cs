using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeSim.Json;
using KubeSim.Printing;
using KubeSim.Protobuf;
using KubeSim.Selectors;
using KubeSim.Storage;
using KubeSim.Telemetry;

namespace KubeSim.Api;

/// <summary>
/// Serves the Kubernetes REST API over the store: routing by the API server's path rules,
/// content negotiation (JSON, Table, PartialObjectMetadata), the verbs, watch streams, and errors as
/// Status objects. Control endpoints under <c>/_sim/</c> are delegated to <see cref="ControlEndpoints"/>.
/// </summary>
internal sealed class KubeApiHandler
{
    private static readonly string[] PatchTypes =
        ["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"];

    private readonly ObjectStore store;
    private readonly SimulatorControls controls;
    private readonly ControlEndpoints controlEndpoints;
    private readonly TimeProvider time;
    private readonly TimeSpan bookmarkInterval;
    private readonly ILogger logger;
    private readonly CancellationToken stopping;

    public KubeApiHandler(ObjectStore store, SimulatorControls controls, TimeProvider time, TimeSpan bookmarkInterval, ILogger logger, CancellationToken stopping)
    {
        this.store = store;
        this.controls = controls;
        this.time = time;
        this.bookmarkInterval = bookmarkInterval;
        this.logger = logger;
        this.stopping = stopping;
        controlEndpoints = new ControlEndpoints(store, controls);
    }

    public async Task HandleAsync(HttpContext ctx)
    {
        var request = ctx.Request;
        var path = request.Path.Value ?? "/";
        if (path.StartsWith("/_sim/", StringComparison.Ordinal))
        {
            await controlEndpoints.HandleAsync(ctx, path);
            return;
        }

        var info = KubeRequestInfo.Parse(request.Method, path, k => request.Query[k].FirstOrDefault());
        var recorded = false;
        var logGeneration = controls.LogGeneration;
        void Record(int status)
        {
            if (recorded)
            {
                return;
            }

            recorded = true;
            controls.Record(new KubeRequestRecord(time.GetUtcNow(), request.Method, path, request.QueryString.Value ?? "", request.ContentType, status,
                info.IsResourceRequest, info.Verb, info.ApiGroup, info.ApiVersion, info.Resource, info.Subresource, info.Namespace, info.Name,
                request.Headers.UserAgent.FirstOrDefault()), logGeneration);
        }

        try
        {
            if (controls.TakeFault(request.Method, path, info) is { } fault)
            {
                Logs.FaultInjected(logger, request.Method, path, fault.StatusCode);
                if (fault.RetryAfterSeconds is { } retry)
                {
                    ctx.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
                }

                var details = fault.RetryAfterSeconds is { } r ? new JsonObject { ["retryAfterSeconds"] = r } : null;
                var injected = KubeApiException.ForStatusCode(fault.StatusCode, fault.Message, details);
                throw injected;
            }

            if (info.IsResourceRequest)
            {
                await HandleResourceAsync(ctx, info, Record);
            }
            else
            {
                await HandleNonResourceAsync(ctx, path);
            }
        }
        catch (KubeApiException e)
        {
            if (e.InnerException is { } why)
            {
                Logs.PatchNotApplied(logger, info.Resource, info.Name, why.Message);
            }

            Record(e.StatusCode);
            await WriteStatusAsync(ctx, e);
        }
        catch (JsonException e)
        {
            Record(400);
            await WriteStatusAsync(ctx, KubeApiException.BadRequest("the request body is not valid JSON: " + e.Message));
        }
        catch (FormatException e)
        {
            Record(400);
            await WriteStatusAsync(ctx, KubeApiException.BadRequest(e.Message));
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested || stopping.IsCancellationRequested)
        {
            // The client went away or the simulator is stopping: nothing left to answer.
        }
#pragma warning disable CA1031 // Any other failure must still become a Status body, never a stack trace.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Logs.Unexpected(logger, e, request.Method, path);
            Record(500);
            if (!ctx.Response.HasStarted)
            {
                await WriteStatusAsync(ctx, new KubeApiException(500, "InternalError", "an error on the server has prevented the request from succeeding: " + e.Message));
            }
        }
        finally
        {
            Record(ctx.Response.StatusCode);
        }
    }

    private async Task HandleNonResourceAsync(HttpContext ctx, string path)
    {
        if (!HttpMethods.IsGet(ctx.Request.Method) && !HttpMethods.IsHead(ctx.Request.Method))
        {
            throw KubeApiException.MethodNotAllowed();
        }

        var trimmed = path.TrimEnd('/');
        var parts = trimmed.Trim('/').Split('/');
        JsonObject? doc = parts switch
        {
            ["api"] => Discovery.Versions(ctx.Request.Host.Value ?? "127.0.0.1"),
            ["api", "v1"] => Discovery.ResourceList("", "v1"),
            ["apis"] => Discovery.GroupList(),
            ["apis", var g] when ResourceCatalog.Groups.Contains(g) => Discovery.Group(g),
            ["apis", var g, var v] when ResourceCatalog.InGroupVersion(g, v).Any() => Discovery.ResourceList(g, v),
            ["version"] => Discovery.Version(),
            ["openapi", "v3"] => Discovery.OpenApiV3Index(),
            ["openapi", "v3", ..] => Discovery.OpenApiV3(string.Join('/', parts.Skip(2))),
            _ => null,
        };

        if (doc is null && parts is ["healthz" or "livez" or "readyz", ..])
        {
            ctx.Response.ContentType = "text/plain; charset=utf-8";
            await ctx.Response.WriteAsync("ok");
            return;
        }

        await WriteJsonAsync(ctx, 200, doc ?? throw KubeApiException.NotFoundPath());
    }

    /// <param name="record">Logs the request. A write is logged as soon as the store took it, before the answer is
    /// sent: a test that sees the object change and then reads the log finds the request there.</param>
    private async Task HandleResourceAsync(HttpContext ctx, KubeRequestInfo info, Action<int> record)
    {
        var type = ResourceCatalog.Find(info.ApiGroup, info.ApiVersion, info.Resource)
            ?? throw KubeApiException.NotFoundPath();
        var ns = type.Namespaced ? info.Namespace : "";
        if (!type.Namespaced && info.Namespace.Length > 0 && type != ResourceCatalog.Namespaces)
        {
            throw KubeApiException.NotFoundPath();
        }

        var status = info.Subresource switch
        {
            "" => false,
            "status" when type.HasStatus => true,
            _ => throw KubeApiException.NotFoundPath(),
        };
        if (status && info.Verb is not ("get" or "update" or "patch"))
        {
            throw KubeApiException.MethodNotAllowed();
        }

        if (!type.Allows(info.Verb))
        {
            throw KubeApiException.MethodNotAllowed();
        }

        var query = ctx.Request.Query;
        var accept = AcceptedShape.Negotiate(ctx.Request.Headers.Accept.ToString()) ?? throw KubeApiException.NotAcceptable();
        var dryRun = query["dryRun"].Any(v => v == "All");
        var strategy = store.StrategyFor(type);

        switch (info.Verb)
        {
            case "get":
                await WriteObjectAsync(ctx, 200, type, store.Get(type, ns, info.Name), accept, query);
                break;
            case "list":
                {
                    var options = new ListOptions(
                        LabelSelector.Parse(query["labelSelector"]),
                        FieldSelector.Parse(query["fieldSelector"], strategy.FieldLabels),
                        ParseInt(query["limit"], "limit"),
                        query["continue"].FirstOrDefault());
                    var result = store.List(type, ns, options);
                    await WriteListAsync(ctx, type, result, accept, query);
                    break;
                }

            case "watch":
                {
                    var fieldText = query["fieldSelector"].FirstOrDefault();
                    if (info.Name.Length > 0)
                    {
                        // GET .../services/web?watch=true watches that one object.
                        fieldText = string.IsNullOrEmpty(fieldText) ? "metadata.name=" + info.Name : fieldText + ",metadata.name=" + info.Name;
                    }

                    var options = new WatchOptions(
                        LabelSelector.Parse(query["labelSelector"]),
                        FieldSelector.Parse(fieldText, strategy.FieldLabels),
                        query["resourceVersion"].FirstOrDefault(),
                        KubeRequestInfo.IsTrue(query["sendInitialEvents"]),
                        KubeRequestInfo.IsTrue(query["allowWatchBookmarks"]));
                    await StreamWatchAsync(ctx, type, ns, options, accept, ParseInt(query["timeoutSeconds"], "timeoutSeconds"), record);
                    break;
                }

            case "create":
                {
                    var body = await ReadObjectAsync(ctx.Request);
                    var created = store.Create(type, ns, body, dryRun);
                    record(201);
                    await WriteObjectAsync(ctx, 201, type, created, accept, query);
                    break;
                }

            case "update":
                {
                    var body = await ReadObjectAsync(ctx.Request);
                    var updated = store.Update(type, ns, info.Name, body, status, dryRun);
                    record(200);
                    await WriteObjectAsync(ctx, 200, type, updated, accept, query);
                    break;
                }

            case "patch":
                {
                    var kind = PatchKindOf(ctx.Request.ContentType);
                    var patch = await JsonNode.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
                    var patched = store.Patch(type, ns, info.Name, kind, patch, status, dryRun);
                    record(200);
                    await WriteObjectAsync(ctx, 200, type, patched, accept, query);
                    break;
                }

            case "delete":
                {
                    var options = await ReadDeleteOptionsAsync(ctx.Request, dryRun);
                    var result = store.Delete(type, ns, info.Name, options);
                    record(200);
                    var body = result.Removed && !type.ReturnsDeletedObject ? SuccessStatus(type, result.Object) : result.Object;
                    await WriteJsonAsync(ctx, 200, body);
                    break;
                }

            case "deletecollection":
                {
                    var options = await ReadDeleteOptionsAsync(ctx.Request, dryRun);
                    var listed = store.List(type, ns, new ListOptions(
                        LabelSelector.Parse(query["labelSelector"]), FieldSelector.Parse(query["fieldSelector"], strategy.FieldLabels)));
                    var deleted = new List<JsonObject>();
                    foreach (var item in listed.Items)
                    {
                        try
                        {
                            deleted.Add(store.Delete(type, item.Namespace(), item.Name(), options).Object);
                        }
                        catch (KubeApiException e) when (e.StatusCode == 404)
                        {
                            // Deleted concurrently: nothing left to do for it.
                        }
                    }

                    await WriteListAsync(ctx, type, new ListResult(deleted, store.Revision.ToString(CultureInfo.InvariantCulture), null, null), AcceptedShape.PlainJson, query);
                    break;
                }

            default:
                throw KubeApiException.MethodNotAllowed();
        }
    }

    private async Task StreamWatchAsync(HttpContext ctx, ResourceType type, string ns, WatchOptions options, AcceptedShape accept, int? timeoutSeconds, Action<int> record)
    {
        var includeObject = IncludeObject(ctx.Request.Query);
        string Format(string eventType, JsonObject obj)
        {
            JsonObject wire = eventType == "ERROR" ? obj : ObjectStore.ToWire(type, obj);
            if (accept.Shape == ResponseShape.Table && eventType is not ("ERROR" or "BOOKMARK"))
            {
                wire = TablePrinter.ToTable(type, [wire], wire.ResourceVersion(), null, time.GetUtcNow(), includeObject, accept.MetaVersion);
            }
            else if (accept.Shape is ResponseShape.PartialObjectMetadata or ResponseShape.PartialObjectMetadataList && eventType is not ("ERROR" or "BOOKMARK"))
            {
                wire = PartialMetadata(wire, accept.MetaVersion);
            }

            return "{\"type\":\"" + eventType + "\",\"object\":" + wire.ToWireJson() + "}\n";
        }

        WatchSubscription sub;
        try
        {
            sub = store.Watch(type, ns, options, Format);
        }
        catch (KubeApiException e) when (e.StatusCode == 410 && controls.TooOldWatchResponse == WatchGoneMode.ErrorEvent)
        {
            // What the API server does: the watch is accepted, then fails with one ERROR event.
            record(200);
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync("{\"type\":\"ERROR\",\"object\":" + e.ToStatus().ToWireJson() + "}\n");
            return;
        }

        Logs.WatchOpened(logger, type.QualifiedName, ns, options.ResourceVersion);
        record(200);
        using var timeout = timeoutSeconds is > 0 and var t
            ? new CancellationTokenSource(TimeSpan.FromSeconds(t), time)
            : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, timeout.Token, stopping);
        var bookmarks = options.AllowBookmarks ? SendBookmarksAsync(sub, linked.Token) : Task.CompletedTask;
        try
        {
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.StartAsync(linked.Token);
            await ctx.Response.Body.FlushAsync(linked.Token);
            while (await sub.Reader.WaitToReadAsync(linked.Token))
            {
                while (sub.Reader.TryRead(out var line))
                {
                    await ctx.Response.WriteAsync(line, linked.Token);
                }

                await ctx.Response.Body.FlushAsync(linked.Token);
            }
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            // timeoutSeconds elapsed, the client left, or the simulator stops: the stream simply ends.
        }
        finally
        {
            store.Unsubscribe(sub);
            await linked.CancelAsync();
            await bookmarks;
        }
    }

    private async Task SendBookmarksAsync(WatchSubscription sub, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(bookmarkInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                store.SendBookmark(sub);
            }
        }
        catch (OperationCanceledException)
        {
            // The watch ended.
        }
    }

    private Task WriteObjectAsync(HttpContext ctx, int code, ResourceType type, JsonObject obj, AcceptedShape accept, IQueryCollection query) =>
        accept.Shape switch
        {
            ResponseShape.Table => WriteJsonAsync(ctx, code,
                TablePrinter.ToTable(type, [obj], obj.ResourceVersion(), null, time.GetUtcNow(), IncludeObject(query), accept.MetaVersion), accept.ContentType),
            ResponseShape.PartialObjectMetadata or ResponseShape.PartialObjectMetadataList =>
                WriteJsonAsync(ctx, code, PartialMetadata(obj, accept.MetaVersion), AcceptedShape.PlainJson.ContentType),
            _ => WriteJsonAsync(ctx, code, obj),
        };

    private Task WriteListAsync(HttpContext ctx, ResourceType type, ListResult result, AcceptedShape accept, IQueryCollection query)
    {
        if (accept.Shape == ResponseShape.Table)
        {
            return WriteJsonAsync(ctx, 200,
                TablePrinter.ToTable(type, result.Items, result.ResourceVersion, result.Continue, time.GetUtcNow(), IncludeObject(query), accept.MetaVersion),
                accept.ContentType);
        }

        var metadata = new JsonObject { ["resourceVersion"] = result.ResourceVersion };
        if (result.Continue is not null)
        {
            metadata["continue"] = result.Continue;
            metadata["remainingItemCount"] = result.RemainingItemCount;
        }

        JsonObject list;
        if (accept.Shape is ResponseShape.PartialObjectMetadata or ResponseShape.PartialObjectMetadataList)
        {
            list = new JsonObject
            {
                ["kind"] = "PartialObjectMetadataList",
                ["apiVersion"] = "meta.k8s.io/" + accept.MetaVersion,
                ["metadata"] = metadata,
                ["items"] = new JsonArray(result.Items.Select(i => (JsonNode)PartialMetadata(i, accept.MetaVersion)).ToArray()),
            };
        }
        else
        {
            // Like the real server, items of a typed list carry no kind/apiVersion of their own.
            var items = new JsonArray();
            foreach (var item in result.Items)
            {
                item.Remove("kind");
                item.Remove("apiVersion");
                items.Add(item);
            }

            list = new JsonObject
            {
                ["kind"] = type.ListKind,
                ["apiVersion"] = type.GroupVersion,
                ["metadata"] = metadata,
                ["items"] = items,
            };
        }

        return WriteJsonAsync(ctx, 200, list, accept.Shape == ResponseShape.Object ? "application/json" : accept.ContentType);
    }

    private static JsonObject PartialMetadata(JsonObject obj, string version) => new()
    {
        ["kind"] = "PartialObjectMetadata",
        ["apiVersion"] = "meta.k8s.io/" + version,
        ["metadata"] = obj["metadata"]?.DeepClone() ?? new JsonObject(),
    };

    private static JsonObject SuccessStatus(ResourceType type, JsonObject obj)
    {
        var details = KubeApiException.NameDetails(obj.Name(), type.Group, type.Plural);
        details["uid"] = obj.Obj("metadata").Str("uid");
        return new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = details,
        };
    }

    private static TableObjectMode IncludeObject(IQueryCollection query) => query["includeObject"].FirstOrDefault() switch
    {
        "None" => TableObjectMode.None,
        "Object" => TableObjectMode.Object,
        _ => TableObjectMode.Metadata,
    };

    private static PatchKind PatchKindOf(string? contentType)
    {
        var media = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        return media switch
        {
            "application/json-patch+json" => PatchKind.Json,
            "application/merge-patch+json" => PatchKind.Merge,
            "application/strategic-merge-patch+json" => PatchKind.Strategic,
            "application/apply-patch+yaml" or "application/apply-patch+cbor" => throw new KubeApiException(415, "UnsupportedMediaType",
                "server-side apply is not supported by this simulator; use kubectl apply without --server-side, or a merge/JSON patch"),
            _ => throw KubeApiException.UnsupportedMediaType(media, PatchTypes),
        };
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpRequest request)
    {
        var media = (request.ContentType ?? "application/json").Split(';')[0].Trim().ToLowerInvariant();
        if (media == KubeProtobuf.MediaType)
        {
            // kubectl's typed clients (create service, create namespace) send protobuf.
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
            return KubeProtobuf.Decode(buffer.ToArray());
        }

        if (media is not ("application/json" or "*/*"))
        {
            throw KubeApiException.UnsupportedMediaType(media, ["application/json", KubeProtobuf.MediaType + " (Service, Namespace, ConfigMap and Deployment only)"]);
        }

        var node = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
        return node as JsonObject ?? throw KubeApiException.BadRequest("the request body must be a JSON object");
    }

    private static async Task<DeleteOptions> ReadDeleteOptionsAsync(HttpRequest request, bool dryRun)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        var parsed = string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
        var body = parsed switch
        {
            null => new JsonObject(), // no body, or a literal null: default options
            JsonObject o => o,
            _ => throw KubeApiException.BadRequest("DeleteOptions must be a JSON object"),
        };
        var preconditions = body.Obj("preconditions");
        var bodyDryRun = body.Arr("dryRun").StringItems().Contains("All");
        return new DeleteOptions(
            body.Str("propagationPolicy") ?? request.Query["propagationPolicy"].FirstOrDefault(),
            preconditions.Str("uid"),
            preconditions.Str("resourceVersion"),
            dryRun || bodyDryRun);
    }

    private static int? ParseInt(string? value, string name)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 0
            ? v
            : throw KubeApiException.BadRequest($"invalid value for {name}: \"{value}\"");
    }

    internal static async Task WriteJsonAsync(HttpContext ctx, int code, JsonNode body, string contentType = "application/json")
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = contentType;
        await using var writer = new Utf8JsonWriter(ctx.Response.Body, JsonNav.WireWriterOptions);
        body.WriteTo(writer);
        await writer.FlushAsync(ctx.RequestAborted);
    }

    private static Task WriteStatusAsync(HttpContext ctx, KubeApiException e) =>
        ctx.Response.HasStarted ? Task.CompletedTask : WriteJsonAsync(ctx, e.StatusCode, e.ToStatus());
}
