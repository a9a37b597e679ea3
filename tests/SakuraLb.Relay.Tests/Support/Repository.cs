using System.Reflection;

namespace SakuraLb.Relay.Tests.Support;

/// <summary>Paths in the repository this test assembly was built from.</summary>
public static class Repository
{
    public static string Root { get; } =
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    public static string RelayManifests => Path.Combine(Root, "infra", "relay");
}
