namespace Aims.Risk.Core.Storage;

/// <param name="Since">When the first of the failing writes failed.</param>
/// <param name="IsTransient">True while the failures are ones worth repeating (locked, busy, failover).</param>
/// <param name="Reason">The latest failure's message.</param>
public sealed record StoreWriteFailure(DateTimeOffset Since, bool IsTransient, string Reason);
