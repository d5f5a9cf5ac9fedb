using System.Collections.Frozen;
using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace Aims.Risk.Core.Storage;

/// <summary>
/// Which database errors are worth repeating: the server was briefly unavailable, busy, or chose this
/// transaction as a deadlock victim. Everything else (constraint violations, syntax errors, conflicting
/// events) fails the same way every time and is never retried.
/// </summary>
public static partial class TransientSqlErrors
{
    // SQLite primary result codes: the database file is locked by another connection, or a table is.
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    // Based on Microsoft.Data.SqlClient's baseline transient list (SqlConfigurableRetryFactory) with the
    // failover and Azure SQL throttling errors Microsoft documents as transient.
    private static readonly FrozenSet<int> SqlServerNumbers = new[]
    {
        -2,    // client timeout expired
        20,    // the instance does not support encryption / connection broken during login
        64,    // connection was established but the network name is no longer available
        233,   // no process is on the other end of the pipe
        615,   // could not find database ID (database being restarted or failed over)
        926,   // database cannot be opened: marked suspect by recovery, usually during failover
        997,   // connection was established but an error occurred during login
        1204,  // cannot obtain a LOCK resource at this time
        1205,  // deadlock victim
        1222,  // lock request time-out
        4060,  // cannot open the database requested by the login
        4221,  // login to read-secondary failed while waiting for versioning
        10053, // transport-level error: connection aborted
        10054, // transport-level error: connection reset by peer
        10060, // network error: connection timed out
        10061, // connection refused: nothing listens yet (the server is restarting)
        10065, // no route to host: the server's address is gone while its container or node restarts
        11001, // host not found: an orchestrator drops a restarting server's name from DNS for a while
        11002, // temporary DNS failure (try again)
        10928, // resource limit reached (Azure SQL)
        10929, // minimum resources not available (Azure SQL)
        40143, // service error while processing the request
        40197, // service error processing the request (reconfiguration, failover)
        40501, // the service is currently busy
        40540, // the service has encountered an error processing your request
        40613, // database is not currently available
        42108, // cannot connect to the SQL pool while it is paused or resuming
        42109, // the SQL pool is warming up
        49918, // not enough resources to process the request
        49919, // too many create or update operations in progress
        49920, // too many operations in progress
    }.ToFrozenSet();

    // SNI errors of the driver's TCP provider (the "(provider: ..., error: N - ...)" part of the message).
    private const int SniNoError = 0;
    private const int SniInternalException = 35;
    private const int SniConnectionOpenFailed = 40;

    // The class SqlClient gives the errors it raises itself when the connection fails (TdsEnums.FATAL_ERROR_CLASS).
    private const byte ConnectionFailureClass = 20;

    /// <summary>True for an error that may succeed when the whole operation is repeated.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        SqlException sql => IsTransient(sql),
        SqliteException sqlite => IsTransientSqliteCode(sqlite.SqliteErrorCode),

        // The database file deleted, replaced or read-only: waited for until the operator puts it back.
        RegisterFileException => true,
        TimeoutException => true,
        _ => false,
    };

    /// <summary>True for a SQL Server error number from the transient list.</summary>
    public static bool IsTransientSqlServerNumber(int number) => SqlServerNumbers.Contains(number);

    /// <summary>True for SQLITE_BUSY and SQLITE_LOCKED (primary code, or an extended code built on them).</summary>
    public static bool IsTransientSqliteCode(int errorCode) => (errorCode & 0xFF) is SqliteBusy or SqliteLocked;

    private static bool IsTransient(SqlException exception)
    {
        // One SqlException carries every error the server sent; any transient one makes it worth a retry.
        foreach (SqlError error in exception.Errors)
        {
            if (IsTransientSqlServerNumber(error.Number) || IsConnectionFailure(error.Number, error.Class, error.Message, exception.InnerException))
            {
                return true;
            }
        }

        return IsTransientSqlServerNumber(exception.Number);
    }

    /// <summary>
    /// A connection that could not be opened or was closed during the handshake, as the managed network layer
    /// (Linux, macOS, and Windows with managed networking) reports it: error number 0, or a socket error code, with
    /// class 20 and the SNI error in the message. Number 0 alone says nothing (SqlClient uses it for many errors
    /// of its own), so the SNI error decides: 40 "could not open a connection" (the connect timed out), 35 "an
    /// internal exception was caught" only when that exception is a socket or network stream failure (refused,
    /// reset, unreachable; not a certificate or protocol error), and 0 with number 0 (the peer closed the
    /// connection before the handshake finished, as a server or proxy does while it stops or starts).
    /// </summary>
    internal static bool IsConnectionFailure(int number, byte errorClass, string message, Exception? cause)
    {
        if (errorClass != ConnectionFailureClass || SniError(message) is not { } sni)
        {
            return false;
        }

        return sni switch
        {
            SniConnectionOpenFailed => true,
            SniInternalException => IsNetworkFailure(cause),
            SniNoError => number == 0,
            _ => false,
        };
    }

    // The format is SqlClient's own ("{context} (provider: {name}, error: {sni} - {text})"): the context and the
    // provider name are translated resources, the "(provider: ..., error: N - " frame is not.
    [GeneratedRegex(@"\(provider: [^,()]*, error: (?<sni>\d+) - ", RegexOptions.CultureInvariant)]
    private static partial Regex SniErrorPattern();

    private static int? SniError(string message) =>
        SniErrorPattern().Match(message) is { Success: true } match
            ? int.Parse(match.Groups["sni"].Value, NumberStyles.None, CultureInfo.InvariantCulture)
            : null;

    private static bool IsNetworkFailure(Exception? cause)
    {
        for (var e = cause; e is not null; e = e.InnerException)
        {
            if (e is SocketException or IOException)
            {
                return true;
            }
        }

        return false;
    }
}
