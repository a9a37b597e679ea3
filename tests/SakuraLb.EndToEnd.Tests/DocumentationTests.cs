using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SakuraLb.Functions.Options;
using SakuraLb.Sakura;
using SakuraLb.Testing;
using Sandbox;

namespace SakuraLb.EndToEnd.Tests;

/// <summary>The README's first commands and the sandbox's documentation stay true to the program.</summary>
public sealed partial class DocumentationTests
{
    [Fact]
    public void Readme_FirstCommands_RunTheSandboxAndTheTestsCiRuns()
    {
        var readme = Repository.Read("README.md");
        var block = FirstCodeBlock().Match(readme);
        Assert.True(block.Success, "README.md starts with a bash block");
        var commands = block.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('#')[0].Trim()).ToArray();

        Assert.Equal(["dotnet run --project tests/Sandbox", "dotnet test Functions.sln"], commands);
        Assert.True(File.Exists(Repository.Path("tests/Sandbox/Sandbox.csproj")));
        Assert.Contains("dotnet test Functions.sln", Repository.Read(".ci/run"), StringComparison.Ordinal);
    }

    [Fact]
    public void Operations_RunningLocally_DocumentsEverySandboxOption()
    {
        var section = Section(Repository.Read("docs/operations.md"), "## Running locally");
        var options = OptionLine().Matches(SandboxOptions.Usage).Select(m => m.Groups[1].Value).ToArray();
        Assert.NotEmpty(options);

        Assert.All(options, option => Assert.Contains("`" + option, section, StringComparison.Ordinal));
    }

    [Fact]
    public void Docs_DefaultAddresses_AreTheSandboxDefaults()
    {
        var kube = "http://127.0.0.1:" + SandboxOptions.DefaultKubePort.ToString(CultureInfo.InvariantCulture);
        var sakura = "http://127.0.0.1:" + SandboxOptions.DefaultSakuraPort.ToString(CultureInfo.InvariantCulture);
        var section = Section(Repository.Read("docs/operations.md"), "## Running locally");

        foreach (var text in new[] { Repository.Read("README.md"), section })
        {
            Assert.Contains($"kubectl --server {kube} create service loadbalancer web --tcp=80:8080", text, StringComparison.Ordinal);
            Assert.Contains($"curl -s {sakura}/_sim/state", text, StringComparison.Ordinal);
        }

        Assert.Contains("| `--sakura-time-scale X` | `" + SandboxOptions.DefaultSakuraTimeScale.ToString(CultureInfo.InvariantCulture) + "` |", section, StringComparison.Ordinal);
    }

    [Fact]
    public void Operations_NodePreparation_HasTheSeedsSettings()
    {
        var section = Section(Repository.Read("docs/operations.md"), "## Preparing the nodes");

        Assert.Contains("net.ipv4.conf.all.arp_ignore = 1", section, StringComparison.Ordinal);
        Assert.Contains("net.ipv4.conf.all.arp_announce = 2", section, StringComparison.Ordinal);
        Assert.Contains("--cloud-provider=external", section, StringComparison.Ordinal);
        Assert.Contains("name of its Sakura server", section, StringComparison.Ordinal);
    }

    [Fact]
    public void Operations_FunctionAppSettings_ListEveryOptionWithItsDefault()
    {
        var documented = SettingsTable(Section(Repository.Read("docs/operations.md"), "### Function app settings"));
        var options = OptionSettings().ToDictionary(o => o.Key, o => o.Default, StringComparer.Ordinal);
        var example = JsonNode.Parse(Repository.Read("functions/local.settings.json.example"))!["Values"]!.AsObject();
        string[] hostSettings = ["ResyncSchedule", "NodeLifecycleSchedule", "HealthSchedule", "DurableTaskHubName", "OTEL_EXPORTER_OTLP_ENDPOINT"];

        Assert.Empty(options.Keys.Concat(hostSettings).Except(documented.Keys, StringComparer.Ordinal));
        Assert.Empty(documented.Keys.Except(options.Keys.Concat(hostSettings), StringComparer.Ordinal));
        Assert.All(options.Where(o => o.Value is not null), o => Assert.Equal($"`{o.Value}`", documented[o.Key]));
        Assert.All(hostSettings.Where(h => example[h]?.GetValue<string>() is { Length: > 0 }), h => Assert.Equal($"`{example[h]}`", documented[h]));
    }

    [Fact]
    public void Docs_RelativeLinks_PointToAFileAndHeadingThatExist()
    {
        var pages = new[] { "README.md", "infra/functions/README.md", "relay/README.md" }
            .Concat(Directory.EnumerateFiles(Repository.Path("docs"), "*.md").Select(f => "docs/" + System.IO.Path.GetFileName(f)))
            .Where(p => File.Exists(Repository.Path(p)))
            .ToArray();
        Assert.Contains("docs/operations.md", pages);

        var broken = new List<string>();
        foreach (var page in pages)
        {
            foreach (Match link in MarkdownLink().Matches(Repository.Read(page)))
            {
                var target = link.Groups[1].Value;
                if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }

                var (file, anchor) = target.IndexOf('#', StringComparison.Ordinal) is var hash and >= 0 ? (target[..hash], target[(hash + 1)..]) : (target, "");
                var path = file.Length == 0 ? Repository.Path(page) : System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Repository.Path(page))!, file));
                if (!File.Exists(path) && !Directory.Exists(path))
                {
                    broken.Add($"{page}: {target} (no such file)");
                }
                else if (anchor.Length > 0 && path.EndsWith(".md", StringComparison.Ordinal)
                    && !Heading().Matches(File.ReadAllText(path)).Select(h => Slug(h.Groups[1].Value)).Contains(anchor))
                {
                    broken.Add($"{page}: {target} (no such heading)");
                }
            }
        }

        Assert.Empty(broken);
    }

    /// <summary>GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens.</summary>
    private static string Slug(string heading) =>
        new string([.. heading.Trim().ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is '-' or '_' or ' ')]).Replace(' ', '-');

    /// <summary>Setting (first name in the first cell) → the default cell, from a markdown table of settings.</summary>
    private static Dictionary<string, string> SettingsTable(string section) =>
        SettingsRow().Matches(section).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim(), StringComparer.Ordinal);

    /// <summary>
    /// Every setting the options classes bind, in app-setting spelling, with its default as written in the docs
    /// (null where the default is not a value: required, unset, or a list).
    /// </summary>
    private static IEnumerable<(string Key, string? Default)> OptionSettings()
    {
        (string Section, object Options)[] sections =
        [
            (ControllerOptions.SectionName, new ControllerOptions()),
            (IngestOptions.SectionName, new IngestOptions()),
            (ReconcileOptions.SectionName, new ReconcileOptions()),
            (StorageOptions.SectionName, new StorageOptions()),
            (SakuraClientOptions.SectionName, new SakuraClientOptions()),
            (NodeOptions.SectionName, new NodeOptions()),
            (HealthOptions.SectionName, new HealthOptions()),
        ];
        return sections.SelectMany(s => Properties(s.Section + "__", s.Options));

        static IEnumerable<(string Key, string? Default)> Properties(string prefix, object options)
        {
            foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.GetIndexParameters().Length == 0))
            {
                var value = property.GetValue(options);
                var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(TimeSpan) || type == typeof(DateTimeOffset))
                {
                    yield return (prefix + property.Name, value switch
                    {
                        null or "" => null,
                        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
                        bool b => b ? "true" : "false",
                        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                        _ => value.ToString(),
                    });
                }
                else if (typeof(System.Collections.IEnumerable).IsAssignableFrom(type))
                {
                    yield return (prefix + property.Name + "__0", null);
                }
                else
                {
                    foreach (var nested in Properties(prefix + property.Name + "__", value!))
                    {
                        yield return nested;
                    }
                }
            }
        }
    }

    /// <summary>From the heading to the next heading of the same level.</summary>
    private static string Section(string markdown, string heading)
    {
        var start = markdown.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs have a section \"{heading}\"");
        var level = heading[..(heading.IndexOf(' ', StringComparison.Ordinal) + 1)];
        var end = markdown.IndexOf("\n" + level, start + heading.Length + 1, StringComparison.Ordinal);
        return end < 0 ? markdown[start..] : markdown[start..end];
    }

    /// <summary>A settings table row: the first backticked name of the first cell, and the second cell.</summary>
    [GeneratedRegex(@"(?m)^\| `([^`]+)`[^|]*\| ([^|]+)\|")]
    private static partial Regex SettingsRow();

    /// <summary>An inline markdown link's target.</summary>
    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"(?m)^#{1,6} (.+)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex FirstCodeBlock();

    /// <summary>An option line of the usage text: indented, starting with the option.</summary>
    [GeneratedRegex(@"(?m)^\s+(--[a-z][a-z-]+)")]
    private static partial Regex OptionLine();
}
