using Aims.Risk.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Aims.Risk.Tests.Storage;

// SqlException has no public constructor, so SQL Server errors are classified through their number.
public sealed class TransientSqlErrorsTests
{
    [Theory]
    [InlineData(-2)]
    [InlineData(20)]
    [InlineData(64)]
    [InlineData(233)]
    [InlineData(615)]
    [InlineData(926)]
    [InlineData(1204)]
    [InlineData(1205)]
    [InlineData(1222)]
    [InlineData(4060)]
    [InlineData(4221)]
    [InlineData(10053)]
    [InlineData(10054)]
    [InlineData(10060)]
    [InlineData(10928)]
    [InlineData(10929)]
    [InlineData(40197)]
    [InlineData(40501)]
    [InlineData(40613)]
    [InlineData(49918)]
    [InlineData(49919)]
    [InlineData(49920)]
    public void Sql_server_error_is_transient(int number)
    {
        Assert.True(TransientSqlErrors.IsTransientSqlServerNumber(number));
    }

    [Theory]
    [InlineData(2627)] // unique constraint: handled as a duplicate by the register, never retried
    [InlineData(2601)] // unique index
    [InlineData(547)]  // check or foreign key constraint
    [InlineData(102)]  // syntax error
    [InlineData(207)]  // invalid column
    [InlineData(208)]  // invalid object
    [InlineData(8152)] // string would be truncated
    [InlineData(18456)] // login failed: a configuration error, not a blip
    [InlineData(50000)] // RAISERROR from a script
    public void Sql_server_error_is_not_transient(int number)
    {
        Assert.False(TransientSqlErrors.IsTransientSqlServerNumber(number));
    }

    [Theory]
    [InlineData(5, 5)]     // SQLITE_BUSY
    [InlineData(5, 517)]   // SQLITE_BUSY_SNAPSHOT
    [InlineData(6, 6)]     // SQLITE_LOCKED
    [InlineData(6, 262)]   // SQLITE_LOCKED_SHAREDCACHE
    public void Sqlite_busy_or_locked_is_transient(int code, int extendedCode)
    {
        Assert.True(TransientSqlErrors.IsTransient(new SqliteException("database is locked", code, extendedCode)));
    }

    [Theory]
    [InlineData(19, 2067)] // SQLITE_CONSTRAINT_UNIQUE
    [InlineData(19, 275)]  // SQLITE_CONSTRAINT_CHECK
    [InlineData(1, 1)]     // SQLITE_ERROR, e.g. a syntax error
    [InlineData(14, 14)]   // SQLITE_CANTOPEN
    [InlineData(11, 11)]   // SQLITE_CORRUPT
    public void Sqlite_other_errors_are_not_transient(int code, int extendedCode)
    {
        Assert.False(TransientSqlErrors.IsTransient(new SqliteException("error", code, extendedCode)));
    }

    [Fact]
    public void Timeout_is_transient()
    {
        Assert.True(TransientSqlErrors.IsTransient(new TimeoutException()));
    }

    [Fact]
    public void Event_conflict_is_not_transient()
    {
        Assert.False(TransientSqlErrors.IsTransient(new EventConflictException(Guid.NewGuid())));
    }

    [Fact]
    public void Cancellation_and_other_exceptions_are_not_transient()
    {
        Assert.False(TransientSqlErrors.IsTransient(new OperationCanceledException()));
        Assert.False(TransientSqlErrors.IsTransient(new InvalidOperationException()));
        Assert.False(TransientSqlErrors.IsTransient(new ArgumentException()));
    }
}
