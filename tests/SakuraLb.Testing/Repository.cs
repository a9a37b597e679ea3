using System.Reflection;

namespace SakuraLb.Testing;

/// <summary>Files of the repository the tests were built from (documentation, manifests, templates, tools).</summary>
public static class Repository
{
    // The build records the path (see the csproj), so it holds wherever the test binaries run from. Lazy: a
    // missing or wrong record fails the test that reads a file with this message, not with a type-initializer error.
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The repository root (the directory holding Functions.sln).</summary>
    public static string Root => RootPath.Value;

    /// <summary>A path below the root, from its parts ("docs/operations.md", or "infra", "relay").</summary>
    public static string Path(params ReadOnlySpan<string> parts) => System.IO.Path.Combine([Root, .. parts]);

    public static string Read(string relative) => File.ReadAllText(Path(relative));

    private static string FindRoot()
    {
        var root = typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (string.IsNullOrEmpty(root))
        {
            throw new InvalidOperationException("The build did not record RepositoryRoot (see SakuraLb.Testing.csproj).");
        }

        if (!File.Exists(System.IO.Path.Combine(root, "Functions.sln")))
        {
            throw new InvalidOperationException($"The build recorded {root} as the repository root, but Functions.sln is not there.");
        }

        return root;
    }
}
