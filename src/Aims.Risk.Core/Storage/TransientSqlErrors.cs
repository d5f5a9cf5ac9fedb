using System.Collections.Frozen;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace Aims.Risk.Core.Storage;

/// <summary>
/// Which database errors are worth repeating: the server was briefly unavailable, busy, or chose this
/// transaction as a deadlock victim. Everything else (constraint violations, syntax errors, conflicting
/// events) fails the same way every time and is never retried.
/// </summary>
public static class TransientSqlErrors
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

    /// <summary>True for an error that may succeed when the whole operation is repeated.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        SqlException sql => IsTransient(sql),
        SqliteException sqlite => IsTransientSqliteCode(sqlite.SqliteErrorCode),
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
            if (IsTransientSqlServerNumber(error.Number))
            {
                return true;
            }
        }

        return IsTransientSqlServerNumber(exception.Number);
    }
}
