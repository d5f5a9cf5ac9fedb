using System.Data.Common;

namespace Aims.Risk.Core.Storage;

/// <summary>
/// The register's own files cannot be used as they are (the SQLite database file deleted, moved away, replaced, or not
/// writable): nothing was written. A store fault like a locked file, so the message waits and is retried until the files
/// are back (docs/decisions/0005-store-outage-retry.md). The message says what kind of problem without naming a path
/// (it may travel with a message to the error queue); the store health check and the log say what and where.
/// </summary>
public sealed class RegisterFileException : DbException
{
    public RegisterFileException()
    {
    }

    public RegisterFileException(string message)
        : base(message)
    {
    }

    public RegisterFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
