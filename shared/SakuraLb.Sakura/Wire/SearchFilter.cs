using System.Text.Json.Nodes;

namespace SakuraLb.Sakura.Wire;

/// <summary>
/// Builds the <c>Filter</c> object of a search. The JSON type of a value decides how the API matches:
/// a string is a partial match (words AND'ed), an array of scalars an exact match OR'ed, and a nested
/// array under <c>Tags.Name</c> means "has all of these tags". String values are percent-escaped here
/// (path escaping: a space becomes <c>%20</c>), as the official clients do; the API decodes the whole
/// query once, so it sees the original text.
/// </summary>
internal sealed class SearchFilter
{
    private readonly JsonObject filter = [];

    /// <summary>Exact match on any of <paramref name="values"/> (OR).</summary>
    public SearchFilter ExactAny(string field, IEnumerable<string> values)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        ArgumentNullException.ThrowIfNull(values);
        var array = new JsonArray();
        foreach (var value in values)
        {
            array.Add(JsonValue.Create(Escape(value)));
        }

        filter[field] = array;
        return this;
    }

    /// <summary>Partial match; every space-separated word must occur.</summary>
    public SearchFilter Partial(string field, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        filter[field] = JsonValue.Create(Escape(value));
        return this;
    }

    /// <summary>Resources carrying every one of <paramref name="tags"/> (nested <c>Tags.Name</c> array).</summary>
    public SearchFilter HasAllTags(IEnumerable<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var inner = new JsonArray();
        foreach (var tag in tags.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            inner.Add(JsonValue.Create(Escape(tag)));
        }

        if (inner.Count > 0)
        {
            filter["Tags.Name"] = new JsonArray(inner);
        }

        return this;
    }

    /// <summary>True when no condition was added.</summary>
    public bool IsEmpty => filter.Count == 0;

    /// <summary>A copy of the filter object, or null when empty.</summary>
    public JsonObject? Build() => IsEmpty ? null : (JsonObject)filter.DeepClone();

    /// <summary>Percent-escapes a filter value (RFC 3986 unreserved characters stay; space is <c>%20</c>).</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Uri.EscapeDataString(value);
    }
}
