using System.Collections.Concurrent;

namespace SakuraLb.Infra.Tests.Support;

/// <summary>
/// The compiler runs the tests share. Each starts a large process, so every command runs once per test run over
/// all files (<c>--pattern</c>), and the tests read their file's part of the result.
/// </summary>
internal static class BicepRuns
{
    public const string SubscriptionId = "00000000-0000-0000-0000-0000000000aa";
    public const string ResourceGroup = "rg-sakuralb-test";
    public const string Location = "japaneast";

    private static readonly Lazy<string> TempRoot = new(CreateTempRoot);
    private static readonly Lazy<Task<BicepResult>> LintRun = new(() =>
        BicepCli.RunAsync(BuildMetadata.InfraFunctionsDirectory, ["lint", "--pattern", "**/*.bicep*", "--diagnostics-format", "sarif"]));

    private static readonly Lazy<Task<BuildOutput>> BuildRun = new(BuildAsync);
    private static readonly Lazy<Task<FormatOutput>> FormatRun = new(FormatAsync);
    private static readonly ConcurrentDictionary<string, Lazy<Task<SnapshotOutput>>> SnapshotRuns = new(StringComparer.Ordinal);

    /// <summary>Every .bicep file under infra/functions, relative to that folder with '/' separators.</summary>
    public static IReadOnlyList<string> BicepFiles { get; } =
        [.. Directory.EnumerateFiles(BuildMetadata.InfraFunctionsDirectory, "*.bicep", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(BuildMetadata.InfraFunctionsDirectory, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];

    public static Task<BicepResult> LintAsync() => LintRun.Value;

    public static Task<BuildOutput> BuildAllAsync() => BuildRun.Value;

    public static Task<FormatOutput> FormatAllAsync() => FormatRun.Value;

    /// <summary>
    /// Evaluates a parameters file the way a deployment would (<c>bicep snapshot</c>): modules expanded, parameters
    /// and names resolved, runtime values left as expressions.
    /// </summary>
    public static Task<SnapshotOutput> SnapshotAsync(DeploymentCase deployment) =>
        SnapshotRuns.GetOrAdd(deployment.Name, _ => new Lazy<Task<SnapshotOutput>>(() => RunSnapshotAsync(deployment))).Value;

    private static async Task<BuildOutput> BuildAsync()
    {
        var outDir = Path.Combine(TempRoot.Value, "build");
        var result = await BicepCli.RunAsync(
            BuildMetadata.InfraFunctionsDirectory,
            ["build", "--pattern", "**/*.bicep", "--outdir", outDir, "--diagnostics-format", "sarif"]);
        return new BuildOutput(result, outDir);
    }

    private static async Task<FormatOutput> FormatAsync()
    {
        // The formatter rewrites in place (it cannot combine --pattern with --outdir): work on a copy.
        var copy = CopyInfra("format");
        var result = await BicepCli.RunAsync(copy, ["format", "--pattern", "**/*.bicep"]);
        return new FormatOutput(result, copy);
    }

    private static async Task<SnapshotOutput> RunSnapshotAsync(DeploymentCase deployment)
    {
        var copy = CopyInfra("snapshot-" + deployment.Name);
        var parametersFile = deployment.ParametersFile;
        if (deployment.ParametersText is not null)
        {
            parametersFile = deployment.Name + ".bicepparam";
            await File.WriteAllTextAsync(Path.Combine(copy, parametersFile), deployment.ParametersText);
        }

        var result = await BicepCli.RunAsync(
            copy,
            [
                "snapshot", parametersFile, "--mode", "overwrite",
                "--subscription-id", SubscriptionId, "--resource-group", ResourceGroup, "--location", Location,
            ],
            deployment.Environment);
        var snapshotPath = Path.Combine(copy, Path.ChangeExtension(parametersFile, ".snapshot.json"));
        return new SnapshotOutput(result, File.Exists(snapshotPath) ? DeploymentSnapshot.Load(snapshotPath) : null);
    }

    private static string CopyInfra(string name)
    {
        var target = Path.Combine(TempRoot.Value, name);
        foreach (var file in Directory.EnumerateFiles(BuildMetadata.InfraFunctionsDirectory, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(BuildMetadata.InfraFunctionsDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }

    private static string CreateTempRoot()
    {
        // Under the test output folder (ignored by Git, removed by dotnet clean). The test host does not always run
        // exit handlers, so runs older than an hour are removed here as well.
        var parent = Path.Combine(AppContext.BaseDirectory, "bicep-work");
        if (Directory.Exists(parent))
        {
            foreach (var stale in new DirectoryInfo(parent).EnumerateDirectories().Where(d => d.CreationTimeUtc < DateTime.UtcNow.AddHours(-1)))
            {
                TryDelete(stale.FullName);
            }
        }

        var root = Path.Combine(parent, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(root);
        return root;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover work folder is harmless; failing the run over it would not be.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}

internal sealed record BuildOutput(BicepResult Result, string OutputDirectory)
{
    public IReadOnlyList<BicepDiagnostic> Diagnostics { get; } =
        [.. Sarif.Parse(Result.StandardOutput), .. Sarif.Parse(Result.StandardError)];

    public string TemplatePath(string bicepFile) => Path.Combine(OutputDirectory, Path.ChangeExtension(bicepFile, ".json"));
}

internal sealed record FormatOutput(BicepResult Result, string Directory);

internal sealed record SnapshotOutput(BicepResult Result, DeploymentSnapshot? Snapshot);

/// <summary>A parameters file to snapshot: the committed example, or text the test writes next to main.bicep.</summary>
internal sealed record DeploymentCase(
    string Name,
    string ParametersFile,
    string? ParametersText,
    IReadOnlyDictionary<string, string> Environment)
{
    public override string ToString() => Name;
}
