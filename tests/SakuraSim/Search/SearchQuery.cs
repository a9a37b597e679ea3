using System.Text.Json;
using System.Text.Json.Nodes;
using SakuraSim.Wire;

namespace SakuraSim.Search;

internal sealed record SortKey(string Path, bool Descending);

/// <summary>
/// The find parameters of a GET search, sent as raw JSON after the '?'
/// (<c>GET /server?{"Filter":{...}}</c>), either as the official clients send it or fully percent-encoded.
/// </summary>
internal sealed record SearchQuery(
    int From,
    int Count,
    IReadOnlyList<SortKey> Sort,
    IReadOnlyList<FilterCondition> Filter,
    IReadOnlyList<string>? Include,
    IReadOnlyList<string>? Exclude)
{
    public static SearchQuery All { get; } = new(0, 0, [], [], null, null);

    /// <summary>Decodes the raw query string (with or without the leading '?').</summary>
    public static string? DecodeRaw(string? rawQuery)
    {
        if (string.IsNullOrEmpty(rawQuery))
        {
            return null;
        }

        var text = rawQuery.StartsWith('?') ? rawQuery[1..] : rawQuery;
        if (text.Length == 0)
        {
            return null;
        }

        try
        {
            return Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            throw SakuraApiException.BadRequest("The query string is not validly percent-encoded");
        }
    }

    public static SearchQuery Parse(string? decodedQuery)
    {
        if (string.IsNullOrWhiteSpace(decodedQuery))
        {
            return All;
        }

        if (JsonRead.Parse(decodedQuery, "the query string") is not JsonObject root)
        {
            throw SakuraApiException.BadRequest("The query string must be a JSON object such as {\"Filter\":{...}}");
        }

        var errors = new List<string>();
        var from = ReadCount(root, "From", errors);
        var count = ReadCount(root, "Count", errors);
        var sort = ReadSort(root["Sort"], errors);
        var filter = root["Filter"] switch
        {
            null => [],
            JsonObject obj => FilterCondition.ParseAll(obj, errors),
            _ => Fail<IReadOnlyList<FilterCondition>>(errors, "The property Filter must be an object", []),
        };
        var include = ReadNames(root, "Include", errors);
        var exclude = ReadNames(root, "Exclude", errors);
        if (errors.Count > 0)
        {
            throw SakuraApiException.BadRequest(errors);
        }

        return new SearchQuery(from, count, sort, filter, include, exclude);
    }

    private static T Fail<T>(List<string> errors, string message, T value)
    {
        errors.Add(message);
        return value;
    }

    private static int ReadCount(JsonObject root, string key, List<string> errors)
    {
        var node = root[key];
        if (node is null)
        {
            return 0;
        }

        if (node.GetValueKind() != JsonValueKind.Number || !node.AsValue().TryGetValue(out int value) || value < 0)
        {
            errors.Add($"The property {key} must be a non-negative integer");
            return 0;
        }

        return value;
    }

    private static List<SortKey> ReadSort(JsonNode? node, List<string> errors)
    {
        var names = node switch
        {
            null => [],
            JsonArray array => array.Select(StringOnly).ToList(),
            _ => [StringOnly(node)],
        };
        var keys = new List<SortKey>();
        foreach (var name in names)
        {
            if (string.IsNullOrEmpty(name) || name == "-")
            {
                errors.Add("The property Sort must be a list of field names");
                continue;
            }

            keys.Add(name.StartsWith('-') ? new SortKey(name[1..], true) : new SortKey(name, false));
        }

        return keys;
    }

    private static string? StringOnly(JsonNode? node) =>
        JsonRead.Kind(node) == JsonValueKind.String ? node!.GetValue<string>() : null;

    private static List<string>? ReadNames(JsonObject root, string key, List<string> errors)
    {
        if (root[key] is null)
        {
            return null;
        }

        if (root[key] is not JsonArray array || array.Any(n => JsonRead.Kind(n) != JsonValueKind.String))
        {
            errors.Add($"The property {key} must be a list of field names");
            return null;
        }

        return array.Select(n => n!.GetValue<string>()).ToList();
    }
}
