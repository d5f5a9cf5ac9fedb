using System.Collections;
using System.Globalization;
using System.Text;
using Aims.Risk.Contracts;

namespace Aims.Risk.Core.Rules;

/// <summary>
/// A rule's rationale: text with <c>{expression}</c> placeholders evaluated against the event, so the
/// rationale shows the values that made the rule fire. <c>{{</c> and <c>}}</c> are literal braces.
/// </summary>
internal sealed class RationaleTemplate
{
    private const int MaxListedItems = 20;

    private readonly IReadOnlyList<object> _parts;

    private RationaleTemplate(IReadOnlyList<object> parts) => _parts = parts;

    /// <exception cref="RuleExpressionException">A placeholder does not compile, is refused, or a brace is unbalanced.</exception>
    public static RationaleTemplate Compile(string template, RuleExpressionCompiler compiler)
    {
        var parts = new List<object>();
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

                try
                {
                    parts.Add(compiler.CompileValue(expression));
                }
                catch (RuleExpressionException ex)
                {
                    throw new RuleExpressionException($"rationale placeholder {{{expression}}} {ex.Message}", ex);
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

    public string Render(AiSystemChanged change)
    {
        var result = new StringBuilder();
        foreach (var part in _parts)
        {
            if (part is string text)
            {
                result.Append(text);
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

            Append(result, value);
        }

        return result.ToString();
    }

    private static void Append(StringBuilder result, object? value)
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

                    Append(result, item);
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
