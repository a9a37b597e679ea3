using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SakuraSim.Model;
using SakuraSim.Wire;

namespace SakuraSim.Control;

/// <summary>Reads camelCase control bodies, collecting every problem for one 400.</summary>
internal sealed class ControlBody(JsonObject obj)
{
    public List<string> Errors { get; } = [];

    public JsonObject Raw => obj;

    public static async Task<ControlBody> ReadAsync(HttpRequest request, bool required, CancellationToken cancellationToken)
    {
        var node = await JsonRead.ReadBodyAsync(request, cancellationToken);
        return node switch
        {
            JsonObject obj => new ControlBody(obj),
            null when !required => new ControlBody([]),
            null => throw SakuraApiException.BadRequest("A JSON object body is required"),
            _ => throw SakuraApiException.BadRequest("The body must be a JSON object"),
        };
    }

    public bool Has(string key) => obj.TryGetPropertyValue(key, out var value) && value is not null;

    public string? String(string key, bool required = false)
    {
        if (!Has(key))
        {
            if (required)
            {
                Errors.Add($"The property {key} is required");
            }

            return null;
        }

        if (JsonRead.Kind(obj[key]) != JsonValueKind.String)
        {
            Errors.Add($"The property {key} must be a string");
            return null;
        }

        return obj[key]!.GetValue<string>();
    }

    public string Zone()
    {
        var zone = String("zone") ?? Topology.DefaultZone;
        if (Zones.Find(zone) is null)
        {
            Errors.Add($"Unknown zone '{zone}'; known zones: {string.Join(", ", Zones.Names)}");
        }

        return zone;
    }

    public int? Int(string key, int min, int max)
    {
        if (!Has(key))
        {
            return null;
        }

        if (!JsonRead.TryGetInt(obj[key], out var value) || value < min || value > max)
        {
            Errors.Add(string.Create(CultureInfo.InvariantCulture, $"The property {key} must be an integer between {min} and {max}"));
            return null;
        }

        return value;
    }

    public double? Number(string key, double min, double max)
    {
        if (!Has(key))
        {
            return null;
        }

        if (JsonRead.Kind(obj[key]) != JsonValueKind.Number || !obj[key]!.AsValue().TryGetValue(out double value) || value < min || value > max)
        {
            Errors.Add(string.Create(CultureInfo.InvariantCulture, $"The property {key} must be a number between {min} and {max}"));
            return null;
        }

        return value;
    }

    public bool? Bool(string key)
    {
        if (!Has(key))
        {
            return null;
        }

        var kind = JsonRead.Kind(obj[key]);
        if (kind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Errors.Add($"The property {key} must be true or false");
            return null;
        }

        return kind == JsonValueKind.True;
    }

    public long? Id(string key, bool required = false)
    {
        if (!Has(key))
        {
            if (required)
            {
                Errors.Add($"The property {key} is required");
            }

            return null;
        }

        if (!JsonRead.TryGetId(obj[key], out var id))
        {
            Errors.Add($"The property {key} must be an ID (number or string of digits)");
            return null;
        }

        return id;
    }

    public Ipv4? Address(string key, bool required = false)
    {
        var text = String(key, required);
        if (text is null)
        {
            return null;
        }

        if (!Ipv4.TryParse(text, out var address))
        {
            Errors.Add($"The property {key} must be an IPv4 address");
            return null;
        }

        return address;
    }

    /// <summary>A nested object; null when absent, an error when present with another JSON type.</summary>
    public JsonObject? Object(string key)
    {
        if (!Has(key))
        {
            return null;
        }

        if (obj[key] is not JsonObject value)
        {
            Errors.Add($"The property {key} must be an object");
            return null;
        }

        return value;
    }

    /// <summary>A nested array; null when absent, an error when present with another JSON type.</summary>
    public JsonArray? Array(string key)
    {
        if (!Has(key))
        {
            return null;
        }

        if (obj[key] is not JsonArray value)
        {
            Errors.Add($"The property {key} must be an array");
            return null;
        }

        return value;
    }

    public IReadOnlyList<string> Tags() => JsonRead.GetStringList(obj, "tags", Errors) ?? [];

    public void ThrowIfInvalid()
    {
        if (Errors.Count > 0)
        {
            throw SakuraApiException.BadRequest(Errors);
        }
    }
}
