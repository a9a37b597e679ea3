using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SakuraLb.Model.Signing;
using SakuraLb.Model.Transport;

namespace SakuraLb.Relay.Tests.Support;

/// <summary>How the stub answers POST /api/events.</summary>
public enum StubMode
{
    Normal,

    /// <summary>503 with a problem document.</summary>
    ServerError,

    /// <summary>The connection is dropped without an answer (the function is unreachable).</summary>
    Abort,

    /// <summary>401, as for a wrong key or secret.</summary>
    Unauthorized,
}

/// <summary>One accepted POST /api/events.</summary>
/// <param name="Bytes">The body as sent (compressed when <paramref name="Gzip"/>).</param>
public sealed record ReceivedBatch(int Sequence, EventBatch Batch, int Bytes, bool Gzip = false);

/// <summary>
/// A stand-in for the function app's HTTP endpoints on 127.0.0.1: it verifies the Functions key and the
/// HMAC signature with the Model's helper and the batch with the Model's validator, keeps the newest
/// snapshot per Service UID like the real store (a tombstone wins), records every batch, and serves a
/// status feed the test scripts, with ETag/304.
/// </summary>
public sealed class FunctionStub : IAsyncDisposable
{
    public const string Key = "stub-function-key";
    public const string Secret = "relay-tests-hmac-secret-0123456789abcdef";
    public const string ClusterId = "test-cluster";

    private readonly Lock gate = new();
    private readonly WebApplication app;
    private readonly List<ReceivedBatch> batches = [];
    private readonly Dictionary<string, ServiceSnapshot> latest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ServiceStatus> statuses = new(StringComparer.Ordinal);
    private Dictionary<string, NodeResult>? nodeResults;
    private readonly ConcurrentQueue<ResyncRequest> resyncs = new();
    private int feedVersion = 1;
    private string? nodeFingerprint;
    private int eventRequests;
    private int statusRequests;
    private int signatureFailures;
    private int invalidBatches;
    private volatile StubMode mode = StubMode.Normal;

    private FunctionStub(WebApplication app, Uri baseAddress)
    {
        this.app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public StubMode Mode
    {
        get => mode;
        set => mode = value;
    }

    /// <summary>
    /// Optional override of the answer to a valid events batch (given the batch and its size in bytes): a
    /// status code and the problem document's field errors, e.g. 413 for big bodies; null = normal handling.
    /// </summary>
    public Func<EventBatch, int, (int Status, IReadOnlyList<FieldError>? Errors)?>? Responder { get; set; }

    public int EventRequests => Volatile.Read(ref eventRequests);

    public int StatusRequests => Volatile.Read(ref statusRequests);

    public int SignatureFailures => Volatile.Read(ref signatureFailures);

    public int InvalidBatches => Volatile.Read(ref invalidBatches);

    public IReadOnlyCollection<ResyncRequest> Resyncs => resyncs.ToArray();

    /// <summary>What a valid POST /api/resync is answered with (202 and what it started), or a problem with this status.</summary>
    public ResyncResponse ResyncAnswer { get; set; } = new();

    public int ResyncStatusCode { get; set; } = 202;

    public IReadOnlyList<ReceivedBatch> Batches
    {
        get
        {
            lock (gate)
            {
                return batches.ToArray();
            }
        }
    }

    /// <summary>Every Service snapshot received (in arrival order).</summary>
    public IReadOnlyList<ServiceSnapshot> AllSnapshots => Batches.SelectMany(b => b.Batch.Services).ToArray();

    /// <summary>Node sets received (in arrival order).</summary>
    public IReadOnlyList<NodeSetSnapshot> NodeSets => Batches.Select(b => b.Batch.Nodes).OfType<NodeSetSnapshot>().ToArray();

    public NodeSetSnapshot? LatestNodes => NodeSets.LastOrDefault();

    public static async Task<FunctionStub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FunctionStub? stub = null;
        app.MapPost("/api/events", (HttpContext ctx) => stub!.EventsAsync(ctx));
        app.MapGet("/api/status", (HttpContext ctx) => stub!.StatusAsync(ctx));
        app.MapPost("/api/resync", (HttpContext ctx) => stub!.ResyncAsync(ctx));
        await app.StartAsync();
        stub = new FunctionStub(app, new Uri(app.Urls.First().TrimEnd('/') + "/"));
        return stub;
    }

