using Dapper;
using Microsoft.Data.Sqlite;

namespace Aims.Risk.Core.Storage;

/// <summary>
/// What the register does once its files are found deleted or replaced: keep a copy of what the worker still holds
/// open (<see cref="Rescue"/>), and take up a register that is back at the path when it is this worker's own
/// (<see cref="Adopt"/>).
/// </summary>
internal sealed partial class SqliteRegisterFiles
{
    /// <summary>Null when the database now at the path is a register with exactly this worker's schema scripts applied.</summary>
    private string? WhyNotThisRegister()
    {
        try
        {
            using var probe = new SqliteConnection(_holderConnectionString);
            var applied = probe.Query<string>(new CommandDefinition(SchemaScriptsSql)).ToHashSet(StringComparer.Ordinal);

            if (applied.SetEquals(_scripts))
            {
                return null;
            }

            return applied.IsSubsetOf(_scripts)
                ? $"the file now at {_database} is a register of an older schema ({applied.Count} of {_scripts.Count} scripts): the worker does not write to it until it is restarted and migrates it"
                : $"the file now at {_database} has schema scripts this worker does not know: the worker does not write to it";
        }
        catch (SqliteException ex)
        {
            return $"the file now at {_database} is not a risk register (SQLite error {ex.SqliteErrorCode}: {ex.Message}): the worker does not write to it";
        }
    }

    /// <summary>The register now at the path becomes the one the worker uses: new holder, pooled connections dropped.</summary>
    private void Adopt()
    {
        var previous = _holder;
        (_holder, _opened) = OpenHolder(adopting: true);

        // Connections in use are dropped when they are returned; none of them can commit (their generation is older).
        foreach (var connectionString in _pooledConnectionStrings)
        {
            using var pooled = new SqliteConnection(connectionString);
            SqliteConnection.ClearPool(pooled);
        }

        // Closing the last connection of the old file checkpoints nothing and deletes nothing at the path: SQLite sees
        // that the database file moved.
        previous?.Dispose();
        _loss = null;
        _generation++;
        LogAdopted(_logger, _database, _opened.Database);
    }

    /// <summary>
    /// Copies the register the worker still holds open to a file beside the database. Under the write lock: a commit
    /// checks the files inside its own write lock, so it either committed before the copy (and is in it) or checks
    /// after it (and fails).
    /// </summary>
    private void Rescue(Holder holder, Loss loss)
    {
        var target = $"{_database}.rescued-{loss.Since.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{Environment.ProcessId}";
        var partial = target + ".partial";
        try
        {
            // The backup cannot read from a connection in a write transaction: one connection holds the lock, the
            // other reads (it sees every commit, and no other can come while the lock is held).
            using (var writeLock = holder.Locker.BeginTransaction(deferred: false))
            {
                using var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = partial, Pooling = false }.ToString());
                copy.Open();
                holder.Reader.BackupDatabase(copy);
            }

            File.Move(partial, target);
            loss.RescuedTo = target;
            LogRescued(_logger, target);
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            loss.RescueFailure = ex.Message;
            LogRescueFailed(_logger, ex, partial);
        }
    }

    /// <summary>The opened files are no longer at the path: since when, why, and the copy of what they held.</summary>
    private sealed class Loss(string change, DateTimeOffset since)
    {
        public string Change { get; } = change;

        public DateTimeOffset Since { get; } = since;

        public Task Rescue { get; set; } = Task.CompletedTask;

        /// <summary>Set by the rescue before it completes; read once <see cref="Rescue"/> has completed.</summary>
        public string? RescuedTo { get; set; }

        public string? RescueFailure { get; set; }
    }
}
