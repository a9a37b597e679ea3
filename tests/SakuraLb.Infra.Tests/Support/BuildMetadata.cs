using System.Reflection;

namespace SakuraLb.Infra.Tests.Support;

/// <summary>Values MSBuild wrote into this assembly (see the csproj): where things are on the build machine.</summary>
internal static class BuildMetadata
{
    public static string RepositoryRoot => Get("RepositoryRoot");

    public static string NuGetPackageRoot => Get("NuGetPackageRoot");

    public static string BicepCliVersion => Get("BicepCliVersion");

    public static string InfraFunctionsDirectory => Path.Combine(RepositoryRoot, "infra", "functions");

    private static string Get(string key) =>
        typeof(BuildMetadata).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == key)?.Value is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"The build did not record '{key}' (see SakuraLb.Infra.Tests.csproj).");
}
