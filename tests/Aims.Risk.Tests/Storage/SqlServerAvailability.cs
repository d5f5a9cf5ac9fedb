using DotNet.Testcontainers.Configurations;

namespace Aims.Risk.Tests.Storage;

/// <summary>Where the SQL Server tests get a server: an existing one named by an environment variable, else Docker.</summary>
internal static class SqlServerAvailability
{
    /// <summary>A connection string to an existing SQL Server; each test class creates and drops its own database there.</summary>
    public const string ConnectionVariable = "AIMS_RISK_SQLSERVER";

    private static readonly Lazy<string?> Reason = new(Probe, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string? ExistingServer =>
        Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } value ? value : null;

    /// <summary>Null when SQL Server tests can run; else why they are skipped.</summary>
    public static string? SkipReason => Reason.Value;

    private static string? Probe()
    {
        if (ExistingServer is not null)
        {
            return null;
        }

        return DockerIsReachable()
            ? null
            : $"SQL Server tests need a Docker engine (for Testcontainers) and none is reachable here; set {ConnectionVariable} to a SQL Server connection string to run them against an existing server";
    }

    private static bool DockerIsReachable()
    {
        try
        {
            // Testcontainers picks the first Docker endpoint that answers (environment, config file, default socket).
            return TestcontainersSettings.OS.DockerEndpointAuthConfig is not null;
        }
#pragma warning disable CA1031 // Any failure to find Docker means the same thing here: skip.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }
}
