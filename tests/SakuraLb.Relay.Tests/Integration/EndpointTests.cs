using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace SakuraLb.Relay.Tests.Integration;

/// <summary>/healthz, /readyz, /metrics, /resync, and the program's start-up checks.</summary>
public sealed partial class EndpointTests
{
    [System.Text.RegularExpressions.GeneratedRegex(@"Now listening on: http://(?:0\.0\.0\.0|\[::\]):(\d+)")]
    private static partial System.Text.RegularExpressions.Regex ListeningOn();

    [System.Text.RegularExpressions.GeneratedRegex(@"Now listening on: http://127\.0\.0\.1:(\d+)")]
    private static partial System.Text.RegularExpressions.Regex OperatorListeningOn();

    [Fact]
    public async Task Health_ReadyReportAndMetrics_AreServed()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        var uid = bed.CreateService("web");
        await Eventually.UntilAsync(() => bed.Function.Latest(uid) is not null, "the Service reached the function");
        using var http = new HttpClient { BaseAddress = bed.Relay.BaseAddress };

        Assert.Equal("ok", await http.GetStringAsync(new Uri("healthz", UriKind.Relative)));

        using var ready = await http.GetAsync(new Uri("readyz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var report = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        Assert.Equal("ready", report.RootElement.GetProperty("status").GetString());
        Assert.Equal("Standalone", report.RootElement.GetProperty("role").GetString());
        Assert.True(report.RootElement.GetProperty("synced").GetBoolean());
        Assert.Equal(3, report.RootElement.GetProperty("cachedNodes").GetInt32());
        Assert.Equal(1, report.RootElement.GetProperty("cachedServices").GetInt32());

        var metrics = await http.GetStringAsync(new Uri("metrics", UriKind.Relative));
        Assert.Contains("sakuralb_relay_watch_events", metrics, StringComparison.Ordinal);
        Assert.Contains("sakuralb_relay_snapshots_forwarded", metrics, StringComparison.Ordinal);
        Assert.Contains("sakuralb_relay_kube_writes", metrics, StringComparison.Ordinal);
        Assert.Contains("sakuralb_relay_delivery_requests", metrics, StringComparison.Ordinal);
        Assert.Contains("sakuralb_relay_cache_nodes", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resync_All_ResendsEverythingAndAsksTheFunction()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        var uid = bed.CreateService("web");
        await Eventually.UntilAsync(() => bed.Function.Latest(uid) is not null, "the Service reached the function");
        var before = bed.Function.SnapshotsOf(uid).Count;
        var nodeSets = bed.Function.NodeSets.Count;
        using var http = new HttpClient { BaseAddress = bed.Relay.OperatorAddress };

        using var response = await http.PostAsync(new Uri("resync", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Eventually.UntilAsync(() => bed.Function.SnapshotsOf(uid).Count > before && bed.Function.NodeSets.Count > nodeSets, "everything was sent again");
        var request = Assert.Single(bed.Function.Resyncs);
        Assert.Equal(("test-cluster", null, null), (request.ClusterId, request.Namespace, request.Name));
    }

    [Fact]
    public async Task Resync_OneService_ResendsItAndNamesItToTheFunction()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        var uid = bed.CreateService("web");
        await Eventually.UntilAsync(() => bed.Function.Latest(uid) is not null, "the Service reached the function");
        var before = bed.Function.SnapshotsOf(uid).Count;
        using var http = new HttpClient { BaseAddress = bed.Relay.OperatorAddress };

        using var response = await http.PostAsync(new Uri("resync?namespace=default&name=web", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Eventually.UntilAsync(() => bed.Function.SnapshotsOf(uid).Count > before, "the Service was sent again");
        Assert.Equal(("default", "web"), (bed.Function.Resyncs.Single().Namespace, bed.Function.Resyncs.Single().Name));
    }

    [Fact]
    public async Task Resync_OnThePublicListener_DoesNotExist_OnlyOnTheLoopbackOperatorListener()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        using var http = new HttpClient();

        using var onPublic = await http.PostAsync(new Uri(bed.Relay.BaseAddress, "resync"), null);
        using var onOperator = await http.PostAsync(new Uri(bed.Relay.OperatorAddress, "resync"), null);
        using var healthOnPublic = await http.GetAsync(new Uri(bed.Relay.BaseAddress, "healthz"));

        Assert.Equal(HttpStatusCode.NotFound, onPublic.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, onOperator.StatusCode);
        Assert.Equal(HttpStatusCode.OK, healthOnPublic.StatusCode);
        Assert.Single(bed.Function.Resyncs);
    }

    [Fact]
    public async Task Resync_WithOnlyAName_IsABadRequestWithAnExplanation()
    {
        await using var bed = await RelayTestBed.StartAsync();
        using var http = new HttpClient { BaseAddress = bed.Relay.OperatorAddress };

        using var response = await http.PostAsync(new Uri("resync?name=web", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("namespace and name", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resync_OnTheFollower_PointsToTheLeader()
    {
        await using var bed = await RelayTestBed.StartAsync(startRelay: false);
        var a = await bed.StartRelayAsync(bed.DefaultOptions("relay-a") with { LeaderElection = true });
        await Eventually.UntilAsync(() => a.Leadership.Role == Leadership.RelayRole.Leader, "relay-a leads");
        var b = await bed.StartRelayAsync(bed.DefaultOptions("relay-b") with { LeaderElection = true });
        await Eventually.UntilAsync(() => b.Leadership.Leader == "relay-a", "relay-b knows the leader");
        using var http = new HttpClient { BaseAddress = b.OperatorAddress };

        using var response = await http.PostAsync(new Uri("resync", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("relay-a", body.RootElement.GetProperty("leader").GetString());
    }

    [Fact]
    public async Task Program_WithoutConfiguration_ExitsWithEveryProblemAndNoStackTrace()
    {
        var relay = Path.Combine(AppContext.BaseDirectory, "SakuraLb.Relay.dll");
        var start = new ProcessStartInfo("dotnet", [relay])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.Environment["Relay__SecretDirectory"] = Path.Combine(Path.GetTempPath(), "does-not-exist-" + Guid.NewGuid().ToString("N"));
        start.Environment["Relay__HmacSecret"] = "short";
        start.Environment["KUBERNETES_SERVICE_HOST"] = "";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        var errors = await stderr;
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("FunctionUrl is required", errors, StringComparison.Ordinal);
        Assert.Contains("HmacSecret must be at least 32 characters", errors, StringComparison.Ordinal);
        Assert.Contains("ClusterId is required", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", errors + await stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Program_WithASecretDirectoryAndAKubernetesServer_RunsAndForwards()
    {
        await using var bed = await RelayTestBed.StartAsync(startRelay: false);
        var secrets = Directory.CreateTempSubdirectory("relay-program-");
        File.WriteAllText(Path.Combine(secrets.FullName, "functionUrl"), bed.Function.BaseAddress.AbsoluteUri + "\n");
        File.WriteAllText(Path.Combine(secrets.FullName, "functionKey"), FunctionStub.Key);
        File.WriteAllText(Path.Combine(secrets.FullName, "hmacSecret"), FunctionStub.Secret);
        File.WriteAllText(Path.Combine(secrets.FullName, "clusterId"), FunctionStub.ClusterId);
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "SakuraLb.Relay.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.Environment["Relay__SecretDirectory"] = secrets.FullName;
        start.Environment["Relay__LeaderElection"] = "false";
        start.Environment["Relay__BatchWindow"] = "00:00:00.05";
        start.Environment["Kubernetes__Server"] = bed.Kube.BaseAddress.AbsoluteUri;
        // Port 0: the process binds free ports itself and logs them (a port probed here and released could
        // be taken by another test assembly before the process binds it).
        start.Environment["Relay__HttpPort"] = "0";
        start.Environment["Relay__OperatorPort"] = "0";
        start.Environment["POD_NAME"] = "relay-process";
        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string Logs()
        {
            lock (output)
            {
                return output.ToString();
            }
        }

        try
        {
            var uid = bed.CreateService("web");
            await Eventually.UntilAsync(() => bed.Function.Latest(uid)?.HasCleanupFinalizer == true, "the relay process forwarded the Service", TimeSpan.FromSeconds(60));
            var listening = await Eventually.ValueAsync(() => ListeningOn().Match(Logs()) is { Success: true } m ? m : null, "the process logged its address", TimeSpan.FromSeconds(60));
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listening.Groups[1].Value}/") };
            using var ready = await http.GetAsync(new Uri("readyz", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

            // The operator endpoint is on the loopback listener only; the public one does not have it.
            var operatorPort = await Eventually.ValueAsync(() => OperatorListeningOn().Match(Logs()) is { Success: true } m ? m.Groups[1].Value : null, "the process logged its operator address", TimeSpan.FromSeconds(60));
            using var publicResync = await http.PostAsync(new Uri("resync", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.NotFound, publicResync.StatusCode);
            using var operatorResync = await http.PostAsync(new Uri($"http://127.0.0.1:{operatorPort}/resync"), null);
            Assert.Equal(HttpStatusCode.Accepted, operatorResync.StatusCode);

            // Structured logs: one JSON object per line, with the event id of the source-generated message.
            // The console logger writes on its own thread, so the line may still be on its way.
            await Eventually.UntilAsync(() => Logs().Contains("Added finalizer", StringComparison.Ordinal), "the finalizer log line was written");
            var line = Logs().Split('\n').First(l => l.Contains("Added finalizer", StringComparison.Ordinal));
            using var entry = JsonDocument.Parse(line[line.IndexOf('{', StringComparison.Ordinal)..]);
            Assert.Equal(400, entry.RootElement.GetProperty("EventId").GetInt32());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            secrets.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Relay_WithAKubeconfigFile_ConnectsThroughIt()
    {
        await using var bed = await RelayTestBed.StartAsync(startRelay: false);
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"relay-kubeconfig-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(kubeconfig, bed.Kube.KubeconfigYaml());
        try
        {
            await using var relay = await Hosting.RelayHost.StartAsync(
                bed.DefaultOptions(),
                new Options.KubernetesConnectionOptions { Kubeconfig = kubeconfig });

            await Eventually.UntilAsync(() => relay.Pipeline.Synced && bed.Function.LatestNodes is not null, "the relay listed through the kubeconfig");
        }
        finally
        {
            File.Delete(kubeconfig);
        }
    }
}
