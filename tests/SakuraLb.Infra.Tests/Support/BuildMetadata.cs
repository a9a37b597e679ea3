using System.Reflection;
using SakuraLb.Testing;

namespace SakuraLb.Infra.Tests.Support;

/// <summary>Values MSBuild wrote into this assembly (see the csproj): where things are on the build machine.</summary>
internal static class BuildMetadata
{
    public static string NuGetPackageRoot => Get("NuGetPackageRoot");

    public static string BicepCliVersion => Get("BicepCliVersion");

    public static string InfraFunctionsDirectory => Repository.Path("infra", "functions");

    private static string Get(string key) =>
        typeof(BuildMetadata).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == key)?.Value is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"The build did not record '{key}' (see SakuraLb.Infra.Tests.csproj).");
}
