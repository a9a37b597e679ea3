using SakuraLb.Kubectl.Cli;
using SakuraLb.Kubectl.Commands;

namespace SakuraLb.Kubectl.Tests;

public sealed class CommandLineTests
{
    private static CommandLine Parse(params string[] args) =>
        CommandLine.Parse(args, name => name switch { "status" => StatusCommand.Flags, "resync" => ResyncCommand.Flags, _ => null });

    [Theory]
    [InlineData(new[] { "status", "-A" }, "status", "", true, null)]
    [InlineData(new[] { "-n", "shop", "status", "web" }, "status", "web", false, "shop")]
    [InlineData(new[] { "status", "--namespace=shop", "web", "-o", "json" }, "status", "web", false, "shop")]
    [InlineData(new[] { "status", "-nshop", "--context", "prod" }, "status", "", false, "shop")]
    public void Parse_KubectlStyleFlags(string[] args, string command, string positional, bool all, string? ns)
    {
        var line = Parse(args);

        Assert.Equal((command, positional, all, ns), (line.Command, string.Join(" ", line.Positional), line.Has("all-namespaces"), line.Value("namespace")));
    }

    [Theory]
    [InlineData(new[] { "bogus" }, "unknown command \"bogus\"")]
    [InlineData(new[] { "status", "--bogus" }, "unknown flag: --bogus")]
    [InlineData(new[] { "status", "-n" }, "flag --namespace needs a value")]
    [InlineData(new[] { "status", "-A=yes" }, "flag --all-namespaces takes no value")]
    [InlineData(new[] { "resync", "-A" }, "unknown shorthand flag: 'A'")]
    public void Parse_Mistakes_AreUsageErrors(string[] args, string message)
    {
        var error = Assert.Throws<PluginException>(() => Parse(args));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("2m", 120)]
    [InlineData("1h", 3600)]
    [InlineData("45", 45)]
    [InlineData("0.5s", 0.5)]
    public void Duration_ReadsKubectlDurations(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), ResyncCommand.Duration(text));

    [Theory]
    [InlineData("")]
    [InlineData("-1s")]
    [InlineData("10x")]
    [InlineData("soon")]
    public void Duration_Nonsense_IsAUsageError(string text) =>
        Assert.Equal(ExitCodes.Usage, Assert.Throws<PluginException>(() => ResyncCommand.Duration(text)).ExitCode);
}
