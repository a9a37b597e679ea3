using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using SakuraLb.EndToEnd.Tests.Support;
using SakuraLb.Testing;
using Sandbox;
using Xunit.Abstractions;

namespace SakuraLb.EndToEnd.Tests;

/// <summary>The sandbox program as a user runs it: in-process through <see cref="SandboxCli"/>, and as a real process.</summary>
[Collection(SandboxCollection.Name)]
public sealed partial class SandboxCliTests(ITestOutputHelper output)
{
    [Fact]
    public async Task DemoExit_OnFreePorts_PrintsWhereThingsAreAndTheExternalIp()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        var exitCode = await SandboxCli.RunAsync(["--demo", "--exit", "--kube-port", "0", "--sakura-port", "0"], stdout, stderr, deadline.Token, logToConsole: false);

        var text = stdout.ToString();
        output.WriteLine(text);
        Assert.Equal(SandboxCli.ExitOk, exitCode);
        var kube = KubeServerLine().Match(text);
        Assert.True(kube.Success, "the banner names the Kubernetes API");
        Assert.Contains($"kubectl --server {kube.Groups[1].Value} create service loadbalancer web --tcp=80:8080", text, StringComparison.Ordinal);
        Assert.Contains($"kubectl --server {kube.Groups[1].Value} get svc -w", text, StringComparison.Ordinal);
        Assert.Matches(@"curl -s http://127\.0\.0\.1:\d+/_sim/state", text);
        Assert.Contains("nodes: worker01, worker02, worker03", text, StringComparison.Ordinal);
        Assert.Contains("Scale: router block 203.0.113.96/28 (--router-prefix 28): 11 assignable addresses, 3 taken by the workers (--workers 3), 8 free for load balancers: room for 4", text, StringComparison.Ordinal);
        Assert.Contains("durable engine             in-process (in-memory)", text, StringComparison.Ordinal);
        Assert.Matches(@"demo: EXTERNAL-IP 203\.0\.113\.\d+ after", text);
        Assert.Matches(@"demo: simulator has load balancer \d+ \(up\): 203\.0\.113\.\d+ ports 80, 443 → real servers 203\.0\.113\.100, 203\.0\.113\.101, 203\.0\.113\.102", text);
        Assert.Equal("", stderr.ToString());
    }

    [Fact]
    public async Task DemoExit_OnAzureStorage_NamesTheEngineAndGetsTheExternalIp()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        var exitCode = await SandboxCli.RunAsync(
            ["--durable", "azure-storage", "--demo", "--exit", "--kube-port", "0", "--sakura-port", "0"], stdout, stderr, deadline.Token, logToConsole: false);

        var text = stdout.ToString();
        output.WriteLine(text);
        Assert.Equal(SandboxCli.ExitOk, exitCode);
        Assert.Matches(@"durable engine +Azure Storage on Azurite \(task hub \w+\)", text);
        Assert.Matches(@"demo: EXTERNAL-IP 203\.0\.113\.\d+ after", text);
        Assert.Equal("", stderr.ToString());
    }

    [Fact]
    public async Task DemoExit_StoppedBeforeTheExternalIp_ExitsWithDemoFailed()
    {
        using var stop = new CancellationTokenSource();
        using var stdout = new CancelOnLine("demo: created", stop);

        var exitCode = await SandboxCli.RunAsync(["--demo", "--exit", "--kube-port", "0", "--sakura-port", "0"], stdout, TextWriter.Null, stop.Token, logToConsole: false);

        output.WriteLine(stdout.ToString());
        Assert.Equal(SandboxCli.ExitDemoFailed, exitCode);
        Assert.Contains("demo: stopped before the EXTERNAL-IP appeared.", stdout.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("demo: EXTERNAL-IP", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DemoExit_ClusterIdAndHmacSecretSet_TheRelayFollowsAndTheDemoWorks()
    {
        using var stdout = new StringWriter();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        var exitCode = await SandboxCli.RunAsync(
            ["--demo", "--exit", "--kube-port", "0", "--sakura-port", "0", "--set", "Controller__ClusterId=dev-cluster", "--set", "Ingest:HmacSecret=kX9vQ2mTz7LpR4wN8bYc1HsJ6dFg3Ae5"],
            stdout, TextWriter.Null, deadline.Token, logToConsole: false);

        output.WriteLine(stdout.ToString());
        Assert.Equal(SandboxCli.ExitOk, exitCode);
        Assert.Contains("Sakura LB sandbox is running (cluster \"dev-cluster\")", stdout.ToString(), StringComparison.Ordinal);
        Assert.Matches(@"demo: EXTERNAL-IP 203\.0\.113\.\d+ after", stdout.ToString());
    }

    [Fact]
    public async Task BadArguments_ExitWithUsageCodeAndEveryProblem()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exitCode = await SandboxCli.RunAsync(["--kube-port", "x", "--exit"], stdout, stderr, CancellationToken.None, logToConsole: false);

        Assert.Equal(SandboxCli.ExitUsage, exitCode);
        Assert.Contains("sandbox: --kube-port must be a port number 0-65535, got \"x\".", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("sandbox: --exit only makes sense with --demo.", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal("", stdout.ToString());
    }

    [Fact]
    public async Task Help_PrintsUsage()
    {
        using var stdout = new StringWriter();

        var exitCode = await SandboxCli.RunAsync(["--help"], stdout, TextWriter.Null, CancellationToken.None, logToConsole: false);

        Assert.Equal(SandboxCli.ExitOk, exitCode);
        Assert.Contains("dotnet run --project tests/Sandbox", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KubePortInUse_SaysSoAndStopsWhatStarted()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var stderr = new StringWriter();

        var exitCode = await SandboxCli.RunAsync(["--kube-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--sakura-port", "0"], TextWriter.Null, stderr, CancellationToken.None, logToConsole: false);

        Assert.Equal(SandboxCli.ExitUsage, exitCode);
        Assert.Contains($"127.0.0.1:{port}", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("--kube-port", stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Reconcile:MaxPasses=0", "sandbox: function app setting: ", "MaxPasses")]
    [InlineData("Reconcile__PollInterval=abc", "sandbox: function app setting: Failed to convert configuration value 'abc' at 'Reconcile:PollInterval'", "PollInterval")]
    public async Task InvalidOrWronglyTypedFunctionSetting_NamesItAndExitsWithUsageCode(string setting, string expectedLine, string expectedName)
    {
        using var stderr = new StringWriter();

        var exitCode = await SandboxCli.RunAsync(
            ["--kube-port", "0", "--sakura-port", "0", "--set", setting], TextWriter.Null, stderr, CancellationToken.None, logToConsole: false);

        Assert.Equal(SandboxCli.ExitUsage, exitCode);
        Assert.Contains(expectedLine, stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains(expectedName, stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Process_Sigterm_StopsEverythingAndExitsZero()
    {
        using var process = StartProcess();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            var lines = await ReadBannerAsync(process, deadline.Token);

            Assert.Contains(lines, l => l.StartsWith("Sakura LB sandbox is running", StringComparison.Ordinal));
            // The banner names the relay's operator listener, and POST /resync answers there (only there).
            var listener = RelayOperatorLine().Match(string.Join('\n', lines));
            Assert.True(listener.Success, "the banner names the relay's operator listener");
            Assert.Contains(lines, l => l.Contains($"curl -s -X POST '{listener.Groups[1].Value}resync?namespace=default&name=web'", StringComparison.Ordinal));
            using (var http = new HttpClient())
            using (var resync = await http.PostAsync(new Uri(new Uri(listener.Groups[1].Value), "resync"), null, deadline.Token))
            {
                Assert.Equal(HttpStatusCode.Accepted, resync.StatusCode);
            }

            using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync(deadline.Token);

            var rest = await process.StandardOutput.ReadToEndAsync(deadline.Token);
            await process.WaitForExitAsync(deadline.Token);
            output.WriteLine(string.Join('\n', lines) + rest);
            Assert.Equal(0, process.ExitCode);
            Assert.Contains("Stopping: relay, timer, function app", rest, StringComparison.Ordinal);
            Assert.EndsWith("Stopped." + Environment.NewLine, rest, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", await stderr, StringComparison.Ordinal);
        }
        finally
        {
            ProcessRunner.Kill(process);
        }
    }

    [Fact]
    public async Task Process_BannersPrivateServiceLine_TypedWhereTheSandboxStarted_GivesAPrivateVipOnThePlainSwitch()
    {
        // Started from the test's output directory, not the repository root: the banner's path must work there.
        using var process = StartProcess();
        _ = process.StandardError.ReadToEndAsync();
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            var lines = await ReadBannerAsync(process, deadline.Token);
            output.WriteLine(string.Join('\n', lines));
            var kube = KubeServerLine().Match(string.Join('\n', lines));
            Assert.True(kube.Success, "the banner names the Kubernetes API");
            var line = Assert.Single(lines, l => l.Contains("private-service.yaml", StringComparison.Ordinal));
            var words = line[..line.IndexOf('#', StringComparison.Ordinal)].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("kubectl", words[0]);
            using var kubectl = new KubectlRunner(kube.Groups[1].Value);

            Assert.Contains("service/private-web created", await kubectl.OkAsync(words[1..]), StringComparison.Ordinal);

            var ip = await kubectl.ExternalIpAsync("private-web");
            Assert.StartsWith("10.240.100.", ip, StringComparison.Ordinal);
            Assert.Contains("on switch k8s-private", await kubectl.OkAsync("describe", "svc", "private-web"), StringComparison.Ordinal);
        }
        finally
        {
            ProcessRunner.Kill(process);
        }
    }

    public static TheoryData<string, string> ExamplesPaths => new()
    {
        // the directory the sandbox was started in (below the repository root), the path the banner shows
        { ".", "examples" },
        { "examples", "." },
        { "..", Path.GetFileName(Repository.Root.TrimEnd('/')) + "/examples" },
        { "tests", Repository.Path("examples") },
        // Beside, not above, the repository (CI may clone it under the temp directory itself).
        { Path.Combine(Path.GetTempPath(), "sakuralb-elsewhere"), Repository.Path("examples") },
    };

    [Theory]
    [MemberData(nameof(ExamplesPaths))]
    public void ExamplesPath_WorksFromWhereTheSandboxStarted(string startedIn, string expected)
    {
        var path = Banner.ExamplesPath(Path.GetFullPath(Path.Combine(Repository.Root, startedIn)), AppContext.BaseDirectory);

        Assert.Equal(expected, path);
        Assert.True(File.Exists(Path.Combine(Repository.Root, startedIn, path, "private-service.yaml")));
    }

    [Fact]
    public void ExamplesPath_ProgramOutsideTheRepository_IsTheRelativeDefault()
    {
        Assert.Equal("examples", Banner.ExamplesPath(Repository.Root, Path.GetTempPath()));
    }

    /// <summary>The sandbox as a real process on free ports, in the test's working directory, as <c>dotnet run</c> would start it.</summary>
    private static Process StartProcess()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "Sandbox.dll"), "--kube-port", "0", "--sakura-port", "0" })
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }

    /// <summary>Stdout up to and including the banner's last line.</summary>
    private static async Task<List<string>> ReadBannerAsync(Process process, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            lines.Add(line);
            if (line.StartsWith("Ctrl-C stops everything", StringComparison.Ordinal))
            {
                break;
            }
        }

        return lines;
    }

    /// <summary>Stdout that asks the program to stop (as Ctrl-C does) once it writes a line starting with the prefix.</summary>
    private sealed class CancelOnLine(string prefix, CancellationTokenSource stop) : StringWriter(System.Globalization.CultureInfo.InvariantCulture)
    {
        public override Task WriteLineAsync(string? value)
        {
            var written = base.WriteLineAsync(value);
            if (value?.StartsWith(prefix, StringComparison.Ordinal) == true)
            {
                stop.Cancel();
            }

            return written;
        }
    }

    [GeneratedRegex(@"Kubernetes API \(fake\)\s+(http://127\.0\.0\.1:\d+)")]
    private static partial Regex KubeServerLine();

    [GeneratedRegex(@"relay operator listener\s+(http://127\.0\.0\.1:\d+/)\s")]
    private static partial Regex RelayOperatorLine();
}
