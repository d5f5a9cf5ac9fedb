using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.RegularExpressions;
using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Rules;

/// <summary>
/// Rule expressions are code written outside the development team, and RulesEngine 6.0.1 lets an expression
/// reach reflection (<c>change.GetType().Assembly</c>). The guard admits only what risk rules need: the
/// contract's members, operators, lambdas, and a short list of LINQ, string and math methods. Everything
/// else is refused at load time with a reason. The parsed expression tree is checked (an allow-list, so
/// nothing unforeseen gets through); the text is checked first only to give a clearer reason.
/// </summary>
internal static partial class ExpressionGuard
{
    /// <summary>Expressions longer than this are refused: a rule is a predicate, not a program.</summary>
    public const int MaxExpressionLength = 4000;

    /// <summary>
    /// Lambdas nested deeper than this are refused: each level multiplies the work by a collection's size
    /// (up to <see cref="Events.AiSystemChangedValidator.MaxDatasets"/>), so three levels are a billion steps.
    /// </summary>
    public const int MaxLambdaDepth = 2;

    private static readonly HashSet<string> EnumerableMethods =
    [
        "Any", "All", "Count", "Where", "Select", "Contains", "Sum", "Min", "Max", "Average",
        "First", "FirstOrDefault", "Distinct",
    ];

    private static readonly HashSet<string> StringMethods =
    [
        "Contains", "StartsWith", "EndsWith", "ToLower", "ToUpper", "ToLowerInvariant", "ToUpperInvariant",
        "Trim", "TrimStart", "TrimEnd", "Equals", "IsNullOrEmpty", "IsNullOrWhiteSpace", "Compare",
        "CompareTo", "Concat",
    ];

    private static readonly HashSet<string> MathMethods = ["Abs", "Min", "Max", "Round", "Floor", "Ceiling"];

    private static readonly HashSet<Type> ValueTypes =
    [
        typeof(bool), typeof(int), typeof(long), typeof(double), typeof(decimal), typeof(float),
        typeof(string), typeof(Guid), typeof(DateTimeOffset), typeof(DateTime), typeof(TimeSpan), typeof(object),
    ];

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\b(GetType|typeof|Type|Assembly|Activator|Environment|AppDomain|AppContext|Reflection|Diagnostics|Process|File|Directory|Path|IO|Net|Http|Socket|Marshal|GC|Thread|Threading|Task|Delegate|Invoke|DynamicInvoke|MethodInfo|Emit|Runtime|InteropServices|Console|Registry)\b|(?<![.\w])System\s*\.")]
    private static partial Regex ForbiddenWord();

    /// <summary>Returns why the expression text is refused, or null.</summary>
    public static string? CheckText(string expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
        {
            return "the expression is empty";
        }

        if (expression.Length > MaxExpressionLength)
        {
            return $"the expression is {expression.Length} characters long; the limit is {MaxExpressionLength}";
        }

        var code = StringLiteral().Replace(expression, "\"\"");
        var forbidden = ForbiddenWord().Match(code);
        if (forbidden.Success)
        {
            return $"'{forbidden.Value}' is not allowed: rule expressions may not reach reflection, types, the runtime, files, the network or processes";
        }

        return null;
    }

    /// <summary>Returns why the parsed expression tree is refused, or null.</summary>
    public static string? CheckTree(Expression expression)
    {
        var visitor = new AllowListVisitor();
        visitor.Visit(expression);
        return visitor.Problem;
    }

    private static bool IsAllowedType(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (ValueTypes.Contains(underlying) || underlying.IsEnum && underlying.Namespace == typeof(AiSystemChanged).Namespace)
        {
            return true;
        }

        if (underlying.Namespace == typeof(AiSystemChanged).Namespace)
        {
            return true;
        }

        if (underlying.IsArray)
        {
            return IsAllowedType(underlying.GetElementType()!);
        }

        if (underlying.IsGenericType)
        {
            var definition = underlying.GetGenericTypeDefinition();
            var allowedGeneric = definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyList<>)
                || definition == typeof(IReadOnlyCollection<>) || definition == typeof(IReadOnlyDictionary<,>)
                || definition == typeof(KeyValuePair<,>) || definition == typeof(IOrderedEnumerable<>)
                || definition == typeof(Func<,>) || definition == typeof(Func<,,>) || definition == typeof(List<>)
                || definition == typeof(Dictionary<,>) || definition == typeof(ICollection<>) || definition == typeof(IList<>);
            return allowedGeneric && underlying.GetGenericArguments().All(IsAllowedType);
        }

