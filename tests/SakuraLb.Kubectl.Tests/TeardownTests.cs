using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using KubeSim;
using SakuraLb.Kubectl.Cli;
using SakuraLb.Model.Signing;
using SakuraLb.Testing;

namespace SakuraLb.Kubectl.Tests;

/// <summary>
/// <c>kubectl sakuralb teardown</c> through the real kubectl against a loopback fake of the function app's teardown
/// endpoint, which checks the key, the cluster header and the v2 signature as the function app does.
/// </summary>
public sealed class TeardownTests : IAsyncLifetime
{
    private const string Cluster = "prod-1";
    private const string Key = "the-function-key";
    private const string Secret = "a-signing-secret-of-more-than-32-characters";

    private readonly ConcurrentQueue<(string Method, string Path, JsonNode? Body)> requests = new();
    private readonly CancellationTokenSource stop = new();
    private KubeApiSimulator sim = null!;
    private KubectlPluginHost host = null!;
    private HttpListener listener = null!;
    private string url = "";
    private int polls;

    public async Task InitializeAsync()
    {
        sim = await KubeApiSimulator.StartAsync(new KubeApiSimulatorOptions());
        host = new KubectlPluginHost("sakuralb", typeof(PluginApp).Assembly.Location, sim.KubeconfigYaml());
        var port = FreePort();
        url = $"http://127.0.0.1:{port}/";
        listener = new HttpListener();
        listener.Prefixes.Add(url);
        listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public async Task DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Close();
        host.Dispose();
        await sim.DisposeAsync();
        stop.Dispose();
    }

    private Dictionary<string, string> Credentials(string? secret = null) => new()
    {
        ["SAKURALB_FUNCTION_URL"] = url,
        ["SAKURALB_FUNCTION_KEY"] = Key,
        ["SAKURALB_HMAC_SECRET"] = secret ?? Secret,
        ["SAKURALB_CLUSTER_ID"] = Cluster,
    };

    [Fact]
    public async Task DryRun_ListsWhatWouldBeDeleted_AndSendsNoConfirm()
    {
        var result = (await host.RunAsync(["sakuralb", "teardown", "--dry-run"], Credentials())).EnsureSuccess();

        Assert.Contains("Dry run for cluster prod-1: nothing is deleted.", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"LoadBalancer\s+113200000301\s+a1\s+default/web\s+203\.0\.113\.10\s+WouldDelete", result.Stdout);
        Assert.Contains("1 would be deleted, 0 deleting, 0 deleted, 0 failed, 0 skipped", result.Stdout, StringComparison.Ordinal);
        var (method, path, body) = Assert.Single(requests);
        Assert.Equal(("POST", "/api/teardown", Cluster, null), (method, path, body!["clusterId"]!.GetValue<string>(), body["confirm"]));
    }

