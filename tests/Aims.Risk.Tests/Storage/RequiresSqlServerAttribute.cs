namespace Aims.Risk.Tests.Storage;

/// <summary>Marks a test class whose <see cref="StorageFactAttribute"/> tests need SQL Server.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresSqlServerAttribute : Attribute;