        return underlying == typeof(IEnumerable);
    }

    private static string? CheckMethod(MethodInfo method)
    {
        var declaring = method.DeclaringType;
        var allowed = declaring switch
        {
            _ when declaring == typeof(Enumerable) => EnumerableMethods.Contains(method.Name),
            _ when declaring == typeof(string) => StringMethods.Contains(method.Name),
            _ when declaring == typeof(Math) => MathMethods.Contains(method.Name),
            _ when declaring is not null && declaring.IsGenericType && declaring.GetGenericTypeDefinition() == typeof(Nullable<>) =>
                method.Name is "GetValueOrDefault" or "get_HasValue" or "get_Value",
            _ when declaring is not null && IsAllowedType(declaring) && !method.IsStatic =>
                method.Name is "ContainsKey" or "get_Item" or "Equals" or "CompareTo" or "TryGetValue",
            _ => false,
        };
        return allowed
            ? null
            : $"calls {declaring?.Name ?? "?"}.{method.Name}, which rule expressions may not call (docs/rules.md lists the methods they may)";
    }

    private static bool IsStringConcatenation(MethodInfo method) =>
        method.DeclaringType == typeof(string) && method.Name == nameof(string.Concat);

    /// <summary>Concat over a sequence or an array accumulates a collection's worth of text in one string.</summary>
    private static bool TakesSequence(MethodInfo method) =>
        method.GetParameters().Any(p => p.ParameterType != typeof(string) && p.ParameterType != typeof(object));

    /// <summary>A list of constants (what <c>x in ("a", "b")</c> builds) is bounded by the expression's length.</summary>
    private static bool IsConstant(Expression expression) =>
        expression is ConstantExpression || expression is UnaryExpression { NodeType: ExpressionType.Convert, Operand: ConstantExpression };

    private sealed class AllowListVisitor : ExpressionVisitor
    {
        private int _lambdaDepth;

        public string? Problem { get; private set; }

        public override Expression? Visit(Expression? node)
        {
            if (Problem is not null || node is null)
            {
                return node;
            }

            if (!IsAllowedType(node.Type) && node.NodeType is not (ExpressionType.Lambda or ExpressionType.Quote))
            {
                Problem = $"produces a value of type {node.Type.Name}, which rule expressions may not use";
                return node;
            }

            switch (node.NodeType)
            {
                case ExpressionType.New:
                case ExpressionType.NewArrayInit when !((NewArrayExpression)node).Expressions.All(IsConstant):
                case ExpressionType.NewArrayBounds:
                case ExpressionType.MemberInit:
                case ExpressionType.ListInit:
                    Problem = "creates objects, which rule expressions may not do";
                    return node;
                case ExpressionType.Invoke:
                case ExpressionType.Block:
                case ExpressionType.Loop:
                case ExpressionType.Goto:
                case ExpressionType.Label:
                case ExpressionType.Try:
                case ExpressionType.Throw:
                case ExpressionType.Assign:
                case ExpressionType.Dynamic:
                case ExpressionType.Extension:
                case ExpressionType.RuntimeVariables:
                case ExpressionType.TypeAs:
                case ExpressionType.TypeIs:
                case ExpressionType.TypeEqual:
                case ExpressionType.Unbox:
                    Problem = $"uses a {node.NodeType} expression, which rule expressions may not use";
                    return node;
                default:
                    return base.Visit(node);
            }
        }

        protected override Expression VisitConstant(ConstantExpression node)
        {
            if (node.Value is not null && !IsAllowedType(node.Value.GetType()))
            {
                Problem = $"holds a constant of type {node.Value.GetType().Name}, which rule expressions may not use";
            }

            return node;
        }

        protected override Expression VisitMember(MemberExpression node)
        {
            if (node.Expression is null)
            {
                Problem = $"reads the static member {node.Member.DeclaringType?.Name}.{node.Member.Name}, which rule expressions may not do";
                return node;
            }

            if (node.Member.DeclaringType is { } declaring && !IsAllowedType(declaring))
            {
                Problem = $"reads {declaring.Name}.{node.Member.Name}, which rule expressions may not do";
                return node;
            }

            return base.VisitMember(node);
        }

        protected override Expression VisitLambda<T>(Expression<T> node)
        {
            if (++_lambdaDepth > MaxLambdaDepth)
            {
                Problem ??= $"nests lambdas {_lambdaDepth} deep; the limit is {MaxLambdaDepth} (each level multiplies the work by a collection's size)";
            }

            var visited = Problem is null ? base.VisitLambda(node) : node;
            _lambdaDepth--;
            return visited;
        }

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            Problem ??= CheckMethod(node.Method) ?? CheckConcatenation(node.Method);
            return Problem is null ? base.VisitMethodCall(node) : node;
        }

        protected override Expression VisitIndex(IndexExpression node)
        {
            if (node.Indexer is { } indexer && indexer.DeclaringType is { } declaring && !IsAllowedType(declaring))
            {
                Problem = $"indexes {declaring.Name}, which rule expressions may not do";
                return node;
            }

            return base.VisitIndex(node);
        }

        protected override Expression VisitUnary(UnaryExpression node)
        {
            if (node.Method is { } method)
            {
                Problem ??= CheckMethod(method);
            }

            return Problem is null ? base.VisitUnary(node) : node;
        }

        protected override Expression VisitBinary(BinaryExpression node)
        {
            // Operator methods on allowed types (string equality, decimal arithmetic) are fine; others are calls in disguise.
            if (node.Method is { } concat && IsStringConcatenation(concat))
            {
                Problem ??= CheckConcatenation(concat);
            }

            if (node.Method is { } method && !(method.DeclaringType is { } t && (t == typeof(string) || t == typeof(decimal) || t == typeof(DateTimeOffset) || t == typeof(DateTime) || t == typeof(TimeSpan) || t == typeof(Guid))))
            {
                Problem ??= CheckMethod(method);
            }

            return Problem is null ? base.VisitBinary(node) : node;
        }

        /// <summary>
        /// Joining text is bounded by the expression's length, except inside a lambda, which runs once per item
        /// and can feed its result to the next one (<c>Select(s => s + s)</c> doubles the text at each step).
        /// </summary>
        private string? CheckConcatenation(MethodInfo method)
        {
            if (!IsStringConcatenation(method))
            {
                return null;
            }

            if (TakesSequence(method))
            {
                return "joins a sequence into one string (string.Concat over a collection), which rule expressions may not do; the rationale template lists a sequence by itself";
            }

            return _lambdaDepth > 0
                ? "joins strings inside a lambda, which rule expressions may not do: run once per item, it can grow text without bound"
                : null;
        }
    }
}
