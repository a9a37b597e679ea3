using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SakuraSim.Wire;

/// <summary>
/// Tolerant readers for request bodies: the official clients disagree on types (IDs as numbers or
/// strings, settings numbers as strings, flags as "True"), so every reader accepts both forms.
/// </summary>
internal static class JsonRead
{
    public static JsonNode? Parse(string text, string what)
    {
        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException ex)
        {
            throw SakuraApiException.BadRequest($"Malformed JSON in {what}: {ex.Message}");
        }
    }

    public static async Task<JsonNode?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(cancellationToken);
        return string.IsNullOrWhiteSpace(text) ? null : Parse(text, "the request body");
    }

    public static JsonValueKind Kind(JsonNode? node) => node?.GetValueKind() ?? JsonValueKind.Null;

    /// <summary>A 64-bit ID sent as a number or as a string of digits.</summary>
    public static bool TryGetId(JsonNode? node, out long id)
    {
        id = 0;
        return Kind(node) switch
        {
            JsonValueKind.Number => node!.AsValue().TryGetValue(out id),
            JsonValueKind.String => long.TryParse(node!.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out id),
            _ => false,
        };
    }

    /// <summary>An integer sent as a JSON number or as a numeric string ("80").</summary>
    public static bool TryGetInt(JsonNode? node, out int value)
    {
        value = 0;
        return Kind(node) switch
        {
            JsonValueKind.Number => node!.AsValue().TryGetValue(out value),
            JsonValueKind.String => int.TryParse(node!.GetValue<string>().Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value),
            _ => false,
        };
    }

    /// <summary>A flag sent as a JSON bool or as a string; true/on/1 count as true, case-insensitively.</summary>
    public static bool TryGetFlag(JsonNode? node, out bool value)
    {
        value = false;
        switch (Kind(node))
        {
            case JsonValueKind.True:
                value = true;
                return true;
            case JsonValueKind.False:
                return true;
            case JsonValueKind.String:
                var text = node!.GetValue<string>().Trim().ToUpperInvariant();
                value = text is "TRUE" or "ON" or "1";
                return value || text is "FALSE" or "OFF" or "0";
            default:
                return false;
        }
    }

    /// <summary>A string value; numbers are accepted and rendered invariantly, anything else is null.</summary>
    public static string? GetString(JsonNode? node) => Kind(node) switch
    {
        JsonValueKind.String => node!.GetValue<string>(),
        JsonValueKind.Number => node!.ToJsonString(),
        _ => null,
    };

    public static JsonObject? GetObject(JsonNode? parent, string key) =>
        parent is JsonObject obj && obj[key] is JsonObject child ? child : null;

    public static bool Has(JsonObject obj, string key) => obj.TryGetPropertyValue(key, out var value) && value is not null;

    /// <summary>A list of strings such as Tags; null means "not sent".</summary>
    public static IReadOnlyList<string>? GetStringList(JsonObject obj, string key, List<string> errors)
    {
        if (!obj.TryGetPropertyValue(key, out var node) || node is null)
        {
            return null;
        }

        if (node is not JsonArray array)
        {
            errors.Add($"The property {key} must be an array of strings");
            return null;
        }

        var result = new List<string>();
        foreach (var item in array)
        {
            if (Kind(item) != JsonValueKind.String)
            {
                errors.Add($"The property {key} must be an array of strings");
                return null;
            }

            result.Add(item!.GetValue<string>());
        }

        return result;
    }
}
