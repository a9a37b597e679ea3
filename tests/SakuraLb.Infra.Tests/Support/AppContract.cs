using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SakuraLb.Testing;

namespace SakuraLb.Infra.Tests.Support;

/// <summary>
/// What the function app's code says about its settings, read from the repository's source: the <c>%Name%</c>
/// binding expressions (host.json, trigger attributes), the options sections and their properties, and the keys
/// of functions/local.settings.json.example. The template is checked against these, so a renamed setting
/// fails a test instead of a deployment.
/// </summary>
internal static partial class AppContract
{
    private static string FunctionsDirectory => Repository.Path("functions");

    public static string LocalSettingsExamplePath => Path.Combine(FunctionsDirectory, "local.settings.json.example");

    /// <summary>Setting name → the files whose bindings read it (the host fails to start when one is missing).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> BindingExpressions()
    {
        var sources = new[] { Repository.Path("host.json") }
            .Concat(SourceFiles(FunctionsDirectory));
        var found = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var file in sources)
        {
            foreach (Match literal in StringLiteralPattern().Matches(File.ReadAllText(file)))
            {
                foreach (Match expression in BindingExpressionPattern().Matches(literal.Value))
                {
                    var name = expression.Groups[1].Value;
                    if (!found.TryGetValue(name, out var files))
                    {
                        found[name] = files = [];
                    }

                    files.Add(Path.GetRelativePath(Repository.Root, file));
                }
            }
        }

        return found.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.Ordinal);
    }

    /// <summary>The keys under <c>Values</c> in functions/local.settings.json.example.</summary>
    public static IReadOnlySet<string> LocalSettingsExampleKeys()
    {
        var root = JsonNode.Parse(File.ReadAllText(LocalSettingsExamplePath))!;
        return root["Values"]!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Options section name → names of the settable properties of the type that declares
    /// <c>const string SectionName = "..."</c> (functions/ and shared/).
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> OptionsSections()
    {
        var sections = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        var roots = new[] { FunctionsDirectory, Repository.Path("shared") };
        foreach (var file in roots.SelectMany(SourceFiles).Where(f => f.EndsWith(".cs", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            foreach (Match section in SectionNamePattern().Matches(text))
            {
                var declaration = TypeDeclarationPattern().Matches(text[..section.Index]).LastOrDefault();
                var start = declaration?.Index ?? 0;
                var next = TypeDeclarationPattern().Match(text, section.Index);
                var body = text[start..(next.Success ? next.Index : text.Length)];
                sections[section.Groups[1].Value] = SettablePropertyPattern().Matches(body)
                    .Select(m => m.Groups[1].Value)
                    .ToHashSet(StringComparer.Ordinal);
            }
        }

        return sections;
    }

    /// <summary>Array entries (<c>X__0</c>, <c>X__1</c>) stand for one setting: <c>X__0</c>.</summary>
    public static string Normalize(string settingName) => ArrayIndexPattern().Replace(settingName, "__0");

    private static IEnumerable<string> SourceFiles(string root) =>
        Directory.EnumerateFiles(root, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    [GeneratedRegex("\"[^\"\\n]*\"")]
    private static partial Regex StringLiteralPattern();

    [GeneratedRegex("%([A-Za-z_][A-Za-z0-9_]*)%")]
    private static partial Regex BindingExpressionPattern();

    [GeneratedRegex("const\\s+string\\s+SectionName\\s*=\\s*\"([A-Za-z0-9_]+)\"")]
    private static partial Regex SectionNamePattern();

    [GeneratedRegex("\\b(?:public|internal)\\s+(?:(?:sealed|static|abstract|partial)\\s+)*(?:class|record)\\s+[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex TypeDeclarationPattern();

    [GeneratedRegex("public\\s+[A-Za-z0-9_<>,.?\\[\\] ]+?\\s+([A-Za-z_][A-Za-z0-9_]*)\\s*\\{\\s*get;\\s*(?:set|init);")]
    private static partial Regex SettablePropertyPattern();

    [GeneratedRegex("__\\d+(?=__|$)")]
    private static partial Regex ArrayIndexPattern();
}
