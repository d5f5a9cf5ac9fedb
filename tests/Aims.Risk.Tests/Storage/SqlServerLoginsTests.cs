using System.Text.RegularExpressions;
using Aims.Risk.Core;
using Aims.Risk.Core.Consumers;
using Aims.Risk.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Aims.Risk.Tests.Storage;

/// <summary>
/// The local stack's SQL Server logins, read without a server: the worker's login may read, insert and update in
/// schema dbo and nothing else; the migration runs with its own login in a one-shot service.
/// </summary>
public sealed partial class SqlServerLoginsTests
{
    private static readonly string InitScript = Path.Combine(RepositoryRoot.Path, "deploy", "sqlserver", "init.sql");

    private static readonly string Compose = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docker-compose.yml"));

    [GeneratedRegex(@"\$\{[A-Z_]+:-(?<default>[^}]*)\}")]
    private static partial Regex VariableWithDefault();

    [Fact]
    public void The_runtime_role_may_select_insert_and_update_in_schema_dbo_and_nothing_more()
    {
        var visitor = Parse();

        var grant = Assert.Single(visitor.Grants);
        Assert.Equal(["aims_risk_runtime"], grant.Principals.Select(p => p.Identifier.Value));
        Assert.Equal(["SELECT", "INSERT", "UPDATE"], grant.Permissions.Select(p => string.Join(' ', p.Identifiers.Select(i => i.Value.ToUpperInvariant()))));
        Assert.Equal((SecurityObjectKind.Schema, "dbo"), (grant.SecurityTargetObject.ObjectKind, grant.SecurityTargetObject.ObjectName.MultiPartIdentifier.Identifiers.Single().Value));
    }

    [Fact]
    public void The_worker_is_only_in_the_runtime_role_and_the_migrator_in_the_ddl_and_data_roles()
    {
        var visitor = Parse();

        var members = visitor.Members.ToLookup(m => m.Member, m => m.Role);
        Assert.Equal(["aims_risk_runtime"], members["aims_risk_worker"]);
        Assert.Equal(["db_ddladmin", "db_datareader", "db_datawriter"], members["aims_risk_migrator"]);
    }

    [Fact]
    public void The_worker_logs_in_as_the_runtime_login_without_migrating_and_with_a_pool_for_its_concurrency()
    {
        var worker = Service("worker");

        Assert.Contains("Storage__MigrateOnStart: \"false\"", worker, StringComparison.Ordinal);
        var connectionString = ConnectionString(worker);
        Assert.Contains("User Id=aims_risk_worker;", connectionString, StringComparison.Ordinal);

        // The start-up check the worker makes with these settings passes.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "SqlServer",
            ["ConnectionStrings:RiskRegister"] = connectionString,
            ["Rules:Path"] = RepositoryRoot.Rules,
        });
        builder.AddRiskAssessment();
        using var host = builder.Build();
        Assert.Equal(128, host.Services.GetRequiredService<IOptions<RiskWorkerOptions>>().Value.ConcurrentMessageLimit);
    }

    [Fact]
    public void The_migrate_service_applies_the_scripts_with_the_migration_login_before_the_worker_starts()
    {
        var migrate = Service("migrate");

        Assert.Contains("User Id=aims_risk_migrator;", ConnectionString(migrate), StringComparison.Ordinal);
        Assert.Contains("entrypoint: [\"dotnet\", \"/app/cli/aims-risk.dll\", \"db\", \"migrate\"]", migrate, StringComparison.Ordinal);
        Assert.Matches(@"depends_on:(\s+\w[\w-]*:\s+condition: \w+)*\s+migrate:\s+condition: service_completed_successfully", Service("worker"));
    }

    private static RoleVisitor Parse()
    {
        using var reader = new StreamReader(InitScript);
        var fragment = new TSql160Parser(initialQuotedIdentifiers: true).Parse(reader, out var errors);
        Assert.Empty(errors.Select(e => $"{e.Line}:{e.Column} {e.Message}"));
        var visitor = new RoleVisitor();
        fragment.Accept(visitor);
        return visitor;
    }

    /// <summary>A service's block of docker-compose.yml: from its name to the next service or the volumes.</summary>
    private static string Service(string name)
    {
        var match = Regex.Match(Compose, $@"(?ms)^  {Regex.Escape(name)}:\n(?<body>.*?)(?=^  [\w-]+:\n|^\S)");
        Assert.True(match.Success, $"docker-compose.yml has no service {name}");
        return match.Groups["body"].Value;
    }

    private static string ConnectionString(string service)
    {
        var line = Regex.Match(service, "ConnectionStrings__RiskRegister: \"(?<value>[^\"]+)\"");
        Assert.True(line.Success, "no ConnectionStrings__RiskRegister");
        return VariableWithDefault().Replace(line.Groups["value"].Value, m => m.Groups["default"].Value);
    }

    private sealed class RoleVisitor : TSqlFragmentVisitor
    {
        public List<GrantStatement> Grants { get; } = [];

        public List<(string Role, string Member)> Members { get; } = [];

        public override void ExplicitVisit(GrantStatement node)
        {
            Grants.Add(node);
            base.ExplicitVisit(node);
        }

        public override void ExplicitVisit(AlterRoleStatement node)
        {
            if (node.Action is AddMemberAlterRoleAction add)
            {
                Members.Add((node.Name.Value, add.Member.Value));
            }

            base.ExplicitVisit(node);
        }
    }
}
