using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using SakuraSim.Search;
using SakuraSim.Wire;

namespace SakuraSim.Pipeline;

/// <summary>The API's response envelopes (a wrapper key per resource, list counts, <c>is_ok</c>) and its standard error body.</summary>
internal static class ApiResponses
{
    public const string BigintHeader = "X-Sakura-Bigint-As-Int";
    public const string BeautifyHeader = "X-Sakura-API-Beautify";

    public static JsonObject Single(string key, JsonNode wire, JsonNode? success = null)
    {
        var body = new JsonObject { [key] = wire, ["is_ok"] = true };
        if (success is not null)
        {
            body["Success"] = success;
        }

        return body;
    }

    /// <summary>A flag result of a state-changing call; appliances answer "Accepted".</summary>
    public static JsonObject Flag(JsonNode success) => new() { ["is_ok"] = true, ["Success"] = success };

    public static JsonObject List<T>(string key, SearchPage<T> page, IEnumerable<JsonObject> items, DateTimeOffset now)
    {
        var array = new JsonArray(items.Select(i => (JsonNode?)i).ToArray());
        return new JsonObject
        {
            ["Total"] = page.Total,
            ["From"] = page.From,
            ["Count"] = array.Count,
            [key] = array,
            ["ResponsedAt"] = WireFormat.Timestamp(now),
            ["is_ok"] = true,
        };
    }

    public static JsonObject Error(int status, string errorCode, IReadOnlyList<string> details, bool english, string? messageOverride)
    {
        var message = messageOverride ?? ErrorCatalog.MessageOf(errorCode, english);
        if (details.Count > 0)
        {
            message += "\n" + string.Join("\n", details);
        }

        return new JsonObject
        {
            ["is_fatal"] = true,
            ["serial"] = Guid.NewGuid().ToString("N"),
            ["status"] = $"{status} {ReasonPhrases.GetReasonPhrase(status)}",
            ["error_code"] = errorCode,
            ["error_msg"] = message,
        };
    }

    public static bool WantsEnglish(HttpRequest request) =>
        request.Headers.AcceptLanguage.ToString().TrimStart().StartsWith("en", StringComparison.OrdinalIgnoreCase);

    /// <summary>Writes an API body, honouring the <c>X-Sakura-Bigint-As-Int</c> and <c>X-Sakura-API-Beautify</c> request headers.</summary>
    public static async Task WriteAsync(HttpContext http, int status, JsonObject body)
    {
        if (http.Request.Headers[BigintHeader].ToString() != "1")
        {
            WireFormat.StringifyBigIds(body);
        }

        var indented = http.Request.Headers[BeautifyHeader].ToString() == "1";
        await WriteBytesAsync(http, status, WireFormat.Serialize(body, indented));
    }

    /// <summary>Control-endpoint bodies: plain JSON, numeric IDs.</summary>
    public static async Task WriteControlAsync(HttpContext http, int status, JsonNode body)
    {
        await WriteBytesAsync(http, status, WireFormat.Serialize(body, indented: true));
    }

    private static async Task WriteBytesAsync(HttpContext http, int status, string json)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(json);
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=UTF-8";
        http.Response.ContentLength = bytes.Length;
        await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
    }
}
