using System.Collections;
using System.Globalization;
using System.Text;
using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Rules;

/// <summary>
/// A rule's rationale: text with <c>{expression}</c> placeholders evaluated against the event, so the
/// rationale shows the values that made the rule fire. <c>{{</c> and <c>}}</c> are literal braces.
/// Bounded: a template is refused at load when it is long, has many placeholders or one that lists lists (each level
/// multiplies the text by up to <see cref="MaxListedItems"/>); at rendering each placeholder, each rationale and all
/// rationales of one event (<see cref="RationaleBudget"/>) are cut at a fixed number of characters, marked with "…".
/// </summary>
internal sealed class RationaleTemplate
{
    /// <summary>The longest template accepted at load.</summary>
    public const int MaxTemplateChars = 2000;

    /// <summary>The most placeholders a template may have.</summary>
    public const int MaxPlaceholders = 16;

    /// <summary>The longest text one placeholder renders to.</summary>
    public const int MaxPlaceholderChars = 1000;

    /// <summary>The longest rationale rendered (the contract's longest text is 4,096 characters).</summary>
    public const int MaxRenderedChars = 4000;

    private const int MaxListedItems = 20;

    /// <summary>Marks text cut at a limit.</summary>
    private const char Cut = '…';

    private readonly IReadOnlyList<object> _parts;

    private RationaleTemplate(IReadOnlyList<object> parts) => _parts = parts;

    /// <exception cref="RuleExpressionException">A placeholder does not compile, is refused, or a brace is unbalanced.</exception>
    public static RationaleTemplate Compile(string template, RuleExpressionCompiler compiler)
    {
        if (template.Length > MaxTemplateChars)
        {
            throw new RuleExpressionException($"rationale: {template.Length} characters; the limit is {MaxTemplateChars}");
        }

        var parts = new List<object>();
        var placeholders = 0;
        var text = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{' || c == '}' && i + 1 < template.Length && template[i + 1] == '}')
            {
                text.Append(c);
                i++;
            }
            else if (c == '{')
            {
                var end = template.IndexOf('}', i + 1);
                if (end < 0)
                {
                    throw new RuleExpressionException($"rationale: '{{' at character {i + 1} has no closing '}}'");
                }

                var expression = template[(i + 1)..end];
                if (text.Length > 0)
                {
                    parts.Add(text.ToString());
                    text.Clear();
                }

                if (++placeholders > MaxPlaceholders)
                {
                    throw new RuleExpressionException($"rationale: more than {MaxPlaceholders} placeholders");
                }

                Type type;
                try
                {
                    parts.Add(compiler.CompileValue(expression, out type));
                }
                catch (RuleExpressionException ex)
                {
                    throw new RuleExpressionException($"rationale placeholder {{{expression}}} {ex.Message}", ex);
                }

                if (IsSequence(ItemType(type)))
                {
                    throw new RuleExpressionException(
                        $"rationale placeholder {{{expression}}} lists lists, whose text grows without bound with each level; list single values (e.g. Select(d => d.Name))");
                }

                i = end;
            }
            else if (c == '}')
            {
                throw new RuleExpressionException($"rationale: '}}' at character {i + 1} has no opening '{{' (write '}}}}' for a literal brace)");
            }
            else
            {
                text.Append(c);
            }
        }

        if (text.Length > 0)
        {
            parts.Add(text.ToString());
        }

        return new RationaleTemplate(parts);
    }

    public string Render(AiSystemChanged change) => Render(change, new RationaleBudget(MaxRenderedChars));

    /// <summary>
    /// Renders the rationale within <see cref="MaxRenderedChars"/> and what is left of the event's budget; a cut is
    /// marked with "…" (one character beyond the limit). With the budget spent, the rationale is "…" alone.
    /// </summary>
    public string Render(AiSystemChanged change, RationaleBudget budget)
    {
        var limit = Math.Min(MaxRenderedChars, budget.Remaining);
        if (limit <= 0)
        {
            return Cut.ToString();
        }

        var result = new StringBuilder();
        var placeholder = new StringBuilder();
        foreach (var part in _parts)
        {
            if (result.Length >= limit)
            {
                break;
            }

            if (part is string text)
            {
                AppendLimited(result, text, limit);
                continue;
            }

            object? value;
            try
            {
                value = ((Func<AiSystemChanged, object?>)part)(change);
            }
#pragma warning disable CA1031 // A rationale that cannot be rendered must not lose the finding.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                value = $"<{ex.GetType().Name}>";
            }

            placeholder.Clear();
            Append(placeholder, value, nested: false);
            AppendLimited(result, placeholder.ToString(), Math.Min(limit, result.Length + MaxPlaceholderChars));
        }

        budget.Spend(result.Length);
        return result.ToString();
    }

    /// <summary>Appends up to <paramref name="limit"/> characters in all, marking a cut with "…".</summary>
    private static void AppendLimited(StringBuilder result, string text, int limit)
    {
        var room = limit - result.Length;
        if (text.Length <= room)
        {
            result.Append(text);
        }
        else if (room > 0)
        {
            result.Append(text.AsSpan(0, room)).Append(Cut);
        }
    }

    private static bool IsSequence(Type? type) => type is not null && type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type);

    /// <summary>The item type of a sequence type, null for anything else.</summary>
    private static Type? ItemType(Type type) =>
        !IsSequence(type) ? null
        : type.IsArray ? type.GetElementType()
        : (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>) ? type : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)))?.GetGenericArguments()[0];

    /// <summary>Appends a value; a sequence inside a sequence (possible only through an untyped value) shows as "…".</summary>
    private static void Append(StringBuilder result, object? value, bool nested)
    {
        switch (value)
        {
            case null:
                result.Append("none");
                break;
            case string s:
                result.Append(s);
                break;
            case bool b:
                result.Append(b ? "true" : "false");
                break;
            case IFormattable formattable and not Enum:
                result.Append(formattable.ToString(value is double or float or decimal ? "0.###" : null, CultureInfo.InvariantCulture));
                break;
            case IEnumerable when nested:
                result.Append(Cut);
                break;
            case IEnumerable items:
                var count = 0;
                foreach (var item in items)
                {
                    if (count == MaxListedItems)
                    {
                        result.Append(", …");
                        break;
                    }

                    if (count++ > 0)
                    {
                        result.Append(", ");
                    }

                    Append(result, item, nested: true);
                    if (result.Length > MaxPlaceholderChars)
                    {
                        break;
                    }
                }

                if (count == 0)
                {
                    result.Append("none");
                }

                break;
            default:
                result.Append(value.ToString());
                break;
        }
    }
}
