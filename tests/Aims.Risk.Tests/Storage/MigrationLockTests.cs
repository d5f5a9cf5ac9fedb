using System.Data;
using System.Data.Common;
using System.Reflection;
using Aims.Risk.Core.Storage;
using DbUp;
using DbUp.Builder;
using DbUp.Engine;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Polly;

namespace Aims.Risk.Tests.Storage;

/// <summary>
/// The migration holds its lock from before the journal is read until the last script is recorded, and lets it go
/// whatever happens (a fake dialect on SQLite records the order); SQL Server's lock, checked without a server.
/// The lock on a real server is in <see cref="SqlServerRiskRegisterTests"/>.
/// </summary>
public sealed class MigrationLockTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("aims-risk-lock-").FullName;

    [Fact]
    public async Task The_scripts_run_inside_the_lock_and_the_lock_is_released_after_them()
    {
        var register = new RecordingRegister(Database(), "CREATE TABLE Probe (Id INTEGER);");

        await register.MigrateAsync(CancellationToken.None);

        Assert.Equal(["locked", "prepared", "script 0001", "script 0002", "released"], register.Steps);
    }

    [Fact]
    public async Task A_failing_script_still_releases_the_lock()
    {
        var register = new RecordingRegister(Database(), "NOT SQL AT ALL;");

        _ = await Assert.ThrowsAsync<SqliteException>(() => register.MigrateAsync(CancellationToken.None));

        Assert.Equal(["locked", "prepared", "script 0001", "script 0002", "released"], register.Steps);
    }

    [Fact]
    public async Task A_lock_not_granted_runs_no_script()
    {
        var register = new RecordingRegister(Database(), "CREATE TABLE Probe (Id INTEGER);") { Refuse = true };

        _ = await Assert.ThrowsAsync<InvalidOperationException>(() => register.MigrateAsync(CancellationToken.None));

        Assert.Empty(register.Steps);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void A_granted_sql_server_lock_is_accepted(int result)
    {
        SqlServerRiskRegister.EnsureLockGranted(result);
    }

    [Theory]
    [InlineData(-1, "not granted within 10 minutes")]
    [InlineData(-2, "cancelled")]
    [InlineData(-3, "deadlock victim")]
    [InlineData(-999, "refused")]
    public void A_sql_server_lock_not_granted_fails_naming_the_lock_and_the_reason(int result, string reason)
    {
        var error = Assert.Throws<InvalidOperationException>(() => SqlServerRiskRegister.EnsureLockGranted(result));

        Assert.Contains("'Aims.Risk.Migration'", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains($"return code {result}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_session_lock_is_not_the_resource_the_scripts_lock_for_their_transaction()
    {
        // DbUp runs the scripts on its own connections: on the same resource they would wait for the session's lock.
        var session = (string)typeof(SqlServerRiskRegister).GetField("MigrationLockResource", BindingFlags.NonPublic | BindingFlags.Static)!.GetRawConstantValue()!;
        var core = typeof(SqlServerRiskRegister).Assembly;
        var resources = new List<string>();
        foreach (var name in core.GetManifestResourceNames().Where(n => n.StartsWith("Aims.Risk.Core.Storage.Scripts.SqlServer.", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(core.GetManifestResourceStream(name)!);
            var visitor = new AppLockVisitor();
            new TSql160Parser(initialQuotedIdentifiers: true).Parse(reader, out _).Accept(visitor);
            resources.AddRange(visitor.Resources);
        }

        Assert.Equal("Aims.Risk.Migration", session);
        Assert.Contains("Aims.Risk.Schema", resources);
        Assert.DoesNotContain(session, resources);
    }

    [Theory]
    [InlineData(nameof(SqlServerRiskRegister.GetAppLockSql), "sp_getapplock")]
    [InlineData(nameof(SqlServerRiskRegister.ReleaseAppLockSql), "sp_releaseapplock")]
    public void The_lock_statements_call_the_application_lock_procedures(string field, string procedure)
    {
        var sql = (string)typeof(SqlServerRiskRegister).GetField(field, BindingFlags.NonPublic | BindingFlags.Static)!.GetRawConstantValue()!;

        var script = (TSqlScript)new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);

        Assert.Empty(errors);
        var execute = Assert.IsType<ExecuteStatement>(Assert.Single(script.Batches.SelectMany(b => b.Statements)));
        var call = Assert.IsType<ExecutableProcedureReference>(execute.ExecuteSpecification.ExecutableEntity);
        Assert.Equal(("sys", procedure), (call.ProcedureReference.ProcedureReference.Name.SchemaIdentifier.Value, call.ProcedureReference.ProcedureReference.Name.BaseIdentifier.Value));
    }

    [Fact]
    public void Read_committed_snapshot_is_set_for_the_current_database_only_with_rollback_immediate()
    {
        var script = (TSqlScript)new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(SqlServerRiskRegister.EnableReadCommittedSnapshotSql), out var errors);

        Assert.Empty(errors);
        var alter = Assert.IsType<AlterDatabaseSetStatement>(Assert.Single(script.Batches.SelectMany(b => b.Statements)));
        Assert.True(alter.UseCurrent);
        var option = Assert.IsType<OnOffDatabaseOption>(Assert.Single(alter.Options));
        Assert.Equal((DatabaseOptionKind.ReadCommittedSnapshot, OptionState.On), (option.OptionKind, option.OptionState));
        Assert.True(alter.Termination.ImmediateRollback);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private string Database() => $"Data Source={Path.Combine(folder, $"{Guid.NewGuid():N}.db")}";

    /// <summary>A dialect on SQLite whose lock, preparation and scripts write down when they happen.</summary>
    private sealed class RecordingRegister(string connectionString, string secondScript) : DbRiskRegister(ResiliencePipeline.Empty, NullLogger.Instance)
    {
        public List<string> Steps { get; } = [];

        public bool Refuse { get; init; }

        protected override Task<IAsyncDisposable?> LockForMigrationAsync(CancellationToken cancellationToken)
        {
            if (Refuse)
            {
                throw new InvalidOperationException("not granted");
            }

            Steps.Add("locked");
            return Task.FromResult<IAsyncDisposable?>(new Release(Steps));
        }

        protected override Task PrepareDatabaseAsync(CancellationToken cancellationToken)
        {
            Steps.Add("prepared");
            return Task.CompletedTask;
        }

        protected override UpgradeEngineBuilder CreateMigration() =>
            DeployChanges.To
                .SqliteDatabase(connectionString)
                .WithScript("0001", new Recorded(Steps, "0001", "CREATE TABLE First (Id INTEGER);"))
                .WithScript("0002", new Recorded(Steps, "0002", secondScript))
                .JournalToSqliteTable("SchemaVersions");

        protected override DbConnection CreateConnection() => new SqliteConnection(connectionString);

        protected override Task<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task<string?> ReadPayloadAsync(DbConnection connection, DbTransaction? transaction, Guid eventId, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task InsertAsync(DbConnection connection, DbTransaction transaction, AssessmentRecord assessment, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task<IReadOnlyList<RiskEntryRecord>> ReadEntriesAsync(DbConnection connection, DbTransaction? transaction, Guid eventId, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task<AssessmentRecord?> ReadAssessmentAsync(DbConnection connection, Guid eventId, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task<IReadOnlyList<RiskEntryRecord>> ReadEntriesAsync(DbConnection connection, RegisterQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task<bool> InsertRunIfAbsentAsync(DbConnection connection, ReassessmentRun run, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task<IReadOnlyList<ReassessmentRun>> ReadClaimableRunsAsync(DbConnection connection, DateTimeOffset staleBefore, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task<bool> RenewClaimAsync(DbConnection connection, Guid runId, DateTimeOffset claimedAt, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task<bool> ClaimRunAsync(DbConnection connection, Guid runId, DateTimeOffset now, DateTimeOffset staleBefore, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task MarkRunEnqueuedAsync(DbConnection connection, Guid runId, string ruleSetVersion, string ruleSetHash, int systems, DateTimeOffset at, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task<bool> InsertReassessedSystemIfAbsentAsync(DbConnection connection, DbTransaction transaction, ReassessedSystem system, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task FinishRunIfDoneAsync(DbConnection connection, DbTransaction? transaction, Guid runId, DateTimeOffset at, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task<IReadOnlyList<ReassessmentRun>> ReadRunsAsync(DbConnection connection, bool unfinishedOnly, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task<IReadOnlyList<RuleSetArchive>> ReadRuleSetsAsync(DbConnection connection, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override IAsyncEnumerable<LatestInput> ReadLatestInputsAsync(DbConnection connection, string? systemId, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override IAsyncEnumerable<LatestAssessment> ReadLatestAssessmentsAsync(DbConnection connection, string? systemId, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task InsertRuleSetIfAbsentAsync(DbConnection connection, RuleSetArchive ruleSet, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task PingAsync(DbConnection connection, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override bool IsUniqueKeyViolation(DbException exception) => false;

        // After the scripts the migration derives risks of older entries: there are none here.
        protected override Task<IReadOnlyList<RiskEntryRecord>> ReadEntriesWithoutRiskAsync(DbConnection connection, int limit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<RiskEntryRecord>>([]);

        protected override Task<IReadOnlyList<RiskRecord>> ReadRisksOfSystemAsync(DbConnection connection, DbTransaction transaction, string systemId, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task<IReadOnlyList<RiskRecord>> ReadRisksAsync(DbConnection connection, RiskQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override IAsyncEnumerable<RiskRecord> StreamRisksAsync(DbConnection connection, string? systemId, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override IAsyncEnumerable<RiskHistoryRecord> StreamHistoryAsync(DbConnection connection, string? systemId, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task<RiskRecord?> ReadRiskAsync(DbConnection connection, DbTransaction? transaction, Guid riskId, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task<Guid?> ReadRiskOfTaskAsync(DbConnection connection, DbTransaction transaction, Guid taskId, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task InsertRiskAsync(DbConnection connection, DbTransaction transaction, RiskRecord risk, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task<bool> UpdateRiskAsync(DbConnection connection, DbTransaction transaction, RiskRecord risk, long readVersion, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task InsertHistoryAsync(DbConnection connection, DbTransaction transaction, RiskHistoryRecord history, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task<IReadOnlyList<RiskHistoryRecord>> ReadHistoryOfRiskAsync(DbConnection connection, Guid riskId, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task<IReadOnlyList<RiskHistoryRecord>> ReadHistoryOfEventAsync(DbConnection connection, DbTransaction? transaction, Guid eventId, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task<RiskHistoryRecord?> ReadHistoryOfUpdateAsync(DbConnection connection, DbTransaction transaction, Guid updateId, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task<IReadOnlyList<RiskEntryRecord>> ReadEntriesOfRiskAsync(DbConnection connection, DbTransaction? transaction, Guid riskId, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task<IReadOnlyList<RiskRecord>> ReadDueRisksAsync(DbConnection connection, DateTimeOffset now, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task InsertOutboxAsync(DbConnection connection, DbTransaction transaction, OutboxMessage message, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task<IReadOnlyList<OutboxMessage>> ReadOutboxAsync(DbConnection connection, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task MarkPublishedAsync(DbConnection connection, Guid messageId, DateTimeOffset publishedAt, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task SetEntryRiskAsync(DbConnection connection, DbTransaction transaction, Guid entryId, Guid riskId, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task<ImpactAssessmentRecord?> ReadLatestImpactAssessmentAsync(DbConnection connection, DbTransaction? transaction, string systemId, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task InsertImpactAssessmentAsync(DbConnection connection, DbTransaction transaction, ImpactAssessmentRecord assessment, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task InsertImpactAssessmentRiskAsync(DbConnection connection, DbTransaction transaction, Guid assessmentId, ImpactAssessmentRisk link, CancellationToken cancellationToken) => throw new NotSupportedException();

        protected override Task<IReadOnlyList<ImpactAssessmentRecord>> ReadImpactAssessmentsAsync(DbConnection connection, string systemId, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class Release(List<string> steps) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            steps.Add("released");
            return ValueTask.CompletedTask;
        }
    }

    private sealed class Recorded(List<string> steps, string name, string sql) : IScript
    {
        public string ProvideScript(Func<IDbCommand> dbCommandFactory)
        {
            steps.Add($"script {name}");
            return sql;
        }
    }

    /// <summary>The @Resource of every sp_getapplock call in a script.</summary>
    private sealed class AppLockVisitor : TSqlFragmentVisitor
    {
        public List<string> Resources { get; } = [];

        public override void ExplicitVisit(ExecutableProcedureReference node)
        {
            if (node.ProcedureReference.ProcedureReference.Name.BaseIdentifier.Value.Equals("sp_getapplock", StringComparison.OrdinalIgnoreCase))
            {
                Resources.AddRange(node.Parameters
                    .Where(p => p.Variable?.Name.Equals("@Resource", StringComparison.OrdinalIgnoreCase) == true)
                    .Select(p => ((StringLiteral)p.ParameterValue).Value));
            }

            base.ExplicitVisit(node);
        }
    }
}
