namespace SakuraLb.Testing.Tests;

public sealed class RepositoryTests
{
    [Fact]
    public void Root_IsTheDirectoryWithTheSolution()
    {
        Assert.True(File.Exists(Path.Combine(Repository.Root, "Functions.sln")));
        Assert.True(File.Exists(Repository.Path("tests", "SakuraLb.Testing", "SakuraLb.Testing.csproj")));
        Assert.Contains("<Project", Repository.Read("tests/SakuraLb.Testing/SakuraLb.Testing.csproj"), StringComparison.Ordinal);
    }
}