    [Fact]
    public async Task Confirm_WithWait_FollowsTheOperationUntilDeleted()
    {
        var result = (await host.RunAsync(["sakuralb", "teardown", "--confirm", Cluster, "--wait", "--timeout", "60s"], Credentials())).EnsureSuccess();

        Assert.Contains("0 would be deleted, 0 deleting, 1 deleted, 0 failed, 0 skipped", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(Cluster, requests.First().Body!["confirm"]!.GetValue<string>());
        Assert.Contains(requests, r => r.Method == "GET" && r.Path == "/api/teardown/op-1");
    }

    [Fact]
    public async Task Confirm_OfAnotherCluster_IsRefusedWithoutARequest()
    {
        var result = await host.RunAsync(["sakuralb", "teardown", "--confirm", "prod-2"], Credentials());

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("error: --confirm prod-2 does not name this cluster; its relay's cluster id is prod-1", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(requests);
    }

    [Theory]
    [InlineData("teardown")]
    [InlineData("teardown", "--dry-run", "--confirm", Cluster)]
    public async Task NeitherOrBothModes_AreUsageErrors(params string[] args)
    {
        var result = await host.RunAsync(["sakuralb", .. args], Credentials());

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("teardown needs exactly one of --dry-run or --confirm CLUSTER", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(requests);
    }

    [Fact]
    public async Task AWrongSecret_IsRefusedByTheFunctionApp_AndExitsOne()
    {
        var result = await host.RunAsync(["sakuralb", "teardown", "--dry-run"], Credentials(secret: "another-secret-of-more-than-32-characters!!"));

        Assert.Equal(ExitCodes.Failed, result.ExitCode);
        Assert.Contains("refused the request (401", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutCredentials_SaysWhereToPutThem()
    {
        var result = await host.RunAsync(["sakuralb", "teardown", "--dry-run"]);

        Assert.Equal(ExitCodes.Failed, result.ExitCode);
        Assert.Contains("SAKURALB_FUNCTION_URL", result.Stderr, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(reader);
            var body = reader.ToArray();
            var path = context.Request.Url!.AbsolutePath;
            var (status, answer) = Verified(context.Request, path, body)
                ? Answer(context.Request.HttpMethod, path, body.Length == 0 ? null : JsonNode.Parse(body))
                : (401, new JsonObject { ["title"] = "Unauthorized", ["status"] = 401 });
            var bytes = Encoding.UTF8.GetBytes(answer.ToJsonString());
            context.Response.StatusCode = status;
            context.Response.ContentType = status < 300 ? "application/json" : "application/problem+json";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private static bool Verified(HttpListenerRequest request, string path, byte[] body)
    {
        var timestamp = long.Parse(request.Headers[RequestSignature.TimestampHeader] ?? "0", CultureInfo.InvariantCulture);
        var fields = new SignedFields(request.HttpMethod, path, request.Headers[RequestSignature.ClusterHeader] ?? "", request.ContentType ?? "", "");
        var expected = RequestSignature.Sign(Encoding.UTF8.GetBytes(Secret), timestamp, request.Headers[RequestSignature.NonceHeader] ?? "", fields, body);
        return request.Headers[FunctionRequests.FunctionsKeyHeader] == Key
            && request.Headers[RequestSignature.ClusterHeader] == Cluster
            && request.Headers[RequestSignature.SignatureHeader] == expected;
    }

    private (int Status, JsonNode Answer) Answer(string method, string path, JsonNode? body)
    {
        requests.Enqueue((method, path, body));
        if (method == "POST" && path == "/api/teardown")
        {
            return body?["confirm"] is null
                ? (200, Document(dryRun: true, operation: null, "WouldDelete", wouldDelete: 1))
                : (202, Document(dryRun: false, operation: "op-1", "Deleting", deleting: 1));
        }

        return method == "GET" && path == "/api/teardown/op-1"
            ? (200, Interlocked.Increment(ref polls) < 2 ? Document(false, "op-1", "Deleting", deleting: 1) : Document(false, "op-1", "Deleted", deleted: 1))
            : (404, new JsonObject { ["title"] = "Not found", ["status"] = 404 });
    }

    private static JsonObject Document(bool dryRun, string? operation, string action, int wouldDelete = 0, int deleting = 0, int deleted = 0) => new()
    {
        ["version"] = 1,
        ["clusterId"] = Cluster,
        ["ownerId"] = "owner-1",
        ["dryRun"] = dryRun,
        ["operationId"] = operation,
        ["items"] = new JsonArray(new JsonObject
        {
            ["kind"] = "LoadBalancer",
            ["id"] = "113200000301",
            ["name"] = "a1",
            ["service"] = "default/web",
            ["addresses"] = new JsonArray("203.0.113.10"),
            ["action"] = action,
            ["reason"] = null,
        }),
        ["summary"] = new JsonObject { ["wouldDelete"] = wouldDelete, ["deleting"] = deleting, ["deleted"] = deleted, ["failed"] = 0, ["skipped"] = 0 },
    };
}
