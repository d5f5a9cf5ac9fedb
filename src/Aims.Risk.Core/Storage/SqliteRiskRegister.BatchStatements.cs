using Microsoft.Data.Sqlite;

namespace Aims.Risk.Core.Storage;

/// <summary>The group commit's prepared statements, and the rows they bind.</summary>
public sealed partial class SqliteRiskRegister
{
    /// <summary>
    /// The statements of a batch, prepared once and run for every record: compiling SQLite statements again
    /// for each record and entry was most of the writer's time.
    /// </summary>
    private sealed class BatchStatements : IDisposable, IRiskWrites
    {
        private readonly SqliteCommand _readPayload;
        private readonly SqliteCommand _readVersions;
        private readonly SqliteCommand _readRisk;
        private readonly IReadOnlyDictionary<string, RiskRecord> _cached;
        private readonly Dictionary<string, RiskRecord> _written = new(StringComparer.Ordinal);
        private readonly List<(string RiskId, RiskRecord Risk)> _writtenByRecord = [];
        private readonly Statement<AssessmentRow> _insertAssessment;
        private readonly Statement<EntryRow> _insertEntry;
        private readonly Statement<RiskRow> _insertRisk;
        private readonly Statement<RiskRow> _updateRisk;
        private readonly Statement<RiskRow> _reconfirmRisk;
        private readonly Statement<HistoryRow> _insertHistory;

        public BatchStatements(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyDictionary<string, RiskRecord> cached)
        {
            _cached = cached;
            _readPayload = Command(connection, transaction, "SELECT Payload FROM Assessments WHERE EventId = @EventId;");
            _ = _readPayload.Parameters.Add(new SqliteParameter("@EventId", null));
            _readVersions = Command(connection, transaction, SelectRiskVersionsOfSystemSql);
            _ = _readVersions.Parameters.Add(new SqliteParameter("@SystemId", null));
            _readRisk = Command(connection, transaction, SelectRiskSql);
            _ = _readRisk.Parameters.Add(new SqliteParameter("@RiskId", null));
            _insertAssessment = new(Command(connection, transaction, InsertAssessmentSql));
            _insertEntry = new(Command(connection, transaction, InsertEntrySql));
            _insertRisk = new(Command(connection, transaction, InsertRiskSql));
            _updateRisk = new(Command(connection, transaction, UpdateRiskSql));
            _reconfirmRisk = new(Command(connection, transaction, ReconfirmRiskSql));
            _insertHistory = new(Command(connection, transaction, InsertHistorySql));
            Savepoint = Command(connection, transaction, "SAVEPOINT record;");
            Release = Command(connection, transaction, "RELEASE record;");
            RollbackToSavepoint = Command(connection, transaction, "ROLLBACK TO record;");
        }

        public SqliteCommand Savepoint { get; }

        public SqliteCommand Release { get; }

        public SqliteCommand RollbackToSavepoint { get; }

        /// <summary>The risks written by the records kept so far (their writes stay in the transaction), as a read returns them.</summary>
        public IReadOnlyDictionary<string, RiskRecord> Written => _written;

        /// <summary>A record starts: the risks it writes are held apart until it is kept.</summary>
        public void BeginRecord() => _writtenByRecord.Clear();

        /// <summary>The record's writes stay in the transaction (it succeeded, or failed before writing anything).</summary>
        public void KeepRecord()
        {
            foreach (var (riskId, risk) in _writtenByRecord)
            {
                _written[riskId] = risk;
            }

            _writtenByRecord.Clear();
        }

        public string? ReadPayload(Guid eventId)
        {
            _readPayload.Parameters[0].Value = RegisterValues.FormatGuid(eventId);
            return _readPayload.ExecuteScalar() as string;
        }

        public void Insert(AssessmentRecord assessment)
        {
            _ = _insertAssessment.Run(AssessmentRow.From(assessment));
            foreach (var entry in assessment.Entries)
            {
                _ = _insertEntry.Run(EntryRow.From(entry));
            }
        }

