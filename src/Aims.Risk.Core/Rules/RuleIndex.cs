using System.Linq.Expressions;
using System.Numerics;
using System.Runtime.InteropServices;
using Aims.Risk.Contracts;

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
    private readonly Func<AiSystemChanged, long>[] _keys;
    private readonly ulong[] _all;

    private RuleIndex(int ruleCount, Feature[] features, Func<AiSystemChanged, long>[] keys, IReadOnlyList<IReadOnlyList<IndexCondition>> conditions)
    {
        RuleCount = ruleCount;
        WordCount = (ruleCount + 63) / 64;
        _features = features;
        _keys = keys;
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

            features.Add(new Feature(group.Key, values, masks));
        }

        // The features' value indexes packed into 64-bit keys, each key computed by one compiled delegate.
        var keys = new List<Func<AiSystemChanged, long>>();
        var inKey = new List<Feature>();
        var shift = 0;
        foreach (var feature in features)
        {
            var bits = 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)feature.Values.Count);
            if (shift + bits > 63)
            {
                keys.Add(KeyOf(inKey));
                inKey.Clear();
                shift = 0;
            }

            (feature.Key, feature.Shift, feature.Bits) = (keys.Count, shift, (1L << bits) - 1);
            inKey.Add(feature);
            shift += bits;
        }

        if (inKey.Count > 0)
        {
            keys.Add(KeyOf(inKey));
        }

        return new RuleIndex(rules.Count, [.. features], [.. keys], conditions);
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

        _all.CopyTo(candidates);
        var keyIndex = -1;
        var key = 0L;
        foreach (var feature in _features)
        {
            if (feature.Key != keyIndex)
            {
                keyIndex = feature.Key;
                key = _keys[keyIndex](normalized);
            }

            And(candidates, feature.Masks[(key >> feature.Shift) & feature.Bits]);
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
    /// One key of <paramref name="features"/>: for each, the event's value as an index into its values (plus one; 0
    /// for any other value), shifted into its bits, compiled once. Compared with the operators the rules use
    /// (<c>==</c> on the value, ordinal on strings), so the index compares exactly as they do.
    /// </summary>
    private static Func<AiSystemChanged, long> KeyOf(List<Feature> features)
    {
        var change = Expression.Parameter(typeof(AiSystemChanged), "change");
        var key = Expression.Variable(typeof(long), "key");
        var body = new List<Expression> { Expression.Assign(key, Expression.Constant(0L)) };
        foreach (var feature in features)
        {
            body.Add(Expression.OrAssign(key, Expression.LeftShift(
                Expression.Convert(ValueIndex(feature.Definition, feature.Values, change), typeof(long)),
                Expression.Constant(feature.Shift))));
        }

        body.Add(key);
        return Expression.Lambda<Func<AiSystemChanged, long>>(Expression.Block([key], body), change).Compile();
    }

    /// <summary><c>v == values[0] ? 1 : v == values[1] ? 2 : ... : 0</c>, for the value of <paramref name="feature"/>.</summary>
    private static Expression ValueIndex(IndexFeature feature, List<object?> values, ParameterExpression change)
    {
        Expression read = change;
        foreach (var property in feature.Path)
        {
            read = Expression.Property(read, property);
        }

        if (feature.HasItems)
        {
            var item = read.Type.GetInterfaces().Append(read.Type)
                .First(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)).GetGenericArguments()[0];
            read = Expression.Call(typeof(Enumerable), nameof(Enumerable.Any), [item], read);
        }

        var nullIndex = values.IndexOf(null) + 1;
        if (read.Type == typeof(string))
        {
            var indexes = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < values.Count; i++)
            {
                if (values[i] is string text)
                {
                    indexes[text] = i + 1;
                }
            }

            return Expression.Call(typeof(RuleIndex).GetMethod(nameof(StringIndex), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!,
                Expression.Constant(indexes), read, Expression.Constant(nullIndex));
        }

        var value = Expression.Variable(read.Type, "value");
        var nullable = Nullable.GetUnderlyingType(read.Type) is not null;
        Expression plain = nullable ? Expression.Call(value, nameof(Nullable<int>.GetValueOrDefault), Type.EmptyTypes) : value;
        Expression chain = Expression.Constant(0);
        for (var i = values.Count - 1; i >= 0; i--)
        {
            if (values[i] is { } constant)
            {
                chain = Expression.Condition(Expression.Equal(plain, Expression.Constant(constant, plain.Type)), Expression.Constant(i + 1), chain);
            }
        }

        if (nullable)
        {
            chain = Expression.Condition(Expression.Property(value, nameof(Nullable<int>.HasValue)), chain, Expression.Constant(nullIndex));
        }

        return Expression.Block(typeof(int), [value], Expression.Assign(value, read), chain);
    }

    private static int StringIndex(Dictionary<string, int> indexes, string? value, int nullIndex) =>
        value is null ? nullIndex : indexes.GetValueOrDefault(value);

    private sealed class Feature(IndexFeature definition, List<object?> values, ulong[][] masks)
    {
        public IndexFeature Definition { get; } = definition;

        /// <summary>The values the rules name; index 0 of <see cref="Masks"/> is any other value, index i + 1 is Values[i].</summary>
        public List<object?> Values { get; } = values;

        public ulong[][] Masks { get; } = masks;

        /// <summary>Which key holds the feature's value index, at which shift, under which mask.</summary>
        public int Key { get; set; }

        public int Shift { get; set; }

        public long Bits { get; set; }
    }
}
