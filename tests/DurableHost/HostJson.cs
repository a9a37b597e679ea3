using System.Globalization;
using System.Text.Json;

namespace DurableHost;

/// <summary>
/// Reads a host.json as the Functions host does (comments and trailing commas allowed, names matched without regard
/// to case); <see cref="Repository"/> is this repository's own, embedded at build time.
/// </summary>
internal static class HostJson
{
    /// <summary>The Durable extension's default for both concurrency limits: 10 per processor.</summary>
    public static int ExtensionDefaultConcurrency => 10 * Environment.ProcessorCount;

    /// <summary>The concurrency limits named in this repository's host.json (the extension's defaults where it names none).</summary>
    public static Concurrency Repository { get; } = ReadRepositoryConcurrency();

    public static Stream OpenRepositoryFile() =>
        typeof(HostJson).Assembly.GetManifestResourceStream("DurableHost.host.json")
            ?? throw new InvalidOperationException("host.json is not embedded in DurableHost.");

    public static JsonDocument Parse(Stream hostJson) =>
        JsonDocument.Parse(hostJson, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });

    /// <summary>extensions.durableTask, if there is one.</summary>
    public static JsonElement? DurableSection(JsonDocument document) =>
        Child(document.RootElement, "extensions") is { } extensions ? Child(extensions, "durableTask") : null;

    /// <summary>maxConcurrentActivityFunctions and maxConcurrentOrchestratorFunctions of a durableTask section.</summary>
    public static Concurrency ConcurrencyOf(JsonElement? durable) => new(
        (durable is { } a ? Int(a, "maxConcurrentActivityFunctions") : null) ?? ExtensionDefaultConcurrency,
        (durable is { } o ? Int(o, "maxConcurrentOrchestratorFunctions") : null) ?? ExtensionDefaultConcurrency);

    public static JsonElement? Child(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    public static int? Int(JsonElement element, string name) => Child(element, name) switch
    {
        { ValueKind: JsonValueKind.Number } number => number.GetInt32(),
        { ValueKind: JsonValueKind.String } text => int.Parse(text.GetString()!, CultureInfo.InvariantCulture),
        _ => null,
    };

    public static bool? Bool(JsonElement element, string name) => Child(element, name) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { ValueKind: JsonValueKind.String } text => bool.Parse(text.GetString()!),
        _ => null,
    };

    public static TimeSpan? Duration(JsonElement element, string name) => Child(element, name) switch
    {
        { ValueKind: JsonValueKind.String } text => TimeSpan.Parse(text.GetString()!, CultureInfo.InvariantCulture),
        _ => null,
    };

    private static Concurrency ReadRepositoryConcurrency()
    {
        using var stream = OpenRepositoryFile();
        using var document = Parse(stream);
        return ConcurrencyOf(DurableSection(document));
    }

    /// <summary>How many activities and orchestration work items run at a time.</summary>
    public readonly record struct Concurrency(int Activities, int Orchestrators);
}
