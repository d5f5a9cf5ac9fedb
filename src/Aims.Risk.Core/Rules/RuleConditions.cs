using System.Linq.Expressions;
using System.Reflection;
using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Rules;

/// <summary>
/// A value of the event the rule index looks up: a member chain from the event (<c>System.Exposure</c>,
/// <c>ChangeType</c>) read as it is, or whether a collection (<c>Datasets</c>) has items.
/// </summary>
/// <param name="Path">The properties from the event to the value, e.g. <c>System</c>, <c>Exposure</c>.</param>
/// <param name="HasItems">The feature is whether the collection at the end of the path has items (its values are true and false).</param>
internal sealed record IndexFeature(IReadOnlyList<PropertyInfo> Path, bool HasItems)
{
    /// <summary>The type of the value compared: the property's, or <see cref="bool"/> for <see cref="HasItems"/>.</summary>
    public Type ValueType => HasItems ? typeof(bool) : Path[^1].PropertyType;

    public string Key { get; } = string.Join('.', Path.Select(p => p.Name)) + (HasItems ? ".Any()" : "");

    public bool Equals(IndexFeature? other) => other is not null && Key == other.Key;

    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Key;
}

/// <summary>
/// A condition a rule needs to fire, on one feature: its value is one of <see cref="Values"/> (or, when
/// <see cref="Excluded"/>, none of them). Values are of the feature's underlying type (an enum member, a bool, a
/// string) or null.
/// </summary>
internal sealed record IndexCondition(IndexFeature Feature, IReadOnlyList<object?> Values, bool Excluded)
{
    public bool Allows(object? value) => Values.Contains(value) != Excluded;

    public override string ToString() =>
        $"{Feature} {(Excluded ? "not in" : "in")} [{string.Join(", ", Values.Select(v => v ?? "null"))}]";
}

/// <summary>
/// What must hold of an event for a rule's expression to be true, read from its parsed tree for the rule index
/// (<see cref="RuleIndex"/>), as OPA indexes policy rules: the conjuncts of the top-level <c>&amp;&amp;</c> chain that
/// compare an enum, bool or string value of the event with constants (<c>change.ChangeType == "ModelDeployed"</c>,
/// <c>change.System.Exposure == "Public" || change.System.Exposure == "CustomerFacing"</c>,
/// <c>change.System.Generative == true</c>, <c>!=</c>), and <c>change.Datasets.Any(...)</c> (no items, no match).
/// <para>
/// A conjunct is used only when every conjunct before it cannot throw on a normalised event (member reads of the
/// event's always-present objects, constants, comparisons, <c>ContainsKey</c>): then an event that fails the
/// condition makes the expression false without an error, exactly as if the rule had run, and skipping the rule
/// changes neither its fired set nor its recorded errors. Anything not recognised adds no condition: a rule with no
/// condition is evaluated on every event.
/// </para>
/// </summary>
internal static class RuleConditions
{
    private static readonly string ContractNamespace = typeof(AiSystemChanged).Namespace!;

    /// <summary>The objects a normalised event always has (see <see cref="EventNormalizer"/>; the index checks <c>System</c>).</summary>
    private static readonly HashSet<string> PresentObjects =
        ["", "System", "Model", "Model.Metrics", "Security", "Evaluation", "Datasets", "Attributes"];

    public static IReadOnlyList<IndexCondition> Of(Expression body, ParameterExpression change)
    {
        var conditions = new List<IndexCondition>();
        foreach (var conjunct in Conjuncts(body))
        {
            if (Condition(conjunct, change) is { } condition)
            {
                conditions.Add(condition);
            }

            if (!CannotThrow(conjunct, change))
            {
                break;
            }
        }

        return conditions;
    }

    /// <summary>The operands of a chain of <c>&amp;&amp;</c>, in the order they are evaluated.</summary>
    private static IEnumerable<Expression> Conjuncts(Expression node)
    {
        if (node is BinaryExpression { NodeType: ExpressionType.AndAlso, Method: null } and)
        {
            foreach (var left in Conjuncts(and.Left))
            {
                yield return left;
            }

            foreach (var right in Conjuncts(and.Right))
            {
                yield return right;
            }
        }
        else
        {
            yield return node;
        }
    }

    private static IEnumerable<Expression> Disjuncts(Expression node) =>
        node is BinaryExpression { NodeType: ExpressionType.OrElse, Method: null } or
            ? Disjuncts(or.Left).Concat(Disjuncts(or.Right))
            : [node];

