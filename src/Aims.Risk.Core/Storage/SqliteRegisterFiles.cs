using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Aims.Risk.Core.Storage;

/// <summary>
/// The SQLite register's files under a running process. SQLite goes on using the files it opened: a database file
/// deleted, moved away or replaced keeps taking commits into the old, unlinked file (gone at the next start), and so
/// does a file made read-only after it was opened. So before every write commits (once per group-commit batch), when
/// a connection is opened, and in the store health check, the path is compared with what was opened:
/// <list type="bullet">
/// <item>the files the worker opened (database, write-ahead log, shared-memory index: device and inode) must still be
/// the ones at the path, and writes must be allowed on them and their folder;</item>
/// <item>otherwise nothing is written or acknowledged (<see cref="RegisterFileException"/>, a transient store fault) and
/// the check says what is wrong and where.</item>
/// </list>
/// When the files were deleted or replaced, the worker still holds the old ones open: it copies them, under the write
/// lock so that every acknowledged commit is in the copy, to <c>&lt;database&gt;.rescued-&lt;time&gt;-&lt;pid&gt;</c>
/// beside the database. Writes resume by themselves when the very files come back (moved back), when the database at
/// the path is a register of this worker's schema (the rescued copy moved there, or a restored backup), which the worker
/// then opens instead, or when the files are writable again. A file without the register's schema is never written.
/// </summary>
internal sealed partial class SqliteRegisterFiles : IDisposable
{
    private readonly string _database;
    private readonly string _log;
    private readonly string _index;
    private readonly string _folder;
    private readonly string _holderConnectionString;
    private readonly string[] _pooledConnectionStrings;
    private readonly bool _writes;
    private readonly IReadOnlySet<string> _scripts;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private const string WalJournalSql = "PRAGMA journal_mode = WAL;";
    private const string ReadSql = "SELECT COUNT(*) FROM sqlite_master;";
    private const string SchemaScriptsSql = "SELECT ScriptName FROM SchemaVersions;";

    private const string Missing = "the register's database file does not exist";
    private const string Unopenable = "the register's database file cannot be opened";
    private const string Lost = "the register's files were deleted, moved away or replaced under the running worker";
    private const string Changed = "the register's files changed while this write was under way";
    private const string NotWritable = "the register's files are not writable";

    private readonly Lock _gate = new();

    private Holder? _holder;
    private Opened? _opened;
    private Loss? _loss;
    private string? _reportedFiles;
    private string? _reportedWrites;
    private int _generation;

    private SqliteRegisterFiles(
        string database,
        SqliteConnectionStringBuilder runtime,
        string[] pooledConnectionStrings,
        IReadOnlySet<string> scripts,
        TimeProvider clock,
        ILogger logger)
    {
        _database = database;
        _log = database + "-wal";
        _index = database + "-shm";
        _folder = Path.GetDirectoryName(database) ?? ".";
        _holderConnectionString = new SqliteConnectionStringBuilder(runtime.ToString()) { Pooling = false }.ToString();
        _pooledConnectionStrings = pooledConnectionStrings;
        _writes = runtime.Mode != SqliteOpenMode.ReadOnly;
        _scripts = scripts;
        _clock = clock;
        _logger = logger;
    }

    /// <summary>The database file's full path.</summary>
    public string Database => _database;

    /// <summary>Changes each time the files are found deleted or replaced and each time other files are opened instead.</summary>
    public int Generation
    {
        get
        {
            lock (_gate)
            {
                return _generation;
            }
        }
    }

