namespace DurableHost;

internal static class RepoPaths
{
    /// <summary>The repository root: the first directory above the binaries that holds Functions.sln, or null outside the repository.</summary>
    public static string? Root { get; } = FindRoot();

    private static string? FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Functions.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