    private static IndexCondition? Condition(Expression node, ParameterExpression change)
    {
        if (node is BinaryExpression { NodeType: ExpressionType.OrElse })
        {
            // a == x || a == y: one feature, the union of the values; anything else says nothing.
            var parts = Disjuncts(node).Select(d => Condition(d, change)).ToList();
            if (parts.Any(p => p is null || p.Excluded) || parts.Select(p => p!.Feature).Distinct().Count() != 1)
            {
                return null;
            }

            return new IndexCondition(parts[0]!.Feature, [.. parts.SelectMany(p => p!.Values).Distinct()], Excluded: false);
        }

        if (node is BinaryExpression { NodeType: ExpressionType.Equal or ExpressionType.NotEqual } comparison
            && (comparison.Method is null || IsStringEquality(comparison.Method)))
        {
            var (feature, constant) = FeatureAndConstant(comparison.Left, comparison.Right, change);
            if (feature is null || constant is null || !TryValue(constant, feature.ValueType, out var value))
            {
                return null;
            }

            return new IndexCondition(feature, [value], Excluded: comparison.NodeType == ExpressionType.NotEqual);
        }

        if (node is MethodCallExpression { Method.Name: nameof(Enumerable.Any) } any && any.Method.DeclaringType == typeof(Enumerable)
            && PropertyPath(StripConversions(any.Arguments[0]), change) is { } collection && PresentObjects.Contains(PathKey(collection)))
        {
            return new IndexCondition(new IndexFeature(collection, HasItems: true), [true], Excluded: false);
        }

        if (node.Type == typeof(bool) && PropertyPath(node, change) is { } flag)
        {
            return new IndexCondition(new IndexFeature(flag, HasItems: false), [true], Excluded: false);
        }

        return null;
    }

    private static (IndexFeature? Feature, ConstantExpression? Constant) FeatureAndConstant(Expression left, Expression right, ParameterExpression change)
    {
        foreach (var (a, b) in new[] { (left, right), (right, left) })
        {
            if (StripConversions(b) is ConstantExpression constant && PropertyPath(StripConversions(a), change) is { } path
                && IsIndexable(path[^1].PropertyType) && ConversionsKeepEquality(a))
            {
                return (new IndexFeature(path, HasItems: false), constant);
            }
        }

        return default;
    }

    private static bool IsIndexable(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying.IsEnum || underlying == typeof(bool) || underlying == typeof(string);
    }

    /// <summary>
    /// The constant in the feature's terms: an enum compared as its number is that member; a value of another type,
    /// or a number that cannot be compared exactly, is refused (no condition).
    /// </summary>
    private static bool TryValue(ConstantExpression constant, Type featureType, out object? value)
    {
        value = null;
        var raw = constant.Value;
        if (raw is null)
        {
            return !featureType.IsValueType || Nullable.GetUnderlyingType(featureType) is not null;
        }

        var underlying = Nullable.GetUnderlyingType(featureType) ?? featureType;
        if (underlying.IsEnum)
        {
            if (raw.GetType() == underlying)
            {
                value = raw;
                return true;
            }

            if (raw is int or long or short or byte or sbyte or ushort or uint)
            {
                value = Enum.ToObject(underlying, Convert.ToInt64(raw, System.Globalization.CultureInfo.InvariantCulture));
                return true;
            }

            return false;
        }

        if (raw.GetType() == underlying)
        {
            value = raw;
            return true;
        }

        return false;
    }

    private static bool IsStringEquality(MethodInfo method) =>
        method.DeclaringType == typeof(string) && method.Name is "op_Equality" or "op_Inequality";

    private static Expression StripConversions(Expression node)
    {
        while (node is UnaryExpression { NodeType: ExpressionType.Convert, Method: null } convert)
        {
            node = convert.Operand;
        }

        return node;
    }

    /// <summary>Conversions that keep equality: to or from the nullable form, an enum to its number (or a wider one).</summary>
    private static bool ConversionsKeepEquality(Expression node)
    {
        while (node is UnaryExpression { NodeType: ExpressionType.Convert, Method: null } convert)
        {
            var from = convert.Operand.Type;
            var to = convert.Type;
            var fromBase = Nullable.GetUnderlyingType(from) ?? from;
            var toBase = Nullable.GetUnderlyingType(to) ?? to;
            var keeps = fromBase == toBase
                || (fromBase.IsEnum && (toBase == Enum.GetUnderlyingType(fromBase) || toBase == typeof(long)));
            if (!keeps)
            {
                return false;
            }

            node = convert.Operand;
        }

        return true;
    }

