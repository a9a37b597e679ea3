
namespace SakuraLb.Relay.Options;

/// <summary>
/// Reads a mounted Kubernetes Secret (one file per key) into the <c>Relay</c> configuration section:
/// file <c>hmacSecret</c> becomes <c>Relay:hmacSecret</c>. Read once at start-up; a rotated Secret takes
/// effect on the next rollout (docs/operations.md).
/// </summary>
public static class SecretDirectory
{
    /// <summary>Configuration key naming the directory; the Deployment mounts the Secret there.</summary>
    public const string DirectoryKey = "Relay:SecretDirectory";

    public const string DefaultDirectory = "/etc/sakuralb";

    /// <summary>The Secret keys the relay reads; the manifests' Secret template holds exactly these.</summary>
    public static readonly IReadOnlyList<string> Keys = ["functionUrl", "functionKey", "hmacSecret", "clusterId"];

    /// <summary>Adds the directory's files as configuration when the directory exists (a missing directory adds nothing).</summary>
    public static IConfigurationBuilder AddRelaySecretDirectory(this IConfigurationBuilder builder, string? directory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddInMemoryCollection(Read(directory ?? DefaultDirectory));
    }

    /// <summary>
    /// The files of the directory as <c>Relay:&lt;file name&gt;</c> pairs. Kubernetes mounts a Secret as
    /// symlinks into a hidden <c>..data</c> folder; hidden entries are skipped, and trailing newlines
    /// (left by editors and <c>echo</c>) are trimmed because no value legitimately ends with one.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> Read(string directory)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (!Directory.Exists(directory))
        {
            return values;
        }

        foreach (var path in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (name.StartsWith('.'))
            {
                continue;
            }

            values[$"{RelayOptions.SectionName}:{name}"] = File.ReadAllText(path).TrimEnd('\r', '\n');
        }

        return values;
    }
}
