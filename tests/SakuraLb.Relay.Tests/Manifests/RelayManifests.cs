namespace SakuraLb.Relay.Tests.Manifests;

/// <summary>Every manifest in infra/relay, parsed into typed Kubernetes objects.</summary>
public static class RelayManifests
{
    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlyList<object>>> Files = new(Load);

    public static IReadOnlyDictionary<string, IReadOnlyList<object>> ByFile => Files.Value;

    public static IEnumerable<object> All => ByFile.Values.SelectMany(o => o);

    public static T Single<T>() => All.OfType<T>().Single();

    public static IEnumerable<T> OfType<T>() => All.OfType<T>();

    /// <summary>The rules the relay's service account gets: the ClusterRole (cluster-wide) and the Roles (its namespace).</summary>
    public static IReadOnlyList<(V1PolicyRule Rule, string? Namespace)> Rules()
    {
        var clusterRole = Single<V1ClusterRole>();
        return clusterRole.Rules.Select(r => (r, (string?)null))
            .Concat(OfType<V1Role>().SelectMany(role => role.Rules.Select(r => (r, (string?)role.Metadata.NamespaceProperty))))
            .ToArray();
    }

    /// <summary>The Role of this name.</summary>
    public static V1Role Role(string name) => OfType<V1Role>().Single(r => r.Metadata.Name == name);

    private static Dictionary<string, IReadOnlyList<object>> Load()
    {
        var result = new Dictionary<string, IReadOnlyList<object>>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(Repository.Path("infra", "relay"), "*.yaml").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (name == "kustomization.yaml")
            {
                continue;
            }

            result[name] = KubernetesYaml.LoadAllFromString(File.ReadAllText(path));
        }

        return result;
    }
}
