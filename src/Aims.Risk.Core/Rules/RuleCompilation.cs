using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Rules;

/// <summary>
/// Compiling a rule's parts with the guarded expression compiler (one per rule set), each failure reported against the
/// file and the rule: the expression, a modifier's condition and the rationale template. A system-scoped rule, and its
/// modifiers, may not read the change type: a risk about the system as it stands must not depend on which change
/// reported it.
/// </summary>
internal sealed class RuleCompilation(RuleExpressionCompiler compiler, List<RuleSetError> errors)
{
    /// <summary>The rule's predicate and what it reads; nulls when it does not compile.</summary>
    public (Func<AiSystemChanged, bool>? Predicate, RuleEvidence? Evidence) Expression(string expression, RuleScope? scope, string file, string who)
    {
        try
        {
            var predicate = compiler.CompilePredicate(expression, out var evidence);
            if (scope == RuleScope.System && evidence.ReadsChangeType)
            {
                errors.Add(new RuleSetError(file, who, "scope 'system' describes the system as it stands, so the expression may not read change.ChangeType; use scope 'change' or drop the condition on the change type"));
            }

            return (predicate, evidence);
        }
        catch (RuleExpressionException ex)
        {
            errors.Add(new RuleSetError(file, who, $"Expression {ex.Message}"));
            return default;
        }
    }

    /// <summary>A modifier's condition (<paramref name="where"/>: <c>modifiers[n]</c>); null when it does not compile.</summary>
    public Func<AiSystemChanged, bool>? Condition(string when, RuleScope? scope, string where, string file, string who)
    {
        try
        {
            var condition = compiler.CompilePredicate(when, out var evidence);
            if (scope == RuleScope.System && evidence.ReadsChangeType)
            {
                errors.Add(new RuleSetError(file, who, $"{where}: a system-scoped rule's level may not depend on the change type; the condition reads change.ChangeType"));
            }

            return condition;
        }
        catch (RuleExpressionException ex)
        {
            errors.Add(new RuleSetError(file, who, $"{where}.when {ex.Message}"));
            return null;
        }
    }

    /// <summary>The rationale template, with its load-time bounds (<see cref="RationaleTemplate.Compile"/>); null when refused.</summary>
    public RationaleTemplate? Rationale(string text, string file, string who)
    {
        try
        {
            return RationaleTemplate.Compile(text, compiler);
        }
        catch (RuleExpressionException ex)
        {
            errors.Add(new RuleSetError(file, who, ex.Message));
            return null;
        }
    }
}
