using System.Text;

namespace KubeSim.Selectors;

/// <summary>
/// Kubernetes field selector (the <c>fieldSelector</c> query parameter): comma-separated
/// <c>field=value</c>, <c>field==value</c> or <c>field!=value</c> terms over the fields a resource
/// supports (always <c>metadata.name</c> and <c>metadata.namespace</c>). Values may escape
/// <c>\,</c>, <c>\=</c> and <c>\\</c>.
/// </summary>
internal sealed class FieldSelector
{
    private readonly IReadOnlyList<Term> terms;

    private FieldSelector(IReadOnlyList<Term> terms) => this.terms = terms;

    public static FieldSelector Everything { get; } = new([]);

    public bool IsEmpty => terms.Count == 0;

    /// <summary>The name this selector pins (<c>metadata.name=x</c>), if any.</summary>
    public string? ExactName => terms.FirstOrDefault(t => t.Field == "metadata.name" && !t.Negated)?.Value;

    public static FieldSelector Parse(string? text, IReadOnlySet<string> supportedFields)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var terms = new List<Term>();
        foreach (var raw in SplitUnescaped(text, ','))
        {
            if (raw.Length == 0)
            {
                continue;
            }

            var (field, negated, value) = SplitTerm(raw);
            if (!supportedFields.Contains(field))
            {
                throw new FormatException($"field label not supported: {field}");
            }

            terms.Add(new Term(field, negated, value));
        }

        return new FieldSelector(terms);
    }

    public bool Matches(Func<string, string?> fieldValue) =>
        terms.All(t => (fieldValue(t.Field) ?? "") == t.Value != t.Negated);

    private static (string Field, bool Negated, string Value) SplitTerm(string term)
    {
        for (var i = 0; i < term.Length; i++)
        {
            if (term[i] == '\\')
            {
                i++;
                continue;
            }

            if (term[i] == '!' && i + 1 < term.Length && term[i + 1] == '=')
            {
                return (term[..i].Trim(), true, Unescape(term[(i + 2)..]));
            }

            if (term[i] == '=')
            {
                var skip = i + 1 < term.Length && term[i + 1] == '=' ? 2 : 1;
                return (term[..i].Trim(), false, Unescape(term[(i + skip)..]));
            }
        }

        throw new FormatException($"invalid field selector: '{term}': expected an operator ('=', '==' or '!=')");
    }

    private static List<string> SplitUnescaped(string text, char separator)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                current.Append(text[i]).Append(text[i + 1]);
                i++;
            }
            else if (text[i] == separator)
            {
                parts.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(text[i]);
            }
        }

        parts.Add(current.ToString());
        return parts;
    }

    private static string Unescape(string value)
    {
        var sb = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                i++;
            }

            sb.Append(value[i]);
        }

        return sb.ToString();
    }

    private sealed record Term(string Field, bool Negated, string Value);
}