    /// <summary>The newest snapshot stored for a Service UID (a tombstone wins over live state).</summary>
    public ServiceSnapshot? Latest(string uid)
    {
        lock (gate)
        {
            return latest.GetValueOrDefault(uid);
        }
    }

    public ServiceSnapshot? LatestByName(string @namespace, string name)
    {
        lock (gate)
        {
            return latest.Values
                .Where(s => s.Namespace == @namespace && s.Name == name)
                .OrderBy(s => s.Deleted ? 1 : 0)
                .ThenBy(s => s.ResourceVersion, Comparer<string>.Create(ResourceVersions.Compare))
                .LastOrDefault();
        }
    }

    public IReadOnlyList<ServiceSnapshot> SnapshotsOf(string uid) => AllSnapshots.Where(s => s.Uid == uid).ToArray();

    /// <summary>Publishes (or replaces) a Service's status entry; the feed's ETag changes.</summary>
    public void SetStatus(ServiceStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        lock (gate)
        {
            statuses[status.Uid] = status;
            feedVersion++;
        }
    }

    /// <summary>Publishes (or replaces) a Node's result; the feed then carries node results, as a function app with a node controller's does.</summary>
    public void SetNodeResult(NodeResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        lock (gate)
        {
            nodeResults ??= new Dictionary<string, NodeResult>(StringComparer.Ordinal);
            nodeResults[result.Name] = result;
            feedVersion++;
        }
    }

    /// <summary>The fingerprint of the node set the feed says the function holds (null: not reported); the feed's ETag changes.</summary>
    public string? NodeFingerprint
    {
        get
        {
            lock (gate)
            {
                return nodeFingerprint;
            }
        }

        set
        {
            lock (gate)
            {
                nodeFingerprint = value;
                feedVersion++;
            }
        }
    }

