using System.Text.Json;
using SakuraLb.Infra.Tests.Support;
using Xunit.Abstractions;

namespace SakuraLb.Infra.Tests;

/// <summary>
/// Every Bicep file compiles, is lint-clean and is formatted the way <c>bicep format</c> writes it. Lint warnings
/// count as failures (the rule levels are in infra/functions/bicepconfig.json); every diagnostic is printed.
/// </summary>
public sealed class BicepToolchainTests(ITestOutputHelper output)
{
    public static TheoryData<string> BicepFiles { get; } = [.. BicepRuns.BicepFiles];

    [Fact]
    public async Task Compiler_IsTheRestoredVersion()
    {
        var result = await BicepCli.RunAsync(BuildMetadata.InfraFunctionsDirectory, ["--version"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"Bicep CLI version {BuildMetadata.BicepCliVersion} ", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void BicepFiles_IncludeTheEntryPointAndEveryModule()
    {
        Assert.Contains("main.bicep", BicepRuns.BicepFiles);
        Assert.Contains(BicepRuns.BicepFiles, f => f.StartsWith("modules/", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task Lint_BicepFile_ReportsNothing(string file)
    {
        var diagnostics = await LintDiagnosticsAsync();

        var mine = diagnostics.Where(d => IsFile(d, file)).ToList();
        Assert.True(mine.Count == 0, "bicep lint:\n" + string.Join('\n', mine));
    }

    [Fact]
    public async Task Lint_ParametersExample_ReportsNothing()
    {
        var diagnostics = await LintDiagnosticsAsync();

        var mine = diagnostics.Where(d => d.File.EndsWith(".bicepparam", StringComparison.Ordinal)).ToList();
        Assert.True(mine.Count == 0, "bicep lint:\n" + string.Join('\n', mine));
    }

    [Fact]
    public async Task Lint_WholeFolder_FindsNoFileOutsideTheFolder()
    {
        var diagnostics = await LintDiagnosticsAsync();

        // Guards the per-file filters above: a diagnostic they cannot attribute would go unnoticed.
        Assert.All(diagnostics, d => Assert.StartsWith(BuildMetadata.InfraFunctionsDirectory, d.File, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task Build_BicepFile_ProducesAnArmTemplateWithoutDiagnostics(string file)
    {
        var build = await BicepRuns.BuildAllAsync();
        foreach (var diagnostic in build.Diagnostics)
        {
            output.WriteLine(diagnostic.ToString());
        }

        Assert.True(build.Result.ExitCode == 0, build.Result.Describe());
        Assert.DoesNotContain(build.Diagnostics, d => IsFile(d, file));
        using var template = JsonDocument.Parse(await File.ReadAllTextAsync(build.TemplatePath(file)));
        Assert.Contains("deploymentTemplate.json", template.RootElement.GetProperty("$schema").GetString(), StringComparison.Ordinal);
        Assert.True(template.RootElement.TryGetProperty("resources", out _), $"{file} compiled to a template without resources.");
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task Format_BicepFile_IsAlreadyFormatted(string file)
    {
        var format = await BicepRuns.FormatAllAsync();
        Assert.True(format.Result.ExitCode == 0, format.Result.Describe());

        var committed = await File.ReadAllTextAsync(Path.Combine(BuildMetadata.InfraFunctionsDirectory, file));
        var formatted = await File.ReadAllTextAsync(Path.Combine(format.Directory, file));
        Assert.True(
            committed == formatted,
            $"{file} differs from `bicep format` output; run `bicep format {file}` in infra/functions.\n--- formatted\n{formatted}");
    }

    private async Task<IReadOnlyList<BicepDiagnostic>> LintDiagnosticsAsync()
    {
        var lint = await BicepRuns.LintAsync();
        var diagnostics = Sarif.Parse(lint.StandardOutput);
        output.WriteLine($"bicep lint over infra/functions: exit {lint.ExitCode}, {diagnostics.Count} diagnostic(s)");
        foreach (var diagnostic in diagnostics)
        {
            output.WriteLine(diagnostic.ToString());
        }

        if (!string.IsNullOrWhiteSpace(lint.StandardError))
        {
            output.WriteLine(lint.StandardError);
        }

        Assert.True(lint.ExitCode == 0 || diagnostics.Count > 0, lint.Describe());
        return diagnostics;
    }

    private static bool IsFile(BicepDiagnostic diagnostic, string file) =>
        string.Equals(diagnostic.File, Path.Combine(BuildMetadata.InfraFunctionsDirectory, file), StringComparison.Ordinal);
}
