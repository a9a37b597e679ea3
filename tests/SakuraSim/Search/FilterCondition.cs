using System.Text.Json;
using System.Text.Json.Nodes;

namespace SakuraSim.Search;

/// <summary>
/// One entry of <c>Filter</c>. The JSON type of the value decides the match:
/// a string is a partial match whose space-separated words must all occur; an array of scalars is
/// an exact match of any element; an array of arrays (the nested <c>Tags.Name</c> form) needs every
/// element of one inner array; keys ending in &gt;, &gt;=, &lt;, &lt;= compare.
/// </summary>
internal abstract record FilterCondition(string Path)
{
    public abstract bool Matches(JsonObject item);

    public static IReadOnlyList<FilterCondition> ParseAll(JsonObject filter, List<string> errors)
    {
        var conditions = new List<FilterCondition>();
        foreach (var (key, value) in filter)
        {
            if (Parse(key, value, errors) is { } condition)
            {
                conditions.Add(condition);
            }
        }

        return conditions;
    }

    private static readonly string[] Operators = [">=", "<=", ">", "<"];

    private static FilterCondition? Parse(string key, JsonNode? value, List<string> errors)
    {
        foreach (var op in Operators)
        {
            if (key.EndsWith(op, StringComparison.Ordinal) && key.Length > op.Length)
            {
                var path = key[..^op.Length].TrimEnd();
                if (FieldPath.Canonical(value) is not { } bound)
                {
                    errors.Add($"Filter.{key} must be a number or a string");
                    return null;
                }

                return new CompareCondition(path, op, bound);
            }
        }

        switch (value)
        {
            case null:
                return new NullCondition(key);
            case JsonArray array when array.Count > 0 && array.All(e => e is JsonArray):
                var groups = new List<IReadOnlyList<string>>();
                foreach (var inner in array.Cast<JsonArray>())
                {
                    var items = inner.Select(FieldPath.Canonical).ToList();
                    if (items.Any(i => i is null))
                    {
                        errors.Add($"Filter.{key} must hold only strings or numbers");
                        return null;
                    }

                    groups.Add(items!);
                }

                return new AllOfAnyGroupCondition(key, groups);
            case JsonArray array:
                var values = array.Select(FieldPath.Canonical).ToList();
                if (values.Any(v => v is null))
                {
                    errors.Add($"Filter.{key} must hold only strings or numbers, or arrays of them");
                    return null;
                }

                return new ExactAnyCondition(key, values!);
            case JsonObject:
                errors.Add($"Filter.{key} must be a string, a number or an array, not an object");
                return null;
            default:
                if (value.GetValueKind() == JsonValueKind.String)
                {
                    // Official clients escape the AND separator as %20 before sending; after the one
                    // decoding of the query it is a space, but a client that encoded twice leaves "%20".
                    var words = value.GetValue<string>()
                        .Split([" ", "%20"], StringSplitOptions.RemoveEmptyEntries);
                    return new PartialAllWordsCondition(key, words);
                }

                return new ExactAnyCondition(key, [FieldPath.Canonical(value)!]);
        }
    }
}

internal sealed record PartialAllWordsCondition(string Path, IReadOnlyList<string> Words) : FilterCondition(Path)
{
    public override bool Matches(JsonObject item) =>
        FieldPath.Values(item, Path)
            .Select(FieldPath.Canonical)
            .Any(v => v is not null && Words.All(w => v.Contains(w, StringComparison.OrdinalIgnoreCase)));
}

internal sealed record ExactAnyCondition(string Path, IReadOnlyList<string> Values) : FilterCondition(Path)
{
    public override bool Matches(JsonObject item) =>
        FieldPath.Values(item, Path).Select(FieldPath.Canonical).Any(v => v is not null && Values.Contains(v));
}

/// <summary><c>[["a","b"]]</c>: the field holds a and b; several inner arrays are alternatives.</summary>
internal sealed record AllOfAnyGroupCondition(string Path, IReadOnlyList<IReadOnlyList<string>> Groups) : FilterCondition(Path)
{
    public override bool Matches(JsonObject item)
    {
        var present = FieldPath.Values(item, Path).Select(FieldPath.Canonical).OfType<string>().ToHashSet();
        return Groups.Any(group => group.All(present.Contains));
    }
}

internal sealed record CompareCondition(string Path, string Operator, string Bound) : FilterCondition(Path)
{
    public override bool Matches(JsonObject item) =>
        FieldPath.Values(item, Path).Select(FieldPath.Canonical).Any(v =>
        {
            if (v is null)
            {
                return false;
            }

            var c = FieldPath.Compare(v, Bound);
            return Operator switch
            {
                ">" => c > 0,
                ">=" => c >= 0,
                "<" => c < 0,
                _ => c <= 0,
            };
        });
}

internal sealed record NullCondition(string Path) : FilterCondition(Path)
{
    public override bool Matches(JsonObject item)
    {
        var values = FieldPath.Values(item, Path);
        return values.Count == 0 || values.All(v => v is null);
    }
}
