using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Autorest;
using SakuraLb.Kubectl.Output;
using SakuraLb.Model;
using SakuraLb.Model.Signing;

namespace SakuraLb.Kubectl.Commands;

/// <summary>
/// <c>kubectl sakuralb teardown --dry-run | --confirm CLUSTER</c>: asks the function app to delete every load balancer
/// of the cluster (<c>POST /api/teardown</c>, signed like the relay's requests), or with <c>--dry-run</c> to list
/// what it would delete. Refused unless exactly one of the two is given and CLUSTER is the relay's cluster id. The
/// operator's credentials come from flags or the environment, else from the relay's Secret when the kubeconfig may
/// read it.
/// </summary>
internal static class TeardownCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public static IReadOnlyList<FlagSpec> Flags { get; } =
    [
        new("dry-run", null, false, "list what would be deleted; nothing is deleted"),
        new("confirm", null, true, "CLUSTER: delete every load balancer of this cluster (must be the relay's cluster id)"),
        new("wait", null, false, "after --confirm, follow the operation until nothing is still being deleted"),
        new("timeout", null, true, "how long --wait waits (default 10m)"),
        new("function-url", null, true, "the function app's base URL (else $SAKURALB_FUNCTION_URL, else the relay's Secret)"),
        new("function-key", null, true, "the function key (else $SAKURALB_FUNCTION_KEY, else the relay's Secret)"),
        new("hmac-secret", null, true, "the request-signing secret (else $SAKURALB_HMAC_SECRET, else the relay's Secret)"),
        new("cluster-id", null, true, "the relay's cluster id (else $SAKURALB_CLUSTER_ID, else the relay's Secret)"),
        new("relay-namespace", null, true, $"where the relay's Secret {WellKnown.RelayName} is (default {WellKnown.RelayNamespace})"),
        Formats.OutputFlag,
    ];

    public static async Task<int> RunAsync(CommandLine line, KubeContext kube, Func<string, string?> environment, TextWriter stdout, TimeProvider time, HttpMessageHandler? handler, CancellationToken cancellationToken)
    {
        var format = Formats.Of(line);
        var dryRun = line.Has("dry-run");
        var confirm = line.Value("confirm");
        if (dryRun == (confirm is not null) || line.Positional.Count > 0)
        {
            throw PluginException.Usage("teardown needs exactly one of --dry-run or --confirm CLUSTER (and no other argument)");
        }

        var credentials = await CredentialsAsync(line, kube, environment, cancellationToken);
        if (confirm is not null && confirm != credentials.ClusterId)
        {
            throw PluginException.Usage($"--confirm {confirm} does not name this cluster; its relay's cluster id is {credentials.ClusterId}");
        }

        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = TimeSpan.FromSeconds(100);
        var body = new JsonObject { ["version"] = 1, ["clusterId"] = credentials.ClusterId };
        if (confirm is not null)
        {
            body["confirm"] = confirm;
        }

        var document = await SendAsync(http, credentials, HttpMethod.Post, "api/teardown", Encoding.UTF8.GetBytes(body.ToJsonString()), time, cancellationToken);
        if (confirm is not null && line.Has("wait") && document["operationId"]?.GetValue<string>() is { Length: > 0 } operation)
        {
            var deadline = time.GetUtcNow() + ResyncCommand.Duration(line.Value("timeout") ?? "10m");
            while (Count(document, "deleting") > 0)
            {
                if (time.GetUtcNow() >= deadline)
                {
                    await Print(stdout, format, document);
                    throw new PluginException(ExitCodes.TimedOut, $"teardown {operation} is still deleting after the timeout; follow it with the same command");
                }

                await Task.Delay(PollInterval, time, cancellationToken);
                document = await SendAsync(http, credentials, HttpMethod.Get, "api/teardown/" + Uri.EscapeDataString(operation), null, time, cancellationToken);
            }
        }

        await Print(stdout, format, document);
        return Count(document, "failed") > 0 ? ExitCodes.Failed : ExitCodes.Ok;
    }

    private static async Task Print(TextWriter stdout, string format, JsonNode document)
    {
        if (format == "json")
        {
            await stdout.WriteLineAsync(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return;
        }

        if (format == "yaml")
        {
            await stdout.WriteAsync(Formats.Yaml(document));
            return;
        }

        var items = document["items"]?.AsArray() ?? [];
        var dryRun = document["dryRun"]?.GetValue<bool>() ?? true;
        await stdout.WriteLineAsync(dryRun
            ? $"Dry run for cluster {document["clusterId"]}: nothing is deleted."
            : $"Teardown of cluster {document["clusterId"]} started (operation {document["operationId"]}).");
        if (items.Count > 0)
        {
            await stdout.WriteAsync(Table.Render(
                ["KIND", "ID", "NAME", "SERVICE", "ADDRESSES", "ACTION", "REASON"],
                items.Select(i => (IReadOnlyList<string?>)
                [
                    Text(i, "kind"), Text(i, "id"), Text(i, "name"), Text(i, "service"),
                    string.Join(",", i?["addresses"]?.AsArray().Select(a => a?.ToString()) ?? []), Text(i, "action"), Text(i, "reason"),
                ])));
        }

        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{Count(document, "wouldDelete")} would be deleted, {Count(document, "deleting")} deleting, {Count(document, "deleted")} deleted, {Count(document, "failed")} failed, {Count(document, "skipped")} skipped"));
    }

    private static string? Text(JsonNode? node, string key) => node?[key] is { } value ? value.ToString() : null;

    private static int Count(JsonNode document, string key) => document["summary"]?[key]?.GetValue<int>() ?? 0;

    private static async Task<JsonNode> SendAsync(HttpClient http, Credentials credentials, HttpMethod method, string path, byte[]? body, TimeProvider time, CancellationToken cancellationToken)
    {
        var uri = new Uri(new Uri(credentials.FunctionUrl.TrimEnd('/') + "/"), path);
        using var request = FunctionRequests.Create(method, uri, credentials.FunctionKey, credentials.ClusterId, Encoding.UTF8.GetBytes(credentials.HmacSecret), time.GetUtcNow(), body);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw PluginException.Failed($"the function app at {credentials.FunctionUrl} cannot be reached: {ex.Message}");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted && JsonNode.Parse(text) is { } document)
            {
                return document;
            }

            var detail = TryProblem(text);
            throw PluginException.Failed(response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => $"the function app refused the request (401 {detail}): check the function key and the HMAC secret",
                HttpStatusCode.Forbidden => $"the function app refused the request (403 {detail}): the cluster id is not the function app's",
                HttpStatusCode.NotFound => $"the function app has no teardown endpoint or operation (404 {detail})",
                var code => $"the function app answered {(int)code} {detail}",
            });
        }
    }

    private static string TryProblem(string text)
    {
        try
        {
            var problem = JsonNode.Parse(text);
            return $"{problem?["title"]}{(problem?["detail"] is { } detail ? ": " + detail : "")}";
        }
        catch (JsonException)
        {
            return "";
        }
    }

    private sealed record Credentials(string FunctionUrl, string FunctionKey, string HmacSecret, string ClusterId);

    /// <summary>Each value from its flag, else its environment variable, else the relay's Secret (read only when something is missing).</summary>
    private static async Task<Credentials> CredentialsAsync(CommandLine line, KubeContext kube, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        string? Given(string flag, string variable) => line.Value(flag) is { Length: > 0 } value ? value : environment(variable) is { Length: > 0 } env ? env : null;
        var url = Given("function-url", "SAKURALB_FUNCTION_URL");
        var key = Given("function-key", "SAKURALB_FUNCTION_KEY");
        var secret = Given("hmac-secret", "SAKURALB_HMAC_SECRET");
        var cluster = Given("cluster-id", "SAKURALB_CLUSTER_ID");
        if (url is null || key is null || secret is null || cluster is null)
        {
            var relay = await RelaySecretAsync(kube, line.Value("relay-namespace") ?? WellKnown.RelayNamespace, cancellationToken);
            url ??= relay.GetValueOrDefault("functionUrl");
            key ??= relay.GetValueOrDefault("functionKey");
            secret ??= relay.GetValueOrDefault("hmacSecret");
            cluster ??= relay.GetValueOrDefault("clusterId");
        }

        return url is null || key is null || secret is null || cluster is null
            ? throw PluginException.Failed("teardown needs the function URL, function key, HMAC secret and cluster id: pass --function-url, --function-key, --hmac-secret, --cluster-id (or SAKURALB_FUNCTION_URL, SAKURALB_FUNCTION_KEY, SAKURALB_HMAC_SECRET, SAKURALB_CLUSTER_ID), or use a kubeconfig that may read the relay's Secret")
            : new Credentials(url, key, secret, cluster);
    }

    private static async Task<Dictionary<string, string>> RelaySecretAsync(KubeContext kube, string ns, CancellationToken cancellationToken)
    {
        try
        {
            var secret = await kube.Client.CoreV1.ReadNamespacedSecretAsync(WellKnown.RelayName, ns, cancellationToken: cancellationToken);
            return (secret.Data ?? new Dictionary<string, byte[]>()).ToDictionary(d => d.Key, d => Encoding.UTF8.GetString(d.Value).Trim(), StringComparer.Ordinal);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            return [];
        }
    }
}
