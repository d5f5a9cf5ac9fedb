using Xunit.Sdk;

namespace Aims.Risk.Tests.Storage;

/// <summary>
/// A contract test: it runs for every store, and is skipped, with the reason, in a class marked
/// <see cref="RequiresSqlServerAttribute"/> when no SQL Server can be reached.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("Aims.Risk.Tests.Storage.StorageFactDiscoverer", "Aims.Risk.Tests")]
public sealed class StorageFactAttribute : FactAttribute;
