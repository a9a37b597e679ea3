using System.Globalization;
using System.Text.RegularExpressions;
using SakuraLb.EndToEnd.Tests.Support;
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

    /// <summary>From the heading to the next heading of the same level.</summary>
    private static string Section(string markdown, string heading)
    {
        var start = markdown.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs have a section \"{heading}\"");
        var level = heading[..(heading.IndexOf(' ', StringComparison.Ordinal) + 1)];
        var end = markdown.IndexOf("\n" + level, start + heading.Length + 1, StringComparison.Ordinal);
        return end < 0 ? markdown[start..] : markdown[start..end];
    }

    [GeneratedRegex(@"```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex FirstCodeBlock();

    /// <summary>An option line of the usage text: indented, starting with the option.</summary>
    [GeneratedRegex(@"(?m)^\s+(--[a-z][a-z-]+)")]
    private static partial Regex OptionLine();
}