    public void RemoveStatus(string uid)
    {
        lock (gate)
        {
            statuses.Remove(uid);
            feedVersion++;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static Task Problem(HttpContext ctx, int status, string title, IReadOnlyList<FieldError>? errors = null)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/problem+json";
        var errorJson = errors is null ? "" : ",\"errors\":" + ModelJson.Serialize(errors);
        return ctx.Response.WriteAsync($"{{\"title\":\"{title}\",\"status\":{status}{errorJson}}}");
    }

    private bool Authentic(HttpContext ctx, byte[] body)
    {
        var request = ctx.Request;
        var check = RequestSignature.Verify(
            [Encoding.UTF8.GetBytes(Secret)],
            request.Headers[RequestSignature.TimestampHeader],
            request.Headers[RequestSignature.NonceHeader],
            request.Headers[RequestSignature.SignatureHeader],
            new SignedFields(request.Method, request.Path, ClusterId, request.ContentType ?? "", request.Headers.ContentEncoding.ToString()),
            body,
            DateTimeOffset.UtcNow,
            TimeSpan.FromMinutes(5),
            acceptV1: false);
        var keyOk = request.Headers["x-functions-key"] == Key;
        if (check != SignatureCheck.Valid || !keyOk)
        {
            Interlocked.Increment(ref signatureFailures);
            return false;
        }

        return true;
    }

    private async Task EventsAsync(HttpContext ctx)
    {
        var body = await ReadBodyAsync(ctx.Request);
        var sequence = Interlocked.Increment(ref eventRequests);
        switch (mode)
        {
            case StubMode.Abort:
                ctx.Abort();
                return;
            case StubMode.ServerError:
                await Problem(ctx, 503, "down for a test");
                return;
            case StubMode.Unauthorized:
                await Problem(ctx, 401, "unauthorized for a test");
                return;
        }

        if (!Authentic(ctx, body))
        {
            await Problem(ctx, 401, "bad signature");
            return;
        }

        var sent = body.Length;
        var gzip = string.Equals(ctx.Request.Headers.ContentEncoding, GzipBody.ContentEncoding, StringComparison.Ordinal);
        if (gzip)
        {
            var inflated = GzipBody.Decompress(body, 64 * 1024 * 1024);
            if (inflated.Outcome != GunzipOutcome.Ok)
            {
                await Problem(ctx, 400, "bad gzip body");
                return;
            }

            body = inflated.Data!;
        }

        if (!ModelJson.TryDeserialize<EventBatch>(body, out var batch, out var error))
        {
            Interlocked.Increment(ref invalidBatches);
            await Problem(ctx, 400, error ?? "bad json");
            return;
        }

        var problems = EventBatchValidator.Validate(batch);
        if (problems.Count > 0 || batch.ClusterId != ClusterId)
        {
            Interlocked.Increment(ref invalidBatches);
            await Problem(ctx, 400, "invalid batch", problems);
            return;
        }

        if (Responder?.Invoke(batch, sent) is { } scripted)
        {
            await Problem(ctx, scripted.Status, "scripted answer", scripted.Errors);
            return;
        }

        lock (gate)
        {
            batches.Add(new ReceivedBatch(sequence, batch, sent, gzip));
            foreach (var snapshot in batch.Services)
            {
                if (!latest.TryGetValue(snapshot.Uid, out var stored)
                    || (!stored.Deleted && (snapshot.Deleted || ResourceVersions.IsNewer(snapshot, stored))))
                {
                    latest[snapshot.Uid] = snapshot;
                }
            }
        }

        ctx.Response.StatusCode = 202;
        await ctx.Response.WriteAsync($"{{\"version\":1,\"accepted\":{batch.Services.Count},\"stale\":0,\"nodesAccepted\":{(batch.Nodes is null ? "false" : "true")},\"reconciling\":[]}}");
    }

    private async Task StatusAsync(HttpContext ctx)
    {
        Interlocked.Increment(ref statusRequests);
        if (!Authentic(ctx, []))
        {
            await Problem(ctx, 401, "bad signature");
            return;
        }

        StatusFeed feed;
        lock (gate)
        {
            var etag = $"\"feed-{feedVersion}\"";
            if (ctx.Request.Headers.IfNoneMatch == etag)
            {
                ctx.Response.StatusCode = 304;
                return;
            }

            feed = new StatusFeed { ClusterId = ClusterId, ETag = etag, NodeFingerprint = nodeFingerprint, Services = statuses.Values.ToArray(), Nodes = nodeResults?.Values.ToArray() };
        }

        ctx.Response.StatusCode = 200;
        ctx.Response.Headers.ETag = feed.ETag;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.Body.WriteAsync(ModelJson.SerializeToUtf8Bytes(feed));
    }

    private async Task ResyncAsync(HttpContext ctx)
    {
        var body = await ReadBodyAsync(ctx.Request);
        if (!Authentic(ctx, body))
        {
            await Problem(ctx, 401, "bad signature");
            return;
        }

        if (!ModelJson.TryDeserialize<ResyncRequest>(body, out var request, out _))
        {
            await Problem(ctx, 400, "bad json");
            return;
        }

        resyncs.Enqueue(request);
        if (ResyncStatusCode != 202)
        {
            await Problem(ctx, ResyncStatusCode, "the cloud could not be read");
            return;
        }

        ctx.Response.StatusCode = 202;
        await ctx.Response.Body.WriteAsync(ModelJson.SerializeToUtf8Bytes(ResyncAnswer));
    }
}
