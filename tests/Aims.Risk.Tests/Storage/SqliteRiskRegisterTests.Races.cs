using Aims.Risk.Core.Storage;
using Microsoft.Data.Sqlite;
using static Aims.Risk.Tests.Storage.RegisterBuilders;

namespace Aims.Risk.Tests.Storage;

public sealed partial class SqliteRiskRegisterTests
{
    private const int SqliteConstraint = 19;

    /// <summary>
    /// A unique or primary key violation means another writer inserted the same row first: the transaction is decided
    /// again. Any other constraint violation is a defect, reported at once.
    /// </summary>
    [Theory]
    [InlineData(2067, 2)] // SQLITE_CONSTRAINT_UNIQUE
    [InlineData(1555, 2)] // SQLITE_CONSTRAINT_PRIMARYKEY
    [InlineData(1299, 1)] // SQLITE_CONSTRAINT_NOTNULL
    [InlineData(787, 1)] // SQLITE_CONSTRAINT_FOREIGNKEY
    public async Task Only_a_key_violation_is_a_lost_race_that_is_decided_again(int extendedCode, int decisions)
    {
        var register = database.CreateRegister();
        var system = UniqueSystem("key-violation");
        _ = await register.RecordAsync(Assessment(system, "privacy.consent-missing"), CancellationToken.None);
        var risk = (await register.QueryRisksAsync(new RiskQuery { SystemId = system }, CancellationToken.None))[0];
        var calls = 0;

        var transition = register.TransitionAsync(risk.RiskId, null, null, _ => ++calls == 1 ? throw new SqliteException("constraint failed", SqliteConstraint, extendedCode) : null, CancellationToken.None);

        if (decisions == 1)
        {
            Assert.Equal(extendedCode, (await Assert.ThrowsAsync<SqliteException>(() => transition)).SqliteExtendedErrorCode);
        }
        else
        {
            Assert.Null((await transition).Applied);
        }

        Assert.Equal(decisions, calls);
    }
}
