namespace KubeSim.Tests;

internal static class Json
{
    public static string Str(this JsonNode? node, string path)
    {
        var current = node;
        foreach (var part in path.Split('.'))
        {
            current = part.All(char.IsAsciiDigit) && current is JsonArray a ? a[int.Parse(part, System.Globalization.CultureInfo.InvariantCulture)] : current?[part];
        }

        return current switch
        {
            null => "",
            JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => v.GetValue<string>(),
            _ => current.ToJsonString(),
        };
    }
}