    /// <summary>The properties from the event to <paramref name="node"/>, when it is a plain chain of the contract's properties.</summary>
    private static List<PropertyInfo>? PropertyPath(Expression node, ParameterExpression change)
    {
        var path = new List<PropertyInfo>();
        while (node is MemberExpression { Member: PropertyInfo property } member
            && property.DeclaringType?.Namespace == ContractNamespace)
        {
            path.Insert(0, property);
            node = member.Expression!;
        }

        if (node != change || path.Count == 0)
        {
            return null;
        }

        // Every object on the way must be one a normalised event always has: reading a member of it cannot throw.
        for (var i = 1; i < path.Count; i++)
        {
            if (!PresentObjects.Contains(PathKey(path.Take(i))))
            {
                return null;
            }
        }

        return path;
    }

    private static string PathKey(IEnumerable<PropertyInfo> path) => string.Join('.', path.Select(p => p.Name));

    /// <summary>
    /// Whether evaluating <paramref name="node"/> on a normalised event can neither throw nor take a step of the rule's
    /// budget: constants, reads of the event's always-present objects, comparisons, logic, unchecked arithmetic,
    /// <c>ContainsKey</c> with a constant key, <c>string.IsNullOrEmpty</c>/<c>IsNullOrWhiteSpace</c>, <c>Any()</c> of
    /// <c>Datasets</c>. Anything else (a lambda, an indexer, a method call, a read through a value that may be null) may.
    /// </summary>
    private static bool CannotThrow(Expression? node, ParameterExpression change)
    {
        switch (node)
        {
            case null:
                return true;
            case ConstantExpression:
                return true;
            case ParameterExpression:
                return node == change;
            case MemberExpression { Member: PropertyInfo property } member:
                return property.DeclaringType?.Namespace == ContractNamespace
                    && PropertyPath(member.Expression!, change) is var owner
                    && (member.Expression == change || (owner is not null && PresentObjects.Contains(PathKey(owner))));
            case UnaryExpression { Method: null } unary:
                return unary.NodeType switch
                {
                    ExpressionType.Not or ExpressionType.Negate or ExpressionType.IsTrue or ExpressionType.IsFalse => CannotThrow(unary.Operand, change),
                    // Nullable to non-nullable throws on null; numeric conversions are unchecked.
                    ExpressionType.Convert => !(Nullable.GetUnderlyingType(unary.Operand.Type) is not null && Nullable.GetUnderlyingType(unary.Type) is null && unary.Type.IsValueType)
                        && (unary.Type.IsValueType || unary.Type == typeof(string) || unary.Type == typeof(object)) && CannotThrow(unary.Operand, change),
                    _ => false,
                };
            case BinaryExpression binary:
                return binary.NodeType is ExpressionType.Equal or ExpressionType.NotEqual or ExpressionType.LessThan or ExpressionType.LessThanOrEqual
                        or ExpressionType.GreaterThan or ExpressionType.GreaterThanOrEqual or ExpressionType.AndAlso or ExpressionType.OrElse
                        or ExpressionType.Add or ExpressionType.Subtract or ExpressionType.Multiply
                    && (binary.Method is null || IsStringEquality(binary.Method))
                    && (binary.NodeType is not (ExpressionType.Add or ExpressionType.Subtract or ExpressionType.Multiply) || IsFloatingPoint(binary.Type))
                    && CannotThrow(binary.Left, change) && CannotThrow(binary.Right, change);
            case ConditionalExpression conditional:
                return CannotThrow(conditional.Test, change) && CannotThrow(conditional.IfTrue, change) && CannotThrow(conditional.IfFalse, change);
            case MethodCallExpression call:
                return CallCannotThrow(call, change);
            default:
                return false;
        }
    }

    private static bool CallCannotThrow(MethodCallExpression call, ParameterExpression change)
    {
        var method = call.Method;
        if (method.DeclaringType == typeof(string) && method.Name is nameof(string.IsNullOrEmpty) or nameof(string.IsNullOrWhiteSpace))
        {
            return CannotThrow(call.Arguments[0], change);
        }

        if (method.Name == "ContainsKey" && call.Object is { } dictionary && PropertyPath(dictionary, change) is { } owner
            && PresentObjects.Contains(PathKey(owner)) && call.Arguments is [ConstantExpression { Value: not null }])
        {
            return true;
        }

        return method.DeclaringType == typeof(Enumerable) && method.Name == nameof(Enumerable.Any) && call.Arguments.Count == 1
            && PropertyPath(StripConversions(call.Arguments[0]), change) is { } collection && PresentObjects.Contains(PathKey(collection));
    }

    private static bool IsFloatingPoint(Type type) => (Nullable.GetUnderlyingType(type) ?? type) is var t && (t == typeof(double) || t == typeof(float));
}
