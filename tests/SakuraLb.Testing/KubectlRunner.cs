using System.Diagnostics;

namespace SakuraLb.Testing;

/// <summary>
/// The machine's real kubectl against one API server (<c>--server</c>), with a fresh empty configuration:
/// KUBECONFIG names a file that does not exist, HOME and the cache are private, so no cluster of the machine
/// is ever touched and nothing from its configuration leaks in.
/// </summary>
public sealed class KubectlRunner : IDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
    private static readonly Lazy<string> ExecutablePath = new(Find);

    private readonly string server;
    private readonly List<Process> started = [];

    public KubectlRunner(Uri server)
        : this(server?.ToString() ?? throw new ArgumentNullException(nameof(server)))
    {
    }

    public KubectlRunner(string server)
    {
        ArgumentNullException.ThrowIfNull(server);
        this.server = server.TrimEnd('/');
        Dir = Directory.CreateTempSubdirectory("sakuralb-kubectl-").FullName;
    }

    /// <summary>The private directory (HOME, cache, files written with <see cref="WriteFile"/>); deleted on dispose.</summary>
    public string Dir { get; }

    /// <summary>kubectl on PATH; a clear <see cref="InvalidOperationException"/> when there is none.</summary>
    public static string Executable => ExecutablePath.Value;

    public Task<ProcessResult> RunAsync(params string[] args) => RunAsync(args, stdin: null);

    /// <summary>Runs kubectl to its end; at the deadline (60 s unless given) it is killed and a <see cref="TimeoutException"/> thrown.</summary>
    public Task<ProcessResult> RunAsync(string[] args, string? stdin = null, TimeSpan? timeout = null) =>
        ProcessRunner.RunAsync(StartInfo(args), timeout ?? DefaultTimeout, stdin);

    /// <summary>The output of a run that must succeed.</summary>
    public async Task<string> OkAsync(params string[] args) => (await RunAsync(args)).EnsureSuccess().Stdout;

    /// <summary>
    /// Polls (every 200 ms: each read is a kubectl process) until the Service has an EXTERNAL-IP, and returns it; a
    /// <see cref="TimeoutException"/> naming the Service at the deadline (60 s unless given).
    /// </summary>
    public Task<string> ExternalIpAsync(string service, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(
            () => OkAsync("get", "svc", service, "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}"),
            ip => ip.Length > 0,
            $"the EXTERNAL-IP of {service}",
            timeout ?? DefaultTimeout,
            TimeSpan.FromMilliseconds(200));

    /// <summary>Starts kubectl and leaves it running (for -w or a blocking delete); it is killed on dispose.</summary>
    public Process Start(params string[] args)
    {
        var process = ProcessRunner.Start(StartInfo(args));
        started.Add(process);
        return process;
    }

    /// <summary>Writes a file into <see cref="Dir"/> (a manifest for <c>-f</c>) and returns its path.</summary>
    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(Dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        foreach (var process in started)
        {
            ProcessRunner.Kill(process);
            process.Dispose();
        }

        Directory.Delete(Dir, recursive: true);
    }

    private ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(Executable);
        foreach (var arg in new[] { "--server", server, "--cache-dir", Path.Combine(Dir, "cache"), "--request-timeout", "30s" }.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["KUBECONFIG"] = Path.Combine(Dir, "no-kubeconfig");
        info.Environment["HOME"] = Dir;
        return info;
    }

    private static string Find()
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return dirs.Select(d => Path.Combine(d, "kubectl")).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                "kubectl was not found on PATH. These tests drive the real kubectl (1.32; the CI image has /usr/bin/kubectl). " +
                "Install a kubectl binary (not Debian's kubernetes-client package) and run again.");
    }
}
