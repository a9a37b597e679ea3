using System.Text.Json.Nodes;

namespace SakuraSim.Search;

internal sealed record SearchPage<T>(int Total, int From, IReadOnlyList<T> Items);

/// <summary>Filter, sort and page over rendered wire objects, so every field a client sees can be searched.</summary>
internal static class SearchExecutor
{
    public static SearchPage<T> Run<T>(IEnumerable<T> source, Func<T, JsonObject> render, SearchQuery query, int defaultPageSize)
    {
        var matched = source
            .Select(item => (Item: item, Wire: render(item)))
            .Where(x => query.Filter.All(f => f.Matches(x.Wire)))
            .ToList();

        if (query.Sort.Count > 0)
        {
            matched.Sort((a, b) =>
            {
                foreach (var key in query.Sort)
                {
                    var c = FieldPath.Compare(First(a.Wire, key.Path), First(b.Wire, key.Path));
                    if (c != 0)
                    {
                        return key.Descending ? -c : c;
                    }
                }

                return FieldPath.Compare(First(a.Wire, "ID"), First(b.Wire, "ID"));
            });
        }

        var count = query.Count > 0 ? query.Count : defaultPageSize;
        var page = matched.Skip(query.From);
        if (count > 0)
        {
            page = page.Take(count);
        }

        return new SearchPage<T>(matched.Count, query.From, page.Select(x => x.Item).ToList());
    }

    private static string? First(JsonObject wire, string path) =>
        FieldPath.Values(wire, path).Select(FieldPath.Canonical).FirstOrDefault(v => v is not null);

    /// <summary>Applies <c>Include</c> (keep only these paths) and <c>Exclude</c> (drop these paths).</summary>
    public static JsonObject Project(JsonObject wire, SearchQuery query)
    {
        var result = wire;
        if (query.Include is { Count: > 0 } include)
        {
            result = new JsonObject();
            foreach (var path in include)
            {
                CopyPath(wire, result, path.Split('.'));
            }
        }

        if (query.Exclude is { Count: > 0 } exclude)
        {
            foreach (var path in exclude)
            {
                RemovePath(result, path.Split('.'));
            }
        }

        return result;
    }

    private static void CopyPath(JsonObject from, JsonObject to, string[] segments)
    {
        if (!from.TryGetPropertyValue(segments[0], out var value))
        {
            return;
        }

        if (segments.Length == 1 || value is not JsonObject child)
        {
            to[segments[0]] = value?.DeepClone();
            return;
        }

        if (to[segments[0]] is not JsonObject target)
        {
            target = new JsonObject();
            to[segments[0]] = target;
        }

        CopyPath(child, target, segments[1..]);
    }

    private static void RemovePath(JsonObject obj, string[] segments)
    {
        if (segments.Length == 1)
        {
            obj.Remove(segments[0]);
        }
        else if (obj[segments[0]] is JsonObject child)
        {
            RemovePath(child, segments[1..]);
        }
    }
}
