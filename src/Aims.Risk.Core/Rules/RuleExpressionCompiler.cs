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
        Compile<bool>(expression, typeof(bool));

    public Func<AiSystemChanged, object?> CompileValue(string expression) =>
        Compile<object?>(expression, returnType: null);

    private Func<AiSystemChanged, T> Compile<T>(string expression, Type? returnType)
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

        if (body.Type != typeof(T))
        {
            body = Expression.Convert(body, typeof(T));
        }

        var lambda = Expression.Lambda<Func<AiSystemChanged, T>>(body, _change);
        return lambda.CompileFast(ifFastFailedReturnNull: true) ?? lambda.Compile();
    }
}
