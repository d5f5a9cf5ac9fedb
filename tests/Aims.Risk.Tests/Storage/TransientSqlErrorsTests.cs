using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Aims.Risk.Core.Storage;
using Microsoft.Data.SqlClient;
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
    [InlineData(10061)]
    [InlineData(10065)]
    [InlineData(11001)]
    [InlineData(11002)]
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
    [InlineData(0)]     // alone, number 0 is any error SqlClient raises itself
    public void Sql_server_error_is_not_transient(int number)
    {
        Assert.False(TransientSqlErrors.IsTransientSqlServerNumber(number));
    }

    private const string Connect = "A network-related or instance-specific error occurred while establishing a connection to SQL Server.";
    private const string PreLogin = "A connection was successfully established with the server, but then an error occurred during the pre-login handshake.";

    public static TheoryData<int, byte, string, Exception?, bool> ConnectionErrors() => new()
    {
        { 0, 20, $"{Connect} (provider: TCP Provider, error: 40 - Could not open a connection to SQL Server)", null, true },
        { 0, 20, $"{Connect} (provider: TCP Provider, error: 35 - An internal exception was caught)", new SocketException((int)SocketError.ConnectionRefused), true },
        { 0, 20, $"{PreLogin} (provider: TCP Provider, error: 35 - An internal exception was caught)", new IOException("reset", new SocketException((int)SocketError.ConnectionReset)), true },
        { 0, 20, $"{PreLogin} (provider: TCP Provider, error: 0 - Success)", null, true },
        // The frame is not translated; the context and the provider name are.
        { 0, 20, "Netzwerkbezogener Fehler beim Herstellen einer Verbindung mit SQL Server. (provider: TCP-Anbieter, error: 40 - Es konnte keine Verbindung hergestellt werden)", null, true },
        { 0, 20, $"{PreLogin} (provider: TCP Provider, error: 35 - An internal exception was caught)", new InvalidOperationException("protocol"), false },
        { -2146893019, 20, $"{PreLogin} (provider: TCP Provider, error: 35 - An internal exception was caught)", new AuthenticationException("certificate"), false },
        { 0, 20, $"{PreLogin} (provider: SSL Provider, error: 31 - Encryption(ssl/tls) handshake failed)", null, false },
        { 0, 20, $"{Connect} (provider: TCP Provider, error: 25 - Connection string is not valid)", null, false },
        { 0, 20, "A severe error occurred on the current command. The results, if any, should be discarded.", null, false },
        { 0, 11, $"{Connect} (provider: TCP Provider, error: 40 - Could not open a connection to SQL Server)", null, false },
        { 18456, 20, $"{PreLogin} (provider: TCP Provider, error: 0 - Success)", null, false },
    };

    [Theory]
    [MemberData(nameof(ConnectionErrors))]
    public void A_connection_failure_is_told_by_its_sni_error_not_by_number_0(int number, byte errorClass, string message, Exception? cause, bool transient)
    {
        Assert.Equal(transient, TransientSqlErrors.IsConnectionFailure(number, errorClass, message, cause));
    }

    [Fact]
    public async Task A_connection_closed_during_the_handshake_is_transient()
    {
        // A listener that accepts and closes at once, as a server or a port proxy does while it stops or starts.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var closer = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
        });

        var error = await Assert.ThrowsAsync<SqlException>(() => OpenAsync($"Server=tcp:127.0.0.1,{port};Database=A;User Id=sa;Password=unused;Encrypt=false;Connect Timeout=5;Pooling=false"));
        await closer;

        Assert.True(TransientSqlErrors.IsTransient(error), $"not transient: number {error.Number}, class {error.Class}: {error.Message}");
    }

    [Fact]
    public async Task A_server_name_that_does_not_resolve_is_transient()
    {
        // .invalid never resolves (RFC 6761): host not found, or a temporary DNS failure where no resolver answers.
        var error = await Assert.ThrowsAsync<SqlException>(() => OpenAsync("Server=tcp:aims-risk-sql.invalid,1433;Database=A;User Id=sa;Password=unused;Encrypt=false;Connect Timeout=5;Pooling=false"));

        Assert.True(TransientSqlErrors.IsTransient(error), $"not transient: number {error.Number}, class {error.Class}: {error.Message}");
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

    private static async Task OpenAsync(string connectionString)
    {
        await using var connection = new SqlConnection(connectionString);
        await connection.OpenAsync();
    }
}
