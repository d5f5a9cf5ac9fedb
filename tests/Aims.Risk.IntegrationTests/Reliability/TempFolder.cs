namespace Aims.Risk.IntegrationTests.Reliability;

/// <summary>A folder for a scenario's SQLite file and worker logs; kept when the scenario failed, for its logs.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder(string role)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"aims-risk-{role}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public bool Keep { get; set; } = true;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (!Keep)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(Path, recursive: true);
        }
    }
}
