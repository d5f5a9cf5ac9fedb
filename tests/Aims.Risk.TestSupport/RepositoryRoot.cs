namespace Aims.Risk.TestSupport;

/// <summary>The checkout the tests run from: the shipped rule pack, its examples and the committed schemas live there.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string Rules => System.IO.Path.Combine(Path, "rules");

    /// <summary>The bytes of an example event of the shipped pack (<c>rules/examples/NAME</c>).</summary>
    public static byte[] Example(string name) => File.ReadAllBytes(System.IO.Path.Combine(Rules, "examples", name));

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
