using System.Linq.Dynamic.Core.Exceptions;
using System.Linq.Expressions;
using Aims.Risk.Contracts;
using FastExpressionCompiler;
using RulesEngine.ExpressionBuilders;
using RulesEngine.Models;

namespace Aims.Risk.Core.Rules;

/// <summary>
/// Parses rule expressions with RulesEngine's own parser (so the syntax and semantics are RulesEngine's),
/// checks the tree with <see cref="ExpressionGuard"/>, and compiles it once into a typed delegate. Running
/// the delegate avoids RulesEngine's per-call wrapping, result trees and boxing.
/// </summary>
internal sealed class RuleExpressionCompiler
{
    public const string ParameterName = "change";

    private static readonly System.Reflection.MethodInfo BeginMethod = typeof(RuleStepBudget).GetMethod(nameof(RuleStepBudget.Begin))!;
    private static readonly System.Reflection.MethodInfo StepMethod = typeof(RuleStepBudget).GetMethod(nameof(RuleStepBudget.Step))!;

    private readonly RuleExpressionParser _parser = new(CreateSettings());
    private readonly ParameterExpression _change = Expression.Parameter(typeof(AiSystemChanged), ParameterName);

    /// <summary>The settings shared with the reference RulesEngine, so both parse identically.</summary>
    public static ReSettings CreateSettings() => new()
    {
        CustomTypes = [.. typeof(AiSystemChanged).Assembly.GetExportedTypes().Where(t => t.Namespace == typeof(AiSystemChanged).Namespace && !t.IsGenericTypeDefinition)],
        IsExpressionCaseSensitive = false,
        EnableExceptionAsErrorMessage = true,
        EnableExceptionAsErrorMessageForRuleExpressionParsing = true,
        AutoExecuteActions = false,
    };

    public Func<AiSystemChanged, bool> CompilePredicate(string expression) =>
        Compile<bool>(expression, typeof(bool), out _);

    /// <summary>The predicate, and the values of the event it reads (for the resolution of system-scoped risks).</summary>
    public Func<AiSystemChanged, bool> CompilePredicate(string expression, out RuleEvidence evidence)
    {
        var predicate = Compile<bool>(expression, typeof(bool), out var parsed);
        evidence = RuleEvidence.Of(parsed, _change);
        return predicate;
    }

    public Func<AiSystemChanged, object?> CompileValue(string expression) =>
        CompileValue(expression, out _);

    /// <param name="expression">The expression.</param>
    /// <param name="valueType">The expression's static type, before it is boxed to object.</param>
    public Func<AiSystemChanged, object?> CompileValue(string expression, out Type valueType)
    {
        var value = Compile<object?>(expression, returnType: null, out var parsed);
        valueType = parsed.Type;
        return value;
    }

    /// <param name="parsed">The checked expression tree, before conversion to <typeparamref name="T"/>.</param>
    private Func<AiSystemChanged, T> Compile<T>(string expression, Type? returnType, out Expression parsed)
    {
        if (ExpressionGuard.CheckText(expression) is { } textProblem)
        {
            throw new RuleExpressionException(textProblem);
        }

        Expression body;
        try
        {
            body = _parser.Parse(expression, [_change], returnType!);
        }
        catch (ParseException ex)
        {
            throw new RuleExpressionException($"does not compile: {ex.Message} (at character {ex.Position + 1})", ex);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or NotSupportedException)
        {
            throw new RuleExpressionException($"does not compile: {ex.Message}", ex);
        }

        if (ExpressionGuard.CheckTree(body) is { } treeProblem)
        {
            throw new RuleExpressionException(treeProblem);
        }

        parsed = body;

        if (body.Type != typeof(T))
        {
            body = Expression.Convert(body, typeof(T));
        }

        // After the guard: the budget's calls are the only ones the guard would refuse.
        body = Expression.Block(Expression.Call(BeginMethod), StepCounter.Instance.Visit(body));
        var lambda = Expression.Lambda<Func<AiSystemChanged, T>>(body, _change);
        return lambda.CompileFast(ifFastFailedReturnNull: true) ?? lambda.Compile();
    }

    /// <summary>Makes each lambda body take a step from <see cref="RuleStepBudget"/> before it runs.</summary>
    private sealed class StepCounter : ExpressionVisitor
    {
        public static readonly StepCounter Instance = new();

        protected override Expression VisitLambda<TDelegate>(Expression<TDelegate> node)
        {
            var body = Visit(node.Body);
            return Expression.Lambda<TDelegate>(Expression.Block(body.Type, Expression.Call(StepMethod), body), node.Name, node.TailCall, node.Parameters);
        }
    }
}
