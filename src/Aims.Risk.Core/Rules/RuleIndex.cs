using System.Linq.Expressions;
using System.Numerics;
using System.Runtime.InteropServices;
using Aims.Risk.Contracts;
using FastExpressionCompiler;

namespace Aims.Risk.Core.Rules;

/// <summary>
/// From an event's features (its change type, exposure, risk class, flags, whether it has datasets: every value the
/// rules compare with constants) to the rules that can fire on it, built once when the rule set loads, as OPA indexes
/// policy rules. Each rule's conditions come from its expression (<see cref="RuleConditions"/>); a rule without any
/// is a candidate for every event. For each feature and each of its values (the constants the rules name, and
/// "any other value") the index holds a bit set of the rules that value allows; an event's candidates are the
/// intersection over the features, a few word-wide ANDs. A rule left out could not have fired, and would not
/// have thrown (see <see cref="RuleConditions"/>): the evaluator runs the candidates only and gets the same
/// findings and the same errors as when it runs every rule.
/// </summary>
public sealed class RuleIndex
{
    private readonly Feature[] _features;
    private readonly ulong[] _all;

    private RuleIndex(int ruleCount, Feature[] features, IReadOnlyList<IReadOnlyList<IndexCondition>> conditions)
    {
        RuleCount = ruleCount;
        WordCount = (ruleCount + 63) / 64;
        _features = features;
        _all = Full(ruleCount);
        Conditions = conditions;
        ConditionedRules = conditions.Count(c => c.Count > 0);
    }

    /// <summary>The rules of the set, the bits of a candidate set.</summary>
    public int RuleCount { get; }

    /// <summary>The length of a candidate set in 64-bit words (what <see cref="Candidates"/> fills).</summary>
    public int WordCount { get; }

    /// <summary>The features looked up for each event.</summary>
    public int FeatureCount => _features.Length;

    /// <summary>The rules with at least one condition; the others are candidates for every event.</summary>
    public int ConditionedRules { get; }

    /// <summary>Each rule's conditions, in rule order: what the index knows of it.</summary>
    internal IReadOnlyList<IReadOnlyList<IndexCondition>> Conditions { get; }

    internal static RuleIndex Build(IReadOnlyList<CompiledRule> rules)
    {
        var conditions = rules.Select(r => r.IndexConditions).ToList();
        var features = new List<Feature>();
        foreach (var group in conditions.SelectMany((list, rule) => list.Select(c => (Rule: rule, Condition: c))).GroupBy(x => x.Condition.Feature))
        {
            // Index 0 is any value no rule names; index i + 1 is values[i].
            var values = group.SelectMany(x => x.Condition.Values).Distinct().ToList();
            var masks = new ulong[values.Count + 1][];
            for (var v = 0; v <= values.Count; v++)
            {
                masks[v] = Full(rules.Count);
                foreach (var (rule, condition) in group)
                {
                    var allowed = v == 0 ? condition.Excluded : condition.Allows(values[v - 1]);
                    if (!allowed)
                    {
                        masks[v][rule >> 6] &= ~(1UL << rule);
                    }
                }
            }

            features.Add(new Feature(group.Key, ValueIndex(group.Key, values), masks));
        }

        return new RuleIndex(rules.Count, [.. features], conditions);
    }

    /// <summary>
    /// Sets in <paramref name="candidates"/> (<see cref="WordCount"/> words; bit <c>i % 64</c> of word <c>i / 64</c>
    /// is rule <c>i</c>) the rules that can fire on <paramref name="normalized"/>, an event normalised by
    /// <see cref="EventNormalizer"/>. An event without a system (which no valid event is) gets every rule, so each
    /// rule's own error is recorded.
    /// </summary>
    public void Candidates(AiSystemChanged normalized, Span<ulong> candidates)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        if (candidates.Length != WordCount)
        {
            throw new ArgumentException($"a candidate set of this rule index has {WordCount} words, not {candidates.Length}", nameof(candidates));
        }

