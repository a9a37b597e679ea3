using System.Globalization;
using Microsoft.Extensions.Logging.Console;
using SakuraLb.Relay.Options;
using Sandbox.Functions;

namespace Sandbox;

/// <summary>
/// The sandbox program without the process around it: Program.cs turns Ctrl-C and SIGTERM into
/// <c>stop</c>; tests pass their own token and writers. stdout carries only what a person reads (where things
/// are, what to type, the demo's result); logs go to stderr.
/// </summary>
public static class SandboxCli
{
    public const int ExitOk = 0;
    public const int ExitDemoFailed = 1;
    public const int ExitUsage = 2;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken stop, bool logToConsole = true)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var options = SandboxOptions.Parse(args, out var problems, out var help);
        if (help)
        {
            await stdout.WriteLineAsync(SandboxOptions.Usage);
            return ExitOk;
        }

        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                await stderr.WriteLineAsync("sandbox: " + problem);
            }

            await stderr.WriteLineAsync("sandbox: see --help");
            return ExitUsage;
        }

        SandboxSystem system;
        try
        {
            system = await SandboxSystem.StartAsync(options, logToConsole ? logging => ConsoleLogging(logging, options.Verbose) : null, stop);
        }
        catch (FunctionSettingsException ex)
        {
            foreach (var failure in ex.Problems)
            {
                await stderr.WriteLineAsync("sandbox: function app setting: " + failure);
            }

            return ExitUsage;
        }
        catch (RelayOptionsException ex)
        {
            await stderr.WriteLineAsync("sandbox: relay setting: " + ex.Message);
            return ExitUsage;
        }
        catch (IOException ex)
        {
            // Kestrel: "Failed to bind to address http://127.0.0.1:6443: address already in use."
            await stderr.WriteLineAsync($"sandbox: {ex.Message} Stop what uses the port or pick another (--kube-port, --sakura-port, --function-port; 0 = any free port).");
            return ExitUsage;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return ExitOk;
        }

        await using (system)
        {
            await stdout.WriteLineAsync(Banner.Render(
                system.Relay.Options.ClusterId,
                system.KubeServer,
                system.SakuraServer,
                new Uri(system.Functions.BaseAddress, system.Functions.RoutePrefix.Trim('/') + "/"),
                system.Relay.BaseAddress,
                system.Relay.OperatorAddress,
                [.. system.Workers.Select(w => w.Name)],
                options.SakuraTimeScale,
                system.Functions.DurableEngineName,
                Banner.ExamplesPath(Environment.CurrentDirectory, AppContext.BaseDirectory)));
            var relay = system.Relay.Options;
            await stdout.WriteAsync(Banner.PluginLines(WriteKubeconfig(system), relay.FunctionUrl!, relay.FunctionKey, relay.HmacSecret, relay.ClusterId));
            await stdout.WriteLineAsync("Scale: " + options.RouterBlock.Describe(system.Workers.Count) + ".");
            await stdout.FlushAsync(CancellationToken.None);

            var exitCode = ExitOk;
            try
            {
                if (options.Demo)
                {
                    exitCode = await RunDemoAsync(system, options, stdout, stop);
                    if (options.ExitAfterDemo)
                    {
                        return exitCode;
                    }
                }

                await Task.Delay(Timeout.Infinite, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }

            await stdout.WriteLineAsync("Stopping: relay, timer, function app, Kubernetes API fake, Sakura simulator...");
            return exitCode;
        }
    }

    private static async Task<int> RunDemoAsync(SandboxSystem system, SandboxOptions options, TextWriter stdout, CancellationToken stop)
    {
        var kubectl = "kubectl --server " + system.KubeServer;
        await stdout.WriteLineAsync($"demo: created Service {Demo.Namespace}/{Demo.ServiceName} (ports 80 and 443); waiting for its EXTERNAL-IP...");
        await stdout.FlushAsync(CancellationToken.None);
        (string? Ip, TimeSpan Elapsed) result;
        try
        {
            result = await Demo.RunAsync(system.Kube, options.DemoTimeout, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // A smoke test stopped early (Ctrl-C, or a CI timeout's SIGTERM) has not seen the EXTERNAL-IP: it must not pass.
            await stdout.WriteLineAsync("demo: stopped before the EXTERNAL-IP appeared.");
            return ExitDemoFailed;
        }

        var (ip, elapsed) = result;
        if (ip is null)
        {
            await stdout.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"demo: no EXTERNAL-IP after {elapsed.TotalSeconds:0} s; see the log and `{kubectl} describe svc {Demo.ServiceName}`."));
            return ExitDemoFailed;
        }

        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"demo: EXTERNAL-IP {ip} after {elapsed.TotalSeconds:0.0} s"));
        foreach (var lb in await system.SakuraControl.LoadBalancersAsync(stop))
        {
            await stdout.WriteLineAsync("demo: simulator has " + lb.Describe());
        }

        await stdout.WriteLineAsync($"demo: see it with `{kubectl} get svc {Demo.ServiceName}`; remove it with `{kubectl} delete svc {Demo.ServiceName}`.");
        await stdout.FlushAsync(CancellationToken.None);
        return ExitOk;
    }

    private static void ConsoleLogging(ILoggingBuilder logging, bool verbose)
    {
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        var ours = verbose ? LogLevel.Debug : LogLevel.Information;
        logging.SetMinimumLevel(LogLevel.Warning);
        logging.AddFilter("SakuraLb", ours);
        logging.AddFilter("Sandbox", ours);
        logging.AddFilter("KubeSim", verbose ? LogLevel.Debug : LogLevel.Warning);
    }

    /// <summary>The sandbox cluster's kubeconfig, written where the banner says (the same path each run, so an exported KUBECONFIG keeps working).</summary>
    private static string WriteKubeconfig(SandboxSystem system)
    {
        var path = Path.Combine(Path.GetTempPath(), "sakuralb-sandbox", "kubeconfig");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, system.Kube.KubeconfigYaml());
        return path;
    }
}
