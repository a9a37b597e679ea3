using System.Diagnostics;
using System.Text;

namespace KubeSim.Tests.Kubectl;

/// <summary>
/// Runs the real kubectl against a simulator with an empty configuration (no kubeconfig, a private
/// cache and HOME), so nothing from the machine's own clusters leaks in.
/// </summary>
internal sealed class KubectlRunner : IDisposable
{
    private readonly string _server;
    private readonly List<Process> _started = [];

    public KubectlRunner(Uri server)
    {
        _server = server.ToString().TrimEnd('/');
        Dir = Directory.CreateTempSubdirectory("kubesim-kubectl-").FullName;
    }

    public string Dir { get; }

    private static readonly Lazy<string> Path_ = new(Find);

    /// <summary>kubectl on PATH; throws a clear InvalidOperationException (not a type-initializer error) when it is missing.</summary>
    public static string Executable => Path_.Value;

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public Result EnsureSuccess() =>
            ExitCode == 0 ? this : throw new InvalidOperationException($"kubectl exited {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}");
    }

    public async Task<Result> RunAsync(params string[] args)
    {
        using var process = Start(args);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts kubectl and leaves it running (for -w or a blocking delete); it is killed on dispose.</summary>
    public Process Start(params string[] args)
    {
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var a in new[] { "--server", _server, "--cache-dir", Path.Combine(Dir, "cache"), "--request-timeout", "30s" }.Concat(args))
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["KUBECONFIG"] = Path.Combine(Dir, "no-kubeconfig");
        info.Environment["HOME"] = Dir;
        var process = Process.Start(info) ?? throw new InvalidOperationException("kubectl did not start");
        _started.Add(process);
        return process;
    }

    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(Dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        foreach (var p in _started)
        {
            try
            {
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            p.Dispose();
        }

        Directory.Delete(Dir, recursive: true);
    }

    private static string Find()
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return dirs.Select(d => Path.Combine(d, "kubectl")).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                "kubectl was not found on PATH. These tests drive the real kubectl (1.32; on the CI image it is /usr/bin/kubectl). " +
                "Install a kubectl binary (not Debian's kubernetes-client package) and run again.");
    }
}