        if (_features.Length == 0 || normalized.System is null)
        {
            _all.CopyTo(candidates);
            return;
        }

        _features[0].Mask(normalized).CopyTo(candidates);
        for (var f = 1; f < _features.Length; f++)
        {
            And(candidates, _features[f].Mask(normalized));
        }
    }

    /// <summary>Whether rule <paramref name="rule"/> is in a candidate set filled by <see cref="Candidates"/>.</summary>
    public static bool Contains(ReadOnlySpan<ulong> candidates, int rule) => (candidates[rule >> 6] & (1UL << rule)) != 0;

    private static void And(Span<ulong> target, ulong[] mask)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && target.Length >= Vector<ulong>.Count)
        {
            var vectors = MemoryMarshal.Cast<ulong, Vector<ulong>>(target);
            var masks = MemoryMarshal.Cast<ulong, Vector<ulong>>(mask.AsSpan());
            for (var v = 0; v < vectors.Length; v++)
            {
                vectors[v] &= masks[v];
            }

            i = vectors.Length * Vector<ulong>.Count;
        }

        for (; i < target.Length; i++)
        {
            target[i] &= mask[i];
        }
    }

    private static ulong[] Full(int ruleCount)
    {
        var words = new ulong[(ruleCount + 63) / 64];
        Array.Fill(words, ulong.MaxValue);
        if (ruleCount % 64 != 0)
        {
            words[^1] = (1UL << (ruleCount % 64)) - 1;
        }

        return words;
    }

    /// <summary>
    /// The event's value of <paramref name="feature"/> as an index into <paramref name="values"/> (plus one; 0 for any
    /// other value), compiled once: <c>v == values[0] ? 1 : v == values[1] ? 2 : ... : 0</c>, with the operators the
    /// rules use, so the index compares exactly as they do. Strings are looked up in a dictionary (ordinal, as
    /// <c>==</c> on strings is).
    /// </summary>
    private static Func<AiSystemChanged, int> ValueIndex(IndexFeature feature, List<object?> values)
    {
        var change = Expression.Parameter(typeof(AiSystemChanged), "change");
        Expression value = change;
        foreach (var property in feature.Path)
        {
            value = Expression.Property(value, property);
        }

        if (feature.HasItems)
        {
            var item = value.Type.GetInterfaces().Append(value.Type)
                .First(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)).GetGenericArguments()[0];
            value = Expression.Call(typeof(Enumerable), nameof(Enumerable.Any), [item], value);
        }

        if (value.Type == typeof(string))
        {
            var lambda = Expression.Lambda<Func<AiSystemChanged, string?>>(value, change);
            var read = lambda.CompileFast(ifFastFailedReturnNull: true) ?? lambda.Compile();
            var indexes = new Dictionary<string, int>(StringComparer.Ordinal);
            var nullIndex = 0;
            for (var i = 0; i < values.Count; i++)
            {
                if (values[i] is string text)
                {
                    indexes[text] = i + 1;
                }
                else
                {
                    nullIndex = i + 1;
                }
            }

            return normalized => read(normalized) is { } text ? indexes.GetValueOrDefault(text) : nullIndex;
        }

        Expression result = Expression.Constant(0);
        for (var i = values.Count - 1; i >= 0; i--)
        {
            result = Expression.Condition(Expression.Equal(value, Expression.Constant(values[i], value.Type)), Expression.Constant(i + 1), result);
        }

        // The runtime's compiler: FastExpressionCompiler emits an invalid program for lifted comparisons in nested conditionals.
        return Expression.Lambda<Func<AiSystemChanged, int>>(result, change).Compile();
    }

    private sealed class Feature(IndexFeature definition, Func<AiSystemChanged, int> valueIndex, ulong[][] masks)
    {
        public IndexFeature Definition { get; } = definition;

        public ulong[] Mask(AiSystemChanged normalized) => masks[valueIndex(normalized)];
    }
}
