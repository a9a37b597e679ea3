using System.Text;
using System.Text.Json;
using SakuraLb.Sakura.Wire;

namespace SakuraLb.Sakura.Http;

/// <summary>
/// Sends a search as the Sakura API wants it: the JSON appended after <c>?</c> with no key. The
/// <see cref="SearchRequest"/> travels from the Refit method to here in the request options under
/// <see cref="OptionKey"/>. String values inside the filter are already percent-escaped by
/// <see cref="SearchFilter"/>; here every character outside the URL-safe set is escaped too, so the
/// request line is a valid URI and a server that decodes the query once gets the original JSON back.
/// </summary>
internal sealed class RawJsonQueryHandler : DelegatingHandler
{
    /// <summary>The request-options key (Refit <c>[Property]</c>) that carries the <see cref="SearchRequest"/>.</summary>
    public const string OptionKey = "SakuraLb.SearchQuery";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (((IDictionary<string, object?>)request.Options).TryGetValue(OptionKey, out var value) && value is SearchRequest search)
        {
            request.RequestUri = Apply(request.RequestUri!, search);
        }

        return base.SendAsync(request, cancellationToken);
    }

    /// <summary>Returns <paramref name="uri"/> with the search as its raw-JSON query.</summary>
    public static Uri Apply(Uri uri, SearchRequest search)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(search);
        if (!string.IsNullOrEmpty(uri.Query))
        {
            throw new InvalidOperationException($"A search request must not already carry a query string ({uri.Query}).");
        }

        var json = JsonSerializer.Serialize(search, WireJson.TypeInfo<SearchRequest>());
        return new Uri($"{uri.GetLeftPart(UriPartial.Path)}?{EscapeQuery(json)}", UriKind.Absolute);
    }

    /// <summary>
    /// Percent-escapes every byte that is not an RFC 3986 unreserved character, <c>%</c> (already an
    /// escape made by <see cref="SearchFilter.Escape"/>) or a harmless delimiter. <c>+</c>, <c>&amp;</c>,
    /// <c>=</c> and <c>#</c> are always escaped so no form-style parser can misread the query.
    /// </summary>
    public static string EscapeQuery(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var builder = new StringBuilder(json.Length * 2);
        foreach (var b in Encoding.UTF8.GetBytes(json))
        {
            var c = (char)b;
            if (c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9')
                or '-' or '.' or '_' or '~' or '%' or ':' or ',' or '@' or '!' or '$' or '\'' or '(' or ')' or '*' or ';' or '/')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