        /// <summary>
        /// The system's risks as the transaction sees them: ids and versions read, each risk taken from this batch's writes or
        /// the writer's cache when its version is the one stored, and read whole otherwise.
        /// </summary>
        public Task<IReadOnlyList<RiskRecord>> ReadRisksOfSystemAsync(string systemId, CancellationToken cancellationToken)
        {
            _readVersions.Parameters[0].Value = systemId;
            var risks = new List<RiskRecord>();
            List<string>? changed = null;
            using (var reader = _readVersions.ExecuteReader())
            {
                while (reader.Read())
                {
                    var riskId = reader.GetString(0);
                    var version = reader.GetInt64(1);
                    if ((_written.TryGetValue(riskId, out var known) || _cached.TryGetValue(riskId, out known)) && known.Version == version)
                    {
                        risks.Add(known);
                    }
                    else
                    {
                        (changed ??= []).Add(riskId);
                    }
                }
            }

            foreach (var riskId in changed ?? [])
            {
                _readRisk.Parameters[0].Value = riskId;
                using var reader = _readRisk.ExecuteReader();
                if (reader.Read())
                {
                    risks.Add(ReadRisk(reader));
                }
            }

            return Task.FromResult<IReadOnlyList<RiskRecord>>(risks);
        }

        public Task InsertRiskAsync(RiskRecord risk, CancellationToken cancellationToken)
        {
            var row = RiskRow.From(risk, readVersion: 0);
            _ = _insertRisk.Run(row);
            _writtenByRecord.Add((row.RiskId, row.ToRecord()));
            return Task.CompletedTask;
        }

        public Task<bool> UpdateRiskAsync(RiskRecord risk, long readVersion, CancellationToken cancellationToken) =>
            Task.FromResult(RunUpdate(_updateRisk, RiskRow.From(risk, readVersion)));

        /// <summary>Only the last-seen columns change; the others are stored as they were, which is what the risk says of them.</summary>
        public Task<bool> ReconfirmRiskAsync(RiskRecord risk, long readVersion, CancellationToken cancellationToken) =>
            Task.FromResult(RunUpdate(_reconfirmRisk, RiskRow.From(risk, readVersion)));

        public Task InsertHistoryAsync(RiskHistoryRecord history, CancellationToken cancellationToken)
        {
            _ = _insertHistory.Run(HistoryRow.From(history));
            return Task.CompletedTask;
        }

        public void Dispose()
        {
            foreach (var command in new[] { _readPayload, _readVersions, _readRisk, Savepoint, Release, RollbackToSavepoint })
            {
                command.Dispose();
            }

            foreach (var statement in new IDisposable[] { _insertAssessment, _insertEntry, _insertRisk, _updateRisk, _reconfirmRisk, _insertHistory })
            {
                statement.Dispose();
            }
        }

        private bool RunUpdate(Statement<RiskRow> update, RiskRow row)
        {
            if (update.Run(row) != 1)
            {
                return false;
            }

            _writtenByRecord.Add((row.RiskId, row.ToRecord()));
            return true;
        }

#pragma warning disable CA2100 // Only this class's constant SQL.
        private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
        {
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            return command;
        }
#pragma warning restore CA2100
    }

    /// <summary>
    /// A prepared statement and, for each parameter its SQL names, the property of <typeparamref name="TRow"/> of that
    /// name: bound by name, never by the order in which reflection lists the properties, and looked up once per
    /// statement rather than for every row.
    /// </summary>
    private sealed class Statement<TRow> : IDisposable
    {
        private readonly SqliteCommand _command;
        private readonly (SqliteParameter Parameter, Func<TRow, object?> Value)[] _bindings;

        public Statement(SqliteCommand command)
        {
            _command = command;
            _bindings = [.. RowBinding<TRow>.For(command.CommandText).Select(b =>
            {
                var parameter = new SqliteParameter("@" + b.Name, null);
                _ = command.Parameters.Add(parameter);
                return (parameter, b.Value);
            })];
        }

        /// <returns>The rows the statement changed.</returns>
        public int Run(TRow row)
        {
            foreach (var (parameter, value) in _bindings)
            {
                parameter.Value = value(row) ?? DBNull.Value;
            }

            return _command.ExecuteNonQuery();
        }

        public void Dispose() => _command.Dispose();
    }
}
