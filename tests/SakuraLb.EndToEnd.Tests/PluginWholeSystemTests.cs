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
