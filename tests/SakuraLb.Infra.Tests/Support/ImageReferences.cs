using System.Text.RegularExpressions;

namespace SakuraLb.Infra.Tests.Support;

/// <summary>
/// The container image references of the repository's Dockerfiles and Kubernetes manifests, and the rule they
/// follow: every image is named by digest (<c>name[:tag]@sha256:&lt;64 hex&gt;</c>), never by a tag alone, which
/// a registry can move to another image.
/// </summary>
public static partial class ImageReferences
{
    /// <summary>True when <paramref name="reference"/> names one image by its digest (a tag may stand beside it).</summary>
    public static bool IsPinned(string reference) => PinnedReference().IsMatch(reference);

    /// <summary>
    /// Each FROM line of a Dockerfile with the image it pulls, ARG defaults substituted (<c>FROM ${X}</c>); a
    /// FROM naming an earlier stage pulls nothing and is left out. An ARG without a default gives "${X}", which is
    /// not pinned.
    /// </summary>
    public static IReadOnlyList<(int Line, string Image)> DockerfileBaseImages(string dockerfile)
    {
        ArgumentNullException.ThrowIfNull(dockerfile);
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        var stages = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var images = new List<(int, string)>();
        var lines = dockerfile.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (ArgLine().Match(line) is { Success: true } arg)
            {
                args[arg.Groups["name"].Value] = arg.Groups["value"].Value.Trim('"');
                continue;
            }

            if (FromLine().Match(line) is not { Success: true } from)
            {
                continue;
            }

            var image = ArgUse().Replace(from.Groups["image"].Value, m => args.TryGetValue(m.Groups["name"].Value, out var v) && v.Length > 0 ? v : m.Value);
            if (!stages.Contains(image))
            {
                images.Add((i + 1, image));
            }

            if (from.Groups["stage"].Success)
            {
                stages.Add(from.Groups["stage"].Value);
            }
        }

        return images;
    }

    /// <summary>The <c>image:</c> values of a Kubernetes manifest (containers and init containers alike).</summary>
    public static IReadOnlyList<string> ManifestImages(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        return [.. ImageField().Matches(yaml).Select(m => m.Groups["image"].Value.Trim('"', '\''))];
    }

    /// <summary>The <c>images:</c> entries of a kustomization: the name manifests use and the reference it becomes.</summary>
    public static IReadOnlyList<(string Name, string Reference)> KustomizeImages(string kustomization)
    {
        ArgumentNullException.ThrowIfNull(kustomization);
        var entries = new List<(string, string)>();
        var inImages = false;
        Dictionary<string, string>? entry = null;
        foreach (var raw in kustomization.Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            if (!char.IsWhiteSpace(line[0]) && line[0] != '-')
            {
                Flush();
                inImages = line.StartsWith("images:", StringComparison.Ordinal);
                continue;
            }

            if (!inImages)
            {
                continue;
            }

            var text = line.Trim();
            if (text.StartsWith("- ", StringComparison.Ordinal))
            {
                Flush();
                entry = new Dictionary<string, string>(StringComparer.Ordinal);
                text = text[2..].Trim();
            }

            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (entry is not null && colon > 0)
            {
                entry[text[..colon].Trim()] = text[(colon + 1)..].Trim().Trim('"', '\'');
            }
        }

        Flush();
        return entries;

        void Flush()
        {
            if (entry is not null && entry.TryGetValue("name", out var name))
            {
                var reference = entry.GetValueOrDefault("newName", name)
                    + (entry.TryGetValue("newTag", out var tag) ? ":" + tag : "")
                    + (entry.TryGetValue("digest", out var digest) ? "@" + digest : "");
                entries.Add((name, reference));
            }

            entry = null;
        }
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._/:-]*(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?@sha256:[0-9a-f]{64}$")]
    private static partial Regex PinnedReference();

    [GeneratedRegex(@"^ARG\s+(?<name>[A-Za-z_][A-Za-z0-9_]*)(=(?<value>\S*))?", RegexOptions.IgnoreCase)]
    private static partial Regex ArgLine();

    [GeneratedRegex(@"^FROM\s+(--platform=\S+\s+)?(?<image>\S+)(\s+AS\s+(?<stage>\S+))?", RegexOptions.IgnoreCase)]
    private static partial Regex FromLine();

    [GeneratedRegex(@"\$\{?(?<name>[A-Za-z_][A-Za-z0-9_]*)\}?")]
    private static partial Regex ArgUse();

    [GeneratedRegex(@"^\s*(-\s+)?image:\s*(?<image>\S+)", RegexOptions.Multiline)]
    private static partial Regex ImageField();
}
