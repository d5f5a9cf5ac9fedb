using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Aims.Risk.Core.Storage;

/// <summary>
/// The parameters a statement names (<c>@Name</c>), each paired with a compiled getter of the row type's property of that
/// name: what a prepared statement binds for every row, by name. Built once per statement text and cached.
/// </summary>
/// <typeparam name="TRow">The row type whose properties supply the values.</typeparam>
internal static partial class RowBinding<TRow>
{
    private static readonly ConcurrentDictionary<string, IReadOnlyList<(string Name, Func<TRow, object?> Value)>> Cache = new(StringComparer.Ordinal);

    /// <summary>The parameters of <paramref name="sql"/>, in the order they first appear.</summary>
    /// <exception cref="InvalidOperationException">A parameter that no public property of <typeparamref name="TRow"/> supplies.</exception>
    public static IReadOnlyList<(string Name, Func<TRow, object?> Value)> For(string sql) =>
        Cache.GetOrAdd(sql, static text => [.. ParameterNames(text).Select(name => (name, Getter(name)))]);

    /// <summary>The distinct <c>@Name</c> parameters of <paramref name="sql"/>, in order of first appearance.</summary>
    public static IEnumerable<string> ParameterNames(string sql) =>
        ParameterPattern().Matches(sql).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal);

    private static Func<TRow, object?> Getter(string name)
    {
        var property = typeof(TRow).GetProperty(name, BindingFlags.Public | BindingFlags.Instance)
            ?? throw new InvalidOperationException($"the statement's parameter @{name} is not a property of {typeof(TRow).Name}");
        var row = Expression.Parameter(typeof(TRow), "row");
        return Expression.Lambda<Func<TRow, object?>>(Expression.Convert(Expression.Property(row, property), typeof(object)), row).Compile();
    }

    [GeneratedRegex(@"@([A-Za-z_][A-Za-z0-9_]*)", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterPattern();
}