    /// <summary>
    /// The watch for a register in a file, or null for one without a file of its own (in memory, a temporary database,
    /// a URI file name).
    /// </summary>
    /// <param name="runtime">The connection string of the register's connections after migration: it must not create the file.</param>
    /// <param name="pooledConnectionStrings">Every connection string whose pooled connections may hold the files open.</param>
    public static SqliteRegisterFiles? Create(
        SqliteConnectionStringBuilder runtime,
        string[] pooledConnectionStrings,
        IReadOnlySet<string> scripts,
        TimeProvider clock,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var source = runtime.DataSource;
        if (string.IsNullOrEmpty(source)
            || runtime.Mode == SqliteOpenMode.Memory
            || string.Equals(source, ":memory:", StringComparison.Ordinal)
            || source.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
            || source.Contains("|DataDirectory|", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return new SqliteRegisterFiles(Path.GetFullPath(source), runtime, pooledConnectionStrings, scripts, clock, logger);
    }

    /// <summary>
    /// What stands in the way of using the register now, or null. With <paramref name="forWrite"/> the files and their
    /// folder must be writable too; with <paramref name="generation"/> (that of the connection about to commit) the
    /// connection must have been opened on the files the worker uses now.
    /// </summary>
    public RegisterFileProblem? Check(bool forWrite, int? generation = null)
    {
        lock (_gate)
        {
            var files = new Probed(FileProbe.Probe(_database), FileProbe.Probe(_log), FileProbe.Probe(_index));
            if (_opened is null && forWrite && _writes && WritesProblem(files) is { } unwritable)
            {
                // Not opened yet, and SQLite could not open it for writing (nor create its log in the folder).
                Report(ref _reportedWrites, unwritable);
                return unwritable;
            }

            var problem = FilesProblem(files);
            Report(ref _reportedFiles, problem);
            if (problem is not null)
            {
                return problem;
            }

            if (generation is { } opened && opened != _generation)
            {
                // Opened on files the worker no longer uses: refused once, and tried again on the files of now.
                return new RegisterFileProblem(Changed, $"the register's files at {_database} changed while this write was under way");
            }

            if (!forWrite || !_writes)
            {
                return null;
            }

            problem = WritesProblem(files);
            Report(ref _reportedWrites, problem);
            return problem;
        }
    }

    public void Dispose()
    {
        Task? rescue;
        lock (_gate)
        {
            rescue = _loss?.Rescue;
        }

        _ = rescue?.Wait(TimeSpan.FromSeconds(30));
        lock (_gate)
        {
            _holder?.Dispose();
            _holder = null;
        }
    }

    private static FileIdentity? IdentityOf(FileFacts facts) => facts.Exists ? facts.Identity : null;

    private RegisterFileProblem? FilesProblem(Probed files)
    {
        if (_opened is null)
        {
            if (!files.Database.Exists)
            {
                return new RegisterFileProblem(Missing, $"the database file {_database} does not exist");
            }

            try
            {
                (_holder, _opened) = OpenHolder(adopting: false);
            }
            catch (SqliteException ex)
            {
                return new RegisterFileProblem(Unopenable, $"the database file {_database} cannot be opened (SQLite error {ex.SqliteErrorCode}: {ex.Message})");
            }

            return null;
        }

        if (_loss is null)
        {
            if (ChangeOf(files) is not { } change)
            {
                return null;
            }

            var loss = new Loss(change, _clock.GetUtcNow());
            var holder = _holder!;
            _generation++;
            _loss = loss;
            loss.Rescue = Task.Run(() => Rescue(holder, loss));
            return Describe(loss, detail: null);
        }

        if (ChangeOf(files) is null)
        {
            // The very files the worker opened are back (moved away and back): nothing else to do.
            LogFilesBack(_logger, _database);
            _loss = null;
            return null;
        }

        if (!_loss.Rescue.IsCompleted)
        {
            return Describe(_loss, detail: null);
        }

        if (files.Database.Exists && files.Database.Identity != _opened.Database)
        {
            if (WhyNotThisRegister() is { } refusal)
            {
                return Describe(_loss, refusal);
            }

            try
            {
                Adopt();
            }
            catch (SqliteException ex)
            {
                return Describe(_loss, $"the register now at {_database} could not be opened yet (SQLite error {ex.SqliteErrorCode}: {ex.Message})");
            }

            return null;
        }

        return Describe(_loss, detail: null);
    }

    private string? ChangeOf(Probed files)
    {
        var opened = _opened!;
        if (!files.Database.Exists)
        {
            return $"the database file {_database} was deleted or moved away";
        }

        if (files.Database.Identity != opened.Database)
        {
            return $"the database file {_database} was replaced by another file ({files.Database.Identity}; the worker had opened {opened.Database})";
        }

        if (opened.Log is { } log && IdentityOf(files.Log) != log)
        {
            return $"the write-ahead log {_log} was {(files.Log.Exists ? "replaced by another file" : "deleted")}";
        }

        if (opened.Index is { } index && IdentityOf(files.Index) != index)
        {
            return $"the shared-memory index {_index} was {(files.Index.Exists ? "replaced by another file" : "deleted")}";
        }

        return null;
    }

    private RegisterFileProblem? WritesProblem(Probed files)
    {
        foreach (var (path, facts, what) in new[]
        {
            (_database, files.Database, "the database file"),
            (_log, files.Log, "the write-ahead log"),
            (_index, files.Index, "the shared-memory index"),
            (_folder, FileProbe.Probe(_folder), "the database file's folder"),
        })
        {
            if (FileProbe.WhyNotWritable(path, facts) is { } why)
            {
                return new RegisterFileProblem(NotWritable, $"{what} {path} is not writable: {why}; writes stopped until it is");
            }
        }

        return null;
    }

    private RegisterFileProblem Describe(Loss loss, string? detail)
    {
        var rescue = loss.Rescue.IsCompleted
            ? loss.RescuedTo is { } copy
                ? $"the worker saved what it still held (every write it acknowledged) to {copy}: move that file to {_database} to resume with nothing lost, or put the original files back"
                : $"the worker could not save a copy of what it still held ({loss.RescueFailure}): put the original files back to resume"
            : "the worker is saving a copy of what it still holds beside it";
        return new RegisterFileProblem(
            Lost,
            $"{loss.Change} (at {loss.Since:O}); writes stopped and nothing is acknowledged until the register is back; {rescue}"
                + (detail is null ? "" : $"; {detail}"));
    }

    /// <summary>
    /// Opens the holder: two connections outside the pool kept open as long as the worker uses these files, so that the
    /// write-ahead log and its index stay in place (SQLite deletes them when its last connection closes) and so that
    /// what the worker wrote can still be read and copied if the files at the path go away.
    /// </summary>
    private (Holder Holder, Opened Opened) OpenHolder(bool adopting)
    {
        var reader = new SqliteConnection(_holderConnectionString);
        var locker = new SqliteConnection(_holderConnectionString);
        try
        {
            reader.Open();
            if (adopting && _writes)
            {
                _ = reader.ExecuteScalar<string>(new CommandDefinition(WalJournalSql));
            }

            // A read opens the write-ahead log and its index (in WAL mode), which then stay open with the holder.
            _ = reader.ExecuteScalar<long>(new CommandDefinition(ReadSql));
            locker.Open();
            _ = locker.ExecuteScalar<long>(new CommandDefinition(ReadSql));
            var opened = new Opened(
                FileProbe.Probe(_database).Identity,
                IdentityOf(FileProbe.Probe(_log)),
                IdentityOf(FileProbe.Probe(_index)));
            return (new Holder(reader, locker), opened);
        }
        catch
        {
            locker.Dispose();
            reader.Dispose();
            throw;
        }
    }

    private void Report(ref string? reported, RegisterFileProblem? problem)
    {
        if (string.Equals(reported, problem?.Description, StringComparison.Ordinal))
        {
            return;
        }

        if (problem is null)
        {
            LogUsable(_logger, reported!);
        }
        else
        {
            LogProblem(_logger, problem.Description);
        }

        reported = problem?.Description;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The risk register cannot be written: {Problem}")]
    private static partial void LogProblem(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "The risk register's files are usable again; writes resume (was: {Problem})")]
    private static partial void LogUsable(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "The risk register's files are back at {Database}: the same files the worker had opened")]
    private static partial void LogFilesBack(ILogger logger, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "The risk register now at {Database} ({Identity}) has this worker's schema: the worker uses it from now on")]
    private static partial void LogAdopted(ILogger logger, string database, FileIdentity identity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Saved what the worker still held of the risk register to {Copy}")]
    private static partial void LogRescued(ILogger logger, string copy);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not save a copy of what the worker still held of the risk register to {Copy}")]
    private static partial void LogRescueFailed(ILogger logger, Exception exception, string copy);

    /// <summary>The connections that keep the files open: one to read them, one to take their write lock.</summary>
    private sealed class Holder(SqliteConnection reader, SqliteConnection locker) : IDisposable
    {
        public SqliteConnection Reader { get; } = reader;

        public SqliteConnection Locker { get; } = locker;

        public void Dispose()
        {
            Locker.Dispose();
            Reader.Dispose();
        }
    }

    /// <summary>The files as the worker opened them; the log and index are null when they did not exist (not WAL mode).</summary>
    private sealed record Opened(FileIdentity Database, FileIdentity? Log, FileIdentity? Index);

    private readonly record struct Probed(FileFacts Database, FileFacts Log, FileFacts Index);
}

/// <summary>Why the register's files cannot be used now.</summary>
/// <param name="Summary">What kind of problem, without paths: the message of <see cref="RegisterFileException"/>, which may travel with a message.</param>
/// <param name="Description">What and where, for the health check and the log on this machine.</param>
internal sealed record RegisterFileProblem(string Summary, string Description);
