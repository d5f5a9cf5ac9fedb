namespace Aims.Risk.IntegrationTests.Worker;

/// <summary>The checkout the tests run from (the shipped rule pack and examples).</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    public static string Rules => Path.Combine(Root, "rules");

    public static byte[] Example(string name) => File.ReadAllBytes(Path.Combine(Rules, "examples", name));

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Aims.Risk.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Aims.Risk.sln not found above " + AppContext.BaseDirectory);
    }
}
