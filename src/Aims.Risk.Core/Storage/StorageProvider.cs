namespace Aims.Risk.Core.Storage;

public enum StorageProvider
{
    Sqlite,
    SqlServer,
}
