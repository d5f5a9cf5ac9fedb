namespace Aims.Risk.Core.Storage;

/// <summary>
/// Names the type whose properties Dapper binds to a SQL statement constant, so a test can check that every
/// parameter the statement references exists (a mistake SQL Server would otherwise report only at run time).
/// </summary>
[AttributeUsage(AttributeTargets.Field)]
internal sealed class SqlParametersAttribute(Type parameterType) : Attribute
{
    public Type ParameterType { get; } = parameterType;
}
