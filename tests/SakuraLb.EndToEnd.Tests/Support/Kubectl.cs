using System.Diagnostics;
using System.Text;

namespace SakuraLb.EndToEnd.Tests.Support;

/// <summary>
/// The machine's real kubectl against one API server (<c>--server</c>), with a fresh empty configuration: KUBECONFIG
/// names a file that does not exist, HOME and the cache are private, so no cluster of the machine is ever touched.
/// </summary>
internal sealed class Kubectl : IDisposable
{
    private readonly string server;
    private readonly string dir;

    public Kubectl(string server)
    {
        this.server = server;
        dir = Directory.CreateTempSubdirectory("sakuralb-e2e-kubectl-").FullName;
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string EnsureSuccess() =>
            ExitCode == 0 ? Stdout : throw new InvalidOperationException($"kubectl exited {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}");
    }

    /// <summary>kubectl on PATH (the CI image has /usr/bin/kubectl); a clear failure when there is none.</summary>
    public static string Executable => Find();

    public async Task<Result> RunAsync(string[] args, string? stdin = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in new[] { "--server", server, "--cache-dir", Path.Combine(dir, "cache"), "--request-timeout", "30s" }.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["KUBECONFIG"] = Path.Combine(dir, "no-kubeconfig");
        info.Environment["HOME"] = dir;
        using var process = Process.Start(info) ?? throw new InvalidOperationException("kubectl did not start");
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
            var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
            if (stdin is not null)
            {
                await process.StandardInput.WriteAsync(stdin.AsMemory(), deadline.Token);
            }

            process.StandardInput.Close();
            await process.WaitForExitAsync(deadline.Token);
            return new Result(process.ExitCode, await stdout, await stderr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish in {(timeout ?? TimeSpan.FromSeconds(60)).TotalSeconds:0} s");
        }
    }

    public async Task<string> OkAsync(params string[] args) => (await RunAsync(args)).EnsureSuccess();

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static string Find()
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return dirs.Select(d => Path.Combine(d, "kubectl")).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                "kubectl was not found on PATH. The whole-system test drives the real kubectl (1.27 or later; the CI image has /usr/bin/kubectl).");
    }
}
