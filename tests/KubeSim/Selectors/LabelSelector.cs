using System.Globalization;

namespace KubeSim.Selectors;

/// <summary>
/// Kubernetes label selector (the <c>labelSelector</c> query parameter): comma-separated requirements
/// <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>, <c>k in (a,b)</c>, <c>k notin (a,b)</c>, <c>k</c>, <c>!k</c>,
/// <c>k&gt;n</c>, <c>k&lt;n</c>. All requirements must hold.
/// </summary>
internal sealed class LabelSelector
{
    private readonly IReadOnlyList<Requirement> requirements;

    private LabelSelector(IReadOnlyList<Requirement> requirements) => this.requirements = requirements;

    public static LabelSelector Everything { get; } = new([]);

    public bool IsEmpty => requirements.Count == 0;

    /// <summary>Parses a selector; throws <see cref="FormatException"/> with a readable reason on bad input.</summary>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var requirements = new List<Requirement>();
        foreach (var term in SplitTopLevel(text))
        {
            requirements.Add(ParseRequirement(term.Trim()));
        }

        return new LabelSelector(requirements);
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels) => requirements.All(r => r.Matches(labels));

    private static List<string> SplitTopLevel(string text)
    {
        var terms = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    if (depth < 0)
                    {
                        throw new FormatException($"unable to parse requirement: unbalanced ')' in \"{text}\"");
                    }

                    break;
                case ',' when depth == 0:
                    terms.Add(text[start..i]);
                    start = i + 1;
                    break;
            }
        }

        if (depth != 0)
        {
            throw new FormatException($"unable to parse requirement: unbalanced '(' in \"{text}\"");
        }

        terms.Add(text[start..]);
        return terms;
    }

    private static Requirement ParseRequirement(string term)
    {
        if (term.Length == 0)
        {
            throw new FormatException("unable to parse requirement: found '', expected: identifier");
        }

        if (term[0] == '!')
        {
            return new Requirement(ValidKey(term[1..].Trim()), Op.DoesNotExist, []);
        }

        foreach (var (token, op) in new[] { ("!=", Op.NotEquals), ("==", Op.Equals), ("=", Op.Equals), (">", Op.GreaterThan), ("<", Op.LessThan) })
        {
            var at = term.IndexOf(token, StringComparison.Ordinal);
            if (at > 0)
            {
                var key = ValidKey(term[..at].Trim());
                var value = term[(at + token.Length)..].Trim();
                if (op is Op.GreaterThan or Op.LessThan && !long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                {
                    throw new FormatException($"unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer: \"{value}\"");
                }

                return new Requirement(key, op, [value]);
            }
        }

        var words = term.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 2)
        {
            var rest = words[1];
            Op? setOp = rest.StartsWith("notin", StringComparison.Ordinal) ? Op.NotIn
                : rest.StartsWith("in", StringComparison.Ordinal) ? Op.In : null;
            if (setOp is { } so)
            {
                var list = rest[(so == Op.NotIn ? 5 : 2)..].Trim();
                if (list.Length < 2 || list[0] != '(' || list[^1] != ')')
                {
                    throw new FormatException($"unable to parse requirement: expected a parenthesised value list in \"{term}\"");
                }

                var values = list[1..^1].Split(',', StringSplitOptions.TrimEntries).Where(v => v.Length > 0).ToArray();
                return new Requirement(ValidKey(words[0]), so, values);
            }

            throw new FormatException($"unable to parse requirement: unexpected \"{rest}\" in \"{term}\"");
        }

        return new Requirement(ValidKey(term), Op.Exists, []);
    }

    private static string ValidKey(string key)
    {
        if (key.Length == 0 || key.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/')))
        {
            throw new FormatException($"unable to parse requirement: invalid label key \"{key}\"");
        }

        return key;
    }

    private enum Op
    {
        Equals,
        NotEquals,
        In,
        NotIn,
        Exists,
        DoesNotExist,
        GreaterThan,
        LessThan,
    }

    private sealed record Requirement(string Key, Op Operator, IReadOnlyList<string> Values)
    {
        public bool Matches(IReadOnlyDictionary<string, string> labels)
        {
            var has = labels.TryGetValue(Key, out var actual);
            return Operator switch
            {
                Op.Equals or Op.In => has && Values.Contains(actual),
                Op.NotEquals or Op.NotIn => !has || !Values.Contains(actual),
                Op.Exists => has,
                Op.DoesNotExist => !has,
                Op.GreaterThan => has && long.TryParse(actual, NumberStyles.Integer, CultureInfo.InvariantCulture, out var g)
                    && g > long.Parse(Values[0], CultureInfo.InvariantCulture),
                Op.LessThan => has && long.TryParse(actual, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)
                    && l < long.Parse(Values[0], CultureInfo.InvariantCulture),
                _ => false,
            };
        }
    }
}
