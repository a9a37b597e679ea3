using System.Diagnostics;

namespace SakuraLb.Testing;

/// <summary>
/// The machine's real kubectl as the host of a kubectl plugin: a private directory holding an executable
/// <c>kubectl-&lt;name&gt;</c> (a wrapper that runs the plugin's assembly with <c>dotnet</c>) first on PATH, a
/// kubeconfig of the test's API server in KUBECONFIG, and a private HOME. kubectl finds plugins only by name on PATH
/// and refuses flags before the plugin's name, so the plugin reads its cluster from the kubeconfig, as it would for a user.
/// </summary>
public sealed class KubectlPluginHost : IDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(90);

    /// <param name="pluginName">The plugin's name as kubectl takes it ("sakuralb" for <c>kubectl sakuralb</c>).</param>
    /// <param name="pluginAssembly">The plugin's built assembly (its .dll).</param>
    /// <param name="kubeconfigYaml">A kubeconfig for the API server the plugin and kubectl talk to.</param>
    public KubectlPluginHost(string pluginName, string pluginAssembly, string kubeconfigYaml)
    {
        ArgumentNullException.ThrowIfNull(pluginName);
        ArgumentNullException.ThrowIfNull(pluginAssembly);
        ArgumentNullException.ThrowIfNull(kubeconfigYaml);
        Dir = Directory.CreateTempSubdirectory("sakuralb-plugin-").FullName;
        BinDir = Directory.CreateDirectory(Path.Combine(Dir, "bin")).FullName;
        Kubeconfig = Path.Combine(Dir, "kubeconfig");
        File.WriteAllText(Kubeconfig, kubeconfigYaml);
        var wrapper = Path.Combine(BinDir, "kubectl-" + pluginName);
        File.WriteAllText(wrapper, $"#!/bin/sh\nexec dotnet \"{pluginAssembly}\" \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>The private directory (HOME, the kubeconfig, the plugin directory); deleted on dispose.</summary>
    public string Dir { get; }

    /// <summary>The directory put first on PATH, holding the plugin's executable.</summary>
    public string BinDir { get; }

    public string Kubeconfig { get; }

    /// <summary>Runs <c>kubectl &lt;args&gt;</c> (e.g. "sakuralb", "status", "-A") to its end, with extra environment variables if given.</summary>
    public Task<ProcessResult> RunAsync(string[] args, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var info = new ProcessStartInfo(KubectlRunner.Executable);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["KUBECONFIG"] = Kubeconfig;
        info.Environment["HOME"] = Dir;
        info.Environment["PATH"] = BinDir + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return ProcessRunner.RunAsync(info, timeout ?? DefaultTimeout);
    }

    public Task<ProcessResult> RunAsync(params string[] args) => RunAsync(args, null, null);

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
