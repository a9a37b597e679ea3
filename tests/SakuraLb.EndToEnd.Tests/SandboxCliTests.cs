using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using SakuraLb.EndToEnd.Tests.Support;
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
            ["--demo", "--exit", "--kube-port", "0", "--sakura-port", "0", "--set", "Controller__ClusterId=dev-cluster", "--set", "Ingest:HmacSecret=" + new string('s', 40)],
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

        using var process = Process.Start(info)!;
        var lines = new List<string>();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                lines.Add(line);
                if (line.StartsWith("Ctrl-C stops everything", StringComparison.Ordinal))
                {
                    break;
                }
            }

            Assert.Contains(lines, l => l.StartsWith("Sakura LB sandbox is running", StringComparison.Ordinal));
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
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
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
}
