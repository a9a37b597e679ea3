using System.Diagnostics;
using SakuraLb.Testing;

namespace SakuraLb.Infra.Tests.Support;

/// <summary>What one run of the compiler did.</summary>
internal sealed record BicepResult(IReadOnlyList<string> Arguments, int ExitCode, string StandardOutput, string StandardError)
{
    public string Describe() =>
        $"bicep {string.Join(' ', Arguments)} exited {ExitCode}\n--- stdout\n{StandardOutput}\n--- stderr\n{StandardError}";
}

/// <summary>
/// Runs the Bicep compiler that restore put into the NuGet packages folder (package Azure.Bicep.CommandLine.linux-x64),
/// so every machine compiles with the same version and nothing is downloaded at test time.
/// </summary>
internal static class BicepCli
{
    private const string PackageId = "azure.bicep.commandline.linux-x64";

    // Each run starts a 120 MB self-contained process; more than two at a time only thrash a small machine.
    private static readonly SemaphoreSlim Slots = new(2);
    private static readonly Lazy<string> Executable = new(Locate);

    public static TimeSpan Timeout { get; } = TimeSpan.FromMinutes(5);

    public static string Path => Executable.Value;

    public static async Task<BicepResult> RunAsync(
        string workingDirectory,
        IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        await Slots.WaitAsync();
        try
        {
            return await RunCoreAsync(workingDirectory, arguments, environment);
        }
        finally
        {
            Slots.Release();
        }
    }

    private static async Task<BicepResult> RunCoreAsync(
        string workingDirectory,
        IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(Path) { WorkingDirectory = workingDirectory };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The compiler needs no culture data; this keeps it independent of the machine's ICU.
        start.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var result = await ProcessRunner.RunAsync(start, Timeout);
        return new BicepResult(arguments, result.ExitCode, result.Stdout, result.Stderr);
    }

    private static string Locate()
    {
        var path = System.IO.Path.Combine(BuildMetadata.NuGetPackageRoot, PackageId, BuildMetadata.BicepCliVersion, "tools", "bicep");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The Bicep compiler is not at {path}. Restore tests/SakuraLb.Infra.Tests (its PackageDownload fetches it).", path);
        }

        // NuGet extracts without the execute bit on some machines.
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The restored Bicep compiler is the linux-x64 build.");
        }

        var mode = File.GetUnixFileMode(path);
        var executable = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        if ((mode & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(path, mode | executable);
        }

        return path;
    }
}
