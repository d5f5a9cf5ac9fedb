using System.Text.RegularExpressions;
using Aims.Risk.TestSupport;

namespace Aims.Risk.Tests.Security;

/// <summary>
/// No credential is committed except the documented local-only defaults: the broker's <c>guest</c> account and
/// the SQL Server fallback of docker-compose.yml (<c>Local-only-Passw0rd!</c>, overridden by MSSQL_SA_PASSWORD).
/// Real credentials come from configuration: environment variables or a secret store.
/// </summary>
public sealed partial class RepositorySecretsTests
{
    private static readonly HashSet<string> LocalOnlyDefaults = new(StringComparer.Ordinal) { "guest", "Local-only-Passw0rd!" };

    private static readonly HashSet<string> SkippedFolders = new(StringComparer.Ordinal) { ".git", "bin", "obj", "TestResults", "StrykerOutput", "node_modules", ".vs", ".idea" };

    private static readonly HashSet<string> ScannedExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".json", ".yml", ".yaml", ".env", ".props", ".targets", ".config", ".xml", ".sh", ".md", ".ini", ".toml", ".cs", ".sql", ".csproj",
    };

    /// <summary>A key that holds a secret, then its value: <c>Password=x</c>, <c>"password": "x"</c>, <c>PASSWORD: x</c>, <c>-P x</c>.</summary>
    [GeneratedRegex("""(?i)(?<![a-z])(?:password|passwd|pwd|secret|client[_-]?secret|api[_-]?key|access[_-]?key|auth[_-]?token)\w*["']?\s*(?:=|:)\s*["']?(?<value>[^"'\s;,}{]*)""")]
    private static partial Regex Assignment();

    /// <summary>Shapes that are secrets whatever their key: private keys, cloud and hosting tokens.</summary>
    [GeneratedRegex(@"-----BEGIN [A-Z ]*PRIVATE KEY-----|\bAKIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{36}\b|\bxox[baprs]-[A-Za-z0-9-]{10,}|AccountKey=[A-Za-z0-9+/=]{20,}")]
    private static partial Regex KnownSecretShape();

    public static IEnumerable<string> Files() => Walk(RepositoryRoot.Path);

    [Fact]
    public void Scan_covers_the_configuration_and_deployment_files()
    {
        var files = Files().Select(f => Path.GetRelativePath(RepositoryRoot.Path, f).Replace('\\', '/')).ToList();

        Assert.Contains("docker-compose.yml", files);
        Assert.Contains("src/Aims.Risk.Worker/appsettings.json", files);
        Assert.Contains("deploy/Dockerfile", files);
    }

    [Fact]
    public void No_file_holds_a_credential_other_than_the_local_only_defaults()
    {
        var findings = new List<string>();
        foreach (var file in Files().Where(f => !f.EndsWith(nameof(RepositorySecretsTests) + ".cs", StringComparison.Ordinal)))
        {
            var relative = Path.GetRelativePath(RepositoryRoot.Path, file);
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                // Test code's throwaway values (a container's password, "x") are not credentials; secret shapes still count.
                foreach (Match match in IsTestCode(relative) ? Enumerable.Empty<Match>() : Assignment().Matches(lines[i]))
                {
                    var value = match.Groups["value"].Value;
                    if (!IsAllowed(value))
                    {
                        findings.Add($"{relative}:{i + 1}: {match.Value}");
                    }
                }

                if (KnownSecretShape().Match(lines[i]) is { Success: true } shape)
                {
                    findings.Add($"{relative}:{i + 1}: {shape.Value}");
                }
            }
        }

        Assert.True(findings.Count == 0, string.Join(Environment.NewLine, findings));
    }

    [Theory]
    [InlineData("ConnectionStrings__RiskRegister: \"Server=db;User Id=app;Password=Hunter2!;Encrypt=True\"")]
    [InlineData("\"RabbitMq\": { \"Username\": \"svc\", \"Password\": \"s3cr3t\" }")]
    [InlineData("RABBITMQ_PASSWORD=production-pass")]
    [InlineData("MSSQL_SA_PASSWORD: \"${MSSQL_SA_PASSWORD:-Pr0duction!}\"")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----")]
    [InlineData("aws_access_key_id = AKIAIOSFODNN7EXAMPLE")]
    public void Scan_finds_a_planted_credential(string line)
    {
        var found = Assignment().Matches(line).Any(m => !IsAllowed(m.Groups["value"].Value)) || KnownSecretShape().IsMatch(line);

        Assert.True(found, $"the scan misses: {line}");
    }

    [Theory]
    [InlineData("RabbitMq__Password: guest")]
    [InlineData("MSSQL_SA_PASSWORD: \"${MSSQL_SA_PASSWORD:-Local-only-Passw0rd!}\"")]
    [InlineData("-P \"$$MSSQL_SA_PASSWORD\"")]
    [InlineData("[\"RabbitMq:Password\"] = broker.Password,")]
    public void Scan_allows_local_defaults_and_references(string line)
    {
        Assert.DoesNotContain(Assignment().Matches(line), m => !IsAllowed(m.Groups["value"].Value));
    }

    private static bool IsTestCode(string relative) =>
        relative.Replace('\\', '/').StartsWith("tests/", StringComparison.Ordinal) && relative.EndsWith(".cs", StringComparison.Ordinal);

    /// <summary>Allowed: nothing, a local-only default, or a reference to where the secret really lives.</summary>
    private static bool IsAllowed(string value) =>
        value.StartsWith(":-", StringComparison.Ordinal) || value.StartsWith('-') ? IsAllowed(value.TrimStart(':', '-')) : value.Length == 0
        || LocalOnlyDefaults.Contains(value)
        || value.StartsWith('$') // ${VARIABLE}, $VARIABLE, $$VARIABLE: the environment holds it
        || value.StartsWith('@') // a SQL parameter
        || value.StartsWith('<') // a documented placeholder such as <password>
        || value.StartsWith('`') // a name in documentation
        || Regex.IsMatch(value, @"^[A-Za-z_][\w.]*(\(|\)|\[|$)") && !Regex.IsMatch(value, @"\d") && value.Contains('.', StringComparison.Ordinal) // code: broker.Password, options.Password
        || value is "null" or "true" or "false" or "string" or "required" or "none";

    private static IEnumerable<string> Walk(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            var name = Path.GetFileName(file);
            if (ScannedExtensions.Contains(Path.GetExtension(file)) || name is "Dockerfile" || name.StartsWith(".env", StringComparison.Ordinal))
            {
                yield return file;
            }
        }

        foreach (var sub in Directory.EnumerateDirectories(folder))
        {
            if (!SkippedFolders.Contains(Path.GetFileName(sub)))
            {
                foreach (var file in Walk(sub))
                {
                    yield return file;
                }
            }
        }
    }
}
