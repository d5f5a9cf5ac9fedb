namespace Aims.Risk.Core.Storage;

/// <summary>
/// One row of <c>ReassessedSystems</c>: what a run did to one system. <paramref name="EventId"/> is the derived event
/// of the re-assessment, or null when the system was skipped (a newer event came first, or the run was superseded).
/// </summary>
public sealed record ReassessedSystem(Guid RunId, string SystemId, Guid? EventId, DateTimeOffset At, int Opened, int Resolved, int Changed);
