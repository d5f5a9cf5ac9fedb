using System.Data.Common;
using Aims.Risk.Core.Storage;

namespace Aims.Risk.Tests.Storage;

/// <summary>A migrated database for one test class, and raw access to it for assertions.</summary>
public interface IRegisterDatabase
{
    /// <summary>A new register on the database, as another replica would have.</summary>
    IRiskRegister CreateRegister();

    /// <summary>An open connection for raw queries.</summary>
    Task<DbConnection> OpenAsync();

    /// <summary>An event id as the store's columns hold it (text in SQLite, uniqueidentifier in SQL Server).</summary>
    object Key(Guid id);
}
