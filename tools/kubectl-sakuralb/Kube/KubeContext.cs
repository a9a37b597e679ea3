using k8s.Exceptions;
using k8s.KubeConfigModels;

namespace SakuraLb.Kubectl.Kube;

/// <summary>
/// The cluster connection, found the way kubectl finds it: <c>--kubeconfig</c>, else every file of
/// <c>$KUBECONFIG</c> (merged, first wins), else <c>~/.kube/config</c>; <c>--context</c> picks the context, else the
/// current one; <c>--namespace</c>, else the context's namespace, else <c>default</c>.
/// </summary>
internal sealed record KubeContext(IKubernetes Client, string Namespace)
{
    public static KubeContext Open(CommandLine line, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(environment);
        var files = Files(line.Value("kubeconfig"), environment);
        if (files.Count == 0)
        {
            throw PluginException.Failed("no kubeconfig found: pass --kubeconfig, set KUBECONFIG, or create ~/.kube/config");
        }

        try
        {
            var merged = Merge(files.Select(f => KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(f))).ToList());
            var config = KubernetesClientConfiguration.BuildConfigFromConfigObject(merged, line.Value("context"));
            var ns = line.Value("namespace") is { Length: > 0 } given ? given : string.IsNullOrEmpty(config.Namespace) ? "default" : config.Namespace;
            return new KubeContext(new Kubernetes(config), ns);
        }
        catch (Exception ex) when (ex is KubeConfigException or IOException or InvalidOperationException or ArgumentException)
        {
            throw PluginException.Failed($"cannot use the kubeconfig ({string.Join(", ", files)}): {ex.Message}");
        }
    }

    /// <summary>kubectl's merge of several kubeconfig files: the first file that sets a value, or names an entry, wins.</summary>
    private static K8SConfiguration Merge(List<K8SConfiguration> configs)
    {
        var first = configs[0];
        first.CurrentContext = configs.Select(c => c.CurrentContext).FirstOrDefault(c => !string.IsNullOrEmpty(c));
        first.Clusters = [.. configs.SelectMany(c => c.Clusters ?? []).DistinctBy(c => c.Name)];
        first.Users = [.. configs.SelectMany(c => c.Users ?? []).DistinctBy(u => u.Name)];
        first.Contexts = [.. configs.SelectMany(c => c.Contexts ?? []).DistinctBy(c => c.Name)];
        return first;
    }

    private static List<string> Files(string? flag, Func<string, string?> environment)
    {
        if (!string.IsNullOrEmpty(flag))
        {
            return File.Exists(flag) ? [flag] : throw PluginException.Failed($"the kubeconfig {flag} does not exist");
        }

        if (environment("KUBECONFIG") is { Length: > 0 } list)
        {
            return [.. list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Where(File.Exists)];
        }

        var home = environment("HOME") ?? environment("USERPROFILE") ?? "";
        var fallback = Path.Combine(home, ".kube", "config");
        return File.Exists(fallback) ? [fallback] : [];
    }
}
