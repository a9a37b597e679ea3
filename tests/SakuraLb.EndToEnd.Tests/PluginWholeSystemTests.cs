using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SakuraLb.EndToEnd.Tests.Support;
using SakuraLb.Model;
using SakuraLb.Testing;
using Sandbox;
using Xunit.Abstractions;

namespace SakuraLb.EndToEnd.Tests;

/// <summary>
/// Everyday operations the way Kubernetes users do them, against the whole sandbox: a resync through the Service's
/// annotation (answered by an Event and recorded in the function app's log), and <c>kubectl sakuralb</c> with the
/// real kubectl as the plugin host.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class PluginWholeSystemTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private static string PluginAssembly => Path.Combine(AppContext.BaseDirectory, "SakuraLb.Kubectl.dll");

    [Fact]
    public async Task AnnotateAndPlugin_ResyncIsAnsweredWithinSeconds_StatusAndNodesShowTheSandbox()
    {
        var log = new RecordingLoggerProvider();
        await using var sandbox = await SandboxSystem.StartAsync(new SandboxOptions { KubePort = 0, SakuraPort = 0 }, logging => logging.AddProvider(log));
        using var kubectl = new KubectlRunner(sandbox.KubeServer);
        using var plugin = new KubectlPluginHost("sakuralb", PluginAssembly, sandbox.Kube.KubeconfigYaml());
        var workers = sandbox.Workers.Select(w => w.Address).Order(StringComparer.Ordinal).ToArray();

        await kubectl.OkAsync("create", "service", "loadbalancer", "web", "--tcp=80:8080");
        var ip = await kubectl.ExternalIpAsync("web");

        // status -A: the Service with its VIP, load balancer and real servers (from what the relay wrote back).
        var status = await Eventually.UntilAsync(
            async () => (await plugin.RunAsync("sakuralb", "status", "-A")).EnsureSuccess().Stdout,
            s => workers.All(w => s.Contains(w, StringComparison.Ordinal)),
            "kubectl sakuralb status -A to list web's real servers",
            StepTimeout, PollInterval);
        output.WriteLine(status);
        var web = Assert.Single(status.Split('\n'), l => l.StartsWith("default ", StringComparison.Ordinal) && l.Contains(" web ", StringComparison.Ordinal));
        Assert.Contains(ip, web, StringComparison.Ordinal);
        Assert.Contains("Ready", web, StringComparison.Ordinal);
        Assert.Matches(@"a[0-9a-f]+ \(\d+\)", web);

        // nodes: every worker with its server, once the node controller initialised it.
        var nodes = await Eventually.UntilAsync(
            async () => (await plugin.RunAsync("sakuralb", "nodes")).EnsureSuccess().Stdout,
            s => sandbox.Workers.All(w => s.Split('\n').Any(l => l.StartsWith(w.Name, StringComparison.Ordinal) && l.Contains("Initialized", StringComparison.Ordinal) && l.Contains("sakuracloud://", StringComparison.Ordinal))),
            "kubectl sakuralb nodes to list the initialised workers with their servers",
            StepTimeout, PollInterval);
        output.WriteLine(nodes);
        foreach (var worker in sandbox.Workers)
        {
            Assert.Contains(SandboxSystem.ProviderId(worker.Id), nodes, StringComparison.Ordinal);
        }

        // kubectl annotate → a Resynced Event within seconds, and the reconcile in the function app's log.
        var request = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var clock = Stopwatch.StartNew();
        await kubectl.OkAsync("annotate", "svc", "web", $"{WellKnown.ResyncRequestedAtAnnotation}={request}", "--overwrite");
        var described = await Eventually.UntilAsync(
            () => kubectl.OkAsync("describe", "svc", "web"),
            s => s.Contains("Resync requested; reconciled in", StringComparison.Ordinal),
            "the Resynced Event",
            StepTimeout, PollInterval);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {described.Split('\n').Last(l => l.Contains("Resync", StringComparison.Ordinal)).Trim()}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the answer took {clock.Elapsed.TotalSeconds:0} s");
        Assert.Contains("Resync requested; reconciled in", described, StringComparison.Ordinal);
        Assert.Contains("no change", described, StringComparison.Ordinal);
        Assert.Contains(log.Messages, m => m.EventId == 1120 && m.Text.Contains(request, StringComparison.Ordinal));

        // The same value again costs nothing: no second answer.
        var answers = log.Messages.Count(m => m.EventId == 1120);
        await kubectl.OkAsync("annotate", "svc", "web", $"{WellKnown.ResyncRequestedAtAnnotation}={request}", "--overwrite");

        // kubectl sakuralb resync --wait: the same path, answered and printed.
        var resync = (await plugin.RunAsync(["sakuralb", "resync", "web", "--wait", "--timeout", "60s"], timeout: TimeSpan.FromSeconds(90))).EnsureSuccess();
        output.WriteLine(resync.Stdout);
        Assert.Contains("Resync requested; reconciled in", resync.Stdout, StringComparison.Ordinal);
        Assert.Equal(answers + 1, log.Messages.Count(m => m.EventId == 1120));
    }

    [Fact]
    public async Task ResyncAll_ThroughTheRealKubectl_IsAnsweredWithAnEventOnTheConfigMap_AndTheFunctionAppResyncsTheCluster()
    {
        var log = new RecordingLoggerProvider();
        await using var sandbox = await SandboxSystem.StartAsync(new SandboxOptions { KubePort = 0, SakuraPort = 0 }, logging => logging.AddProvider(log));
        using var kubectl = new KubectlRunner(sandbox.KubeServer);
        using var plugin = new KubectlPluginHost("sakuralb", PluginAssembly, sandbox.Kube.KubeconfigYaml());
        await kubectl.OkAsync("create", "service", "loadbalancer", "web", "--tcp=80:8080");
        await kubectl.ExternalIpAsync("web");
        var clusterResyncs = log.Messages.Count(m => m.EventId == 1005 && m.Text.Contains("(cluster)", StringComparison.Ordinal));

        var clock = Stopwatch.StartNew();
        var result = (await plugin.RunAsync(["sakuralb", "resync", "--all", "--wait", "--timeout", "60s"], timeout: TimeSpan.FromSeconds(90))).EnsureSuccess();

        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {result.Stdout}");
        Assert.Contains($"configmap/{WellKnown.ClusterResyncConfigMap} resync requested", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"Resync requested; reconciled 1 Service in \d+\.\d s: ", result.Stdout);
        Assert.Equal(clusterResyncs + 1, log.Messages.Count(m => m.EventId == 1005 && m.Text.Contains("(cluster)", StringComparison.Ordinal)));

        // The Event is on the ConfigMap, where kubectl describe shows it.
        var described = await kubectl.OkAsync("-n", SandboxSystem.RelayNamespace, "get", "events", "--field-selector", "involvedObject.name=" + WellKnown.ClusterResyncConfigMap);
        Assert.Contains("Resynced", described, StringComparison.Ordinal);

        // The same request again (kubectl annotate with the value the relay answered) costs nothing.
        var answered = await kubectl.OkAsync("-n", SandboxSystem.RelayNamespace, "get", "configmap", WellKnown.ClusterResyncConfigMap, "-o", $"jsonpath={{.metadata.annotations.status\\.k8s\\.usacloud\\.jp/resync-answered}}");
        Assert.False(string.IsNullOrWhiteSpace(answered), "the relay wrote back the value it answered");
        await kubectl.OkAsync("-n", SandboxSystem.RelayNamespace, "annotate", "configmap", WellKnown.ClusterResyncConfigMap, $"{WellKnown.ResyncRequestedAtAnnotation}={answered.Trim()}", "--overwrite");
        await Eventually.UntilAsync(() => sandbox.Relay.Pipeline.ClusterResync.Evaluated >= 2, "the relay looked at the ConfigMap again", StepTimeout, PollInterval);
        Assert.Equal(clusterResyncs + 1, log.Messages.Count(m => m.EventId == 1005 && m.Text.Contains("(cluster)", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Teardown_WithTheBannersCredentials_DryRunListsTheLoadBalancer_ConfirmDeletesIt()
    {
        await using var sandbox = await SandboxSystem.StartAsync(new SandboxOptions { KubePort = 0, SakuraPort = 0 });
        using var kubectl = new KubectlRunner(sandbox.KubeServer);
        using var plugin = new KubectlPluginHost("sakuralb", PluginAssembly, sandbox.Kube.KubeconfigYaml());
        await kubectl.OkAsync("create", "service", "loadbalancer", "web", "--tcp=80:8080");
        await kubectl.ExternalIpAsync("web");
        var lb = Assert.Single(await sandbox.SakuraControl.LoadBalancersAsync());

        // What the banner prints, pasted into a shell: the plugin's environment.
        var relay = sandbox.Relay.Options;
        var banner = Banner.PluginLines(plugin.Kubeconfig, relay.FunctionUrl!, relay.FunctionKey, relay.HmacSecret, relay.ClusterId);
        var environment = banner.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("export SAKURALB_", StringComparison.Ordinal))
            .Select(l => l["export ".Length..].Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(4, environment.Count);

        // --dry-run lists the load balancer and changes nothing.
        var dryRun = (await plugin.RunAsync(["sakuralb", "teardown", "--dry-run"], environment, TimeSpan.FromSeconds(90))).EnsureSuccess();
        output.WriteLine(dryRun.Stdout);
        Assert.Contains($"Dry run for cluster {SandboxSystem.ClusterId}: nothing is deleted.", dryRun.Stdout, StringComparison.Ordinal);
        var row = Assert.Single(dryRun.Stdout.Split('\n'), l => l.Contains(lb.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        Assert.Contains(lb.Name, row, StringComparison.Ordinal);
        Assert.Contains("default/web", row, StringComparison.Ordinal);
        Assert.Contains("WouldDelete", row, StringComparison.Ordinal);
        Assert.Contains("1 would be deleted", dryRun.Stdout, StringComparison.Ordinal);
        Assert.Equal(lb.Id, Assert.Single(await sandbox.SakuraControl.LoadBalancersAsync()).Id);

        // As documented: stop the relay first (it would send the Service again), then confirm.
        await sandbox.Relay.StopAsync();
        var confirmed = (await plugin.RunAsync(["sakuralb", "teardown", "--confirm", SandboxSystem.ClusterId, "--wait", "--timeout", "60s"], environment, TimeSpan.FromSeconds(90))).EnsureSuccess();
        output.WriteLine(confirmed.Stdout);
        Assert.Contains($"Teardown of cluster {SandboxSystem.ClusterId} started", confirmed.Stdout, StringComparison.Ordinal);
        await Eventually.UntilAsync(() => sandbox.SakuraControl.LoadBalancersAsync(), l => l.Count == 0, "the load balancer to be deleted", StepTimeout, PollInterval);
    }

    /// <summary>Keeps every log line of the sandbox's hosts (event id and formatted text).</summary>
    private sealed class RecordingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<(int EventId, string Text)> messages = new();

        public IReadOnlyList<(int EventId, string Text)> Messages => [.. messages];

        public ILogger CreateLogger(string categoryName) => new Recorder(messages);

        public void Dispose()
        {
        }

        private sealed class Recorder(ConcurrentQueue<(int EventId, string Text)> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    messages.Enqueue((eventId.Id, formatter(state, exception)));
                }
            }
        }
    }
}
