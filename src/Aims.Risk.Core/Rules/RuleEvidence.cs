using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Rules;

/// <summary>
/// The values of the event a rule reads (<c>change.Security.ArtifactSigned</c>, <c>change.Datasets</c>,
/// <c>change.Attributes["dpiaCompleted"]</c>), found in its parsed expression. A system-scoped rule that does not
/// fire resolves its risk only when the event carries all of them: a partial event never resolves a risk by silence.
/// </summary>
internal sealed class RuleEvidence
{
    private static readonly MethodInfo AnyMethod = typeof(Enumerable).GetMethods()
        .Single(m => m.Name == nameof(Enumerable.Any) && m.GetParameters().Length == 1);

    private readonly Func<AiSystemChanged, bool> _present;

    private RuleEvidence(Func<AiSystemChanged, bool> present, IReadOnlyList<string> paths, bool readsChangeType, IReadOnlyList<IndexCondition> conditions)
    {
        _present = present;
        Paths = paths;
        ReadsChangeType = readsChangeType;
        Conditions = conditions;
    }

    /// <summary>The values read, as written (e.g. <c>Security.ArtifactSigned</c>), for messages and docs.</summary>
    public IReadOnlyList<string> Paths { get; }

    /// <summary>The expression depends on <c>change.ChangeType</c>: it is about the change, not the system.</summary>
    public bool ReadsChangeType { get; }

    /// <summary>What must hold of an event for the expression to be true, for the rule index (<see cref="RuleConditions"/>).</summary>
    public IReadOnlyList<IndexCondition> Conditions { get; }

    /// <summary>True when the normalised event has every value the rule reads.</summary>
    public bool IsPresentIn(AiSystemChanged normalized) => _present(normalized);

    public static RuleEvidence Of(Expression body, ParameterExpression change)
    {
        var collector = new Collector(change);
        collector.Visit(body);
        Expression present = Expression.Constant(true);
        foreach (var chain in collector.Chains)
        {
            present = Expression.AndAlso(present, Presence(chain));
        }

        var lambda = Expression.Lambda<Func<AiSystemChanged, bool>>(present, change);
        return new RuleEvidence(lambda.Compile(), [.. collector.Chains.Select(Describe).Distinct()], collector.ReadsChangeType, RuleConditions.Of(body, change));
    }

    /// <summary>Each link of the chain is not null; a collection at its end has an item; an attribute key exists.</summary>
    private static Expression Presence(Expression chain)
    {
        var links = new Stack<Expression>();
        for (var link = chain; link is not ParameterExpression; link = Inner(link)!)
        {
            links.Push(link);
        }

        Expression? test = null;
        foreach (var link in links)
        {
            Expression step;
            if (link is MethodCallExpression { Method.Name: "get_Item" } index)
            {
                step = IndexPresence(index);
            }
            else if (link.Type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(link.Type) && link.Type.IsGenericType)
            {
                var item = link.Type.GetInterfaces().Append(link.Type)
                    .First(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)).GetGenericArguments()[0];
                step = Expression.AndAlso(
                    Expression.NotEqual(link, Expression.Constant(null, link.Type)),
                    Expression.Call(AnyMethod.MakeGenericMethod(item), link));
            }
            else if (!link.Type.IsValueType || Nullable.GetUnderlyingType(link.Type) is not null)
            {
                step = Expression.NotEqual(link, Expression.Constant(null, link.Type));
            }
            else
            {
                continue;
            }

            test = test is null ? step : Expression.AndAlso(test, step);
        }

        return test ?? Expression.Constant(true);
    }

    /// <summary>A dictionary has the key; a list is long enough; any other index cannot be checked, so it is never evidence.</summary>
    private static Expression IndexPresence(MethodCallExpression index)
    {
        var target = index.Object!;
        var types = target.Type.GetInterfaces().Prepend(target.Type).ToList();
        if (types.Select(t => t.GetMethod("ContainsKey")).FirstOrDefault(m => m is not null) is { } containsKey)
        {
            return Expression.Call(target, containsKey, index.Arguments);
        }

        if (index.Arguments is [{ Type: var argument } position] && argument == typeof(int)
            && types.Select(t => t.GetProperty("Count")).FirstOrDefault(p => p is not null) is { } count)
        {
            return Expression.GreaterThan(Expression.Property(target, count), position);
        }

        return Expression.Constant(false);
    }

    private static Expression? Inner(Expression link) => link switch
    {
        MemberExpression member => member.Expression,
        MethodCallExpression { Method.Name: "get_Item" } index => index.Object,
        UnaryExpression { NodeType: ExpressionType.Convert } convert => convert.Operand,
        _ => null,
    };

    private static string Describe(Expression chain)
    {
        var parts = new Stack<string>();
        for (var link = chain; link is not ParameterExpression; link = Inner(link)!)
        {
            switch (link)
            {
                case MemberExpression member:
                    parts.Push(member.Member.Name);
                    break;
                case MethodCallExpression index:
                    parts.Push($"[{index.Arguments[0]}]");
                    break;
            }
        }

        return string.Join('.', parts).Replace(".[", "[", StringComparison.Ordinal);
    }

    /// <summary>Collects the longest member chains that start at the event parameter.</summary>
    private sealed class Collector(ParameterExpression change) : ExpressionVisitor
    {
        public List<Expression> Chains { get; } = [];

        public bool ReadsChangeType { get; private set; }

        protected override Expression VisitMember(MemberExpression node) => Record(node) ? node : base.VisitMember(node);

        protected override Expression VisitMethodCall(MethodCallExpression node) =>
            node.Method.Name == "get_Item" && node.Arguments is [ConstantExpression] && Record(node) ? node : base.VisitMethodCall(node);

        private bool Record(Expression node)
        {
            if (!RootsAtChange(node))
            {
                return false;
            }

            if (node is MemberExpression { Member.Name: nameof(AiSystemChanged.ChangeType) })
            {
                ReadsChangeType = true;
                return true;
            }

            Chains.Add(node);
            return true;
        }

        private bool RootsAtChange(Expression node)
        {
            // An index that is not a constant (an attribute named by a lambda's variable) cannot be checked up front.
            var link = Inner(node);
            while (link is MemberExpression or MethodCallExpression { Method.Name: "get_Item", Arguments: [ConstantExpression] } or UnaryExpression { NodeType: ExpressionType.Convert })
            {
                link = Inner(link);
            }

            return link == change && node is not MethodCallExpression { Arguments: not [ConstantExpression] };
        }
    }
}
