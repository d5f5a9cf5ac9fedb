namespace Aims.Risk.Tests.Support;

/// <summary>The checkout the tests run from: the shipped rule pack and committed schemas live there.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string Rules => System.IO.Path.Combine(Path, "rules");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Aims.Risk.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Aims.Risk.sln not found above " + AppContext.BaseDirectory);
    }
}
