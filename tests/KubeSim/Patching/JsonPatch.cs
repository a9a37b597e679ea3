using System.Globalization;
using System.Text.Json.Nodes;
using KubeSim.Json;

namespace KubeSim.Patching;

/// <summary>
/// RFC 6902 JSON patch (add, remove, replace, move, copy, test) over System.Text.Json nodes.
/// A malformed document throws <see cref="MalformedPatchException"/>; an operation that does not
/// apply (failed test, missing path) throws <see cref="PatchFailedException"/>.
/// </summary>
internal static class JsonPatch
{
    public static JsonNode? Apply(JsonNode? document, JsonNode? patch)
    {
        if (patch is not JsonArray ops)
        {
            throw new MalformedPatchException("json patch must be an array of operations");
        }

        var root = new JsonObject { ["doc"] = document?.DeepClone() };
        foreach (var opNode in ops)
        {
            if (opNode is not JsonObject op)
            {
                throw new MalformedPatchException("json patch operation must be an object");
            }

            var name = op.Str("op") ?? throw new MalformedPatchException("json patch operation is missing \"op\"");
            var path = op.Str("path") ?? throw new MalformedPatchException($"json patch {name} operation is missing \"path\"");
            var tokens = ParsePointer(path);
            switch (name)
            {
                case "add":
                    Add(root, tokens, RequireValue(op, name), path);
                    break;
                case "remove":
                    Remove(root, tokens, path);
                    break;
                case "replace":
                    var replacement = RequireValue(op, name);
                    Remove(root, tokens, path);
                    Add(root, tokens, replacement, path);
                    break;
                case "move":
                    var moveFrom = op.Str("from") ?? throw new MalformedPatchException("json patch move operation is missing \"from\"");
                    var moved = Remove(root, ParsePointer(moveFrom), moveFrom);
                    Add(root, tokens, moved, path);
                    break;
                case "copy":
                    var copyFrom = op.Str("from") ?? throw new MalformedPatchException("json patch copy operation is missing \"from\"");
                    Add(root, tokens, Get(root, ParsePointer(copyFrom), copyFrom)?.DeepClone(), path);
                    break;
                case "test":
                    Test(root, tokens, RequireValue(op, name), path);
                    break;
                default:
                    throw new MalformedPatchException($"Unexpected kind: {name}");
            }
        }

        return root["doc"]?.DeepClone();
    }

    private static JsonNode? RequireValue(JsonObject op, string name)
    {
        if (!op.TryGetPropertyValue("value", out var value))
        {
            throw new MalformedPatchException($"json patch {name} operation is missing \"value\"");
        }

        return value?.DeepClone();
    }

    // Tokens are relative to the wrapper object {"doc": document}, so the document itself is "doc".
    private static List<string> ParsePointer(string pointer)
    {
        if (pointer.Length > 0 && pointer[0] != '/')
        {
            throw new MalformedPatchException($"invalid JSON pointer \"{pointer}\": must start with '/'");
        }

        var tokens = new List<string> { "doc" };
        if (pointer.Length == 0)
        {
            return tokens;
        }

        tokens.AddRange(pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)));
        return tokens;
    }

    private static JsonNode Parent(JsonObject root, List<string> tokens, string path, string opName)
    {
        JsonNode? current = root;
        for (var i = 0; i < tokens.Count - 1; i++)
        {
            current = Child(current, tokens[i]) ?? throw new PatchFailedException($"{opName} operation does not apply: doc is missing path: \"{path}\"");
        }

        return current!;
    }

    private static JsonNode? Child(JsonNode? node, string token) => node switch
    {
        JsonObject o => o.TryGetPropertyValue(token, out var v) ? v : null,
        JsonArray a when TryIndex(token, a.Count - 1, out var idx) => a[idx],
        _ => null,
    };

    private static bool TryIndex(string token, int max, out int index)
    {
        index = -1;
        if (token.Length == 0 || (token.Length > 1 && token[0] == '0') || !token.All(char.IsAsciiDigit))
        {
            return false;
        }

        return int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out index) && index <= max;
    }

    private static JsonNode? Get(JsonObject root, List<string> tokens, string path)
    {
        var parent = Parent(root, tokens, path, "copy");
        var last = tokens[^1];
        return parent switch
        {
            JsonObject o when o.TryGetPropertyValue(last, out var v) => v,
            JsonArray a when TryIndex(last, a.Count - 1, out var i) => a[i],
            _ => throw new PatchFailedException($"copy operation does not apply: doc is missing path: \"{path}\""),
        };
    }

    private static void Add(JsonObject root, List<string> tokens, JsonNode? value, string path)
    {
        var parent = Parent(root, tokens, path, "add");
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when TryIndex(last, a.Count, out var i):
                a.Insert(i, value);
                break;
            default:
                throw new PatchFailedException($"add operation does not apply: doc is missing path: \"{path}\"");
        }
    }

    private static JsonNode? Remove(JsonObject root, List<string> tokens, string path)
    {
        if (tokens.Count == 1)
        {
            var whole = root["doc"];
            root["doc"] = null;
            return whole;
        }

        var parent = Parent(root, tokens, path, "remove");
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o when o.TryGetPropertyValue(last, out var existing):
                o.Remove(last);
                return existing;
            case JsonArray a when TryIndex(last, a.Count - 1, out var i):
                var item = a[i];
                a.RemoveAt(i);
                return item;
            default:
                throw new PatchFailedException($"remove operation does not apply: doc is missing path: \"{path}\"");
        }
    }

    private static void Test(JsonObject root, List<string> tokens, JsonNode? expected, string path)
    {
        JsonNode? current = root;
        var found = true;
        foreach (var token in tokens)
        {
            if (current is JsonObject o && o.TryGetPropertyValue(token, out var next))
            {
                current = next;
            }
            else if (current is JsonArray a && TryIndex(token, a.Count - 1, out var i))
            {
                current = a[i];
            }
            else
            {
                found = false;
                break;
            }
        }

        var ok = found ? JsonNode.DeepEquals(current, expected) : expected is null;
        if (!ok)
        {
            throw new PatchFailedException($"testing value {path} failed: test failed");
        }
    }
}
