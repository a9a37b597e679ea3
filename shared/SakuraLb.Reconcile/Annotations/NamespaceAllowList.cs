using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace SakuraLb.Reconcile.Annotations;

/// <summary>
/// The namespaces whose Services may use one annotation: every namespace (<c>*</c>, the default), none (an
/// empty value), or the ones listed (<c>infra,platform</c>). Written as one string so that "none" can be said in
/// an app setting: an empty list cannot be told apart from an unset one. In JSON (the settings travel in plan
/// inputs) it is that same string.
/// </summary>
[JsonConverter(typeof(JsonForm))]
public sealed partial class NamespaceAllowList
{
    private const int MaxNamespaceLength = 63;

    private readonly SortedSet<string>? names;

    private NamespaceAllowList(SortedSet<string>? names) => this.names = names;

    /// <summary>Every namespace.</summary>
    public static NamespaceAllowList Everywhere { get; } = new(null);

    /// <summary>No namespace.</summary>
    public static NamespaceAllowList Nowhere { get; } = new(new SortedSet<string>(StringComparer.Ordinal));

    public static NamespaceAllowList Of(params IEnumerable<string> namespaces) => new(new SortedSet<string>(namespaces, StringComparer.Ordinal));

    public bool Allows(string? @namespace) => names is null || (@namespace is not null && names.Contains(@namespace));

    /// <summary>
    /// <c>*</c> (every namespace), empty or blank (none) or namespace names separated by commas (spaces around
    /// them are ignored); null when <paramref name="text"/> is none of these, with the reason in <paramref name="problem"/>.
    /// </summary>
    public static NamespaceAllowList? Parse(string? text, out string? problem)
    {
        problem = null;
        var trimmed = text?.Trim() ?? "";
        if (trimmed == "*")
        {
            return Everywhere;
        }

        var parts = trimmed.Length == 0 ? [] : trimmed.Split(',').Select(p => p.Trim()).ToArray();
        var invalid = parts.Where(p => p.Length > MaxNamespaceLength || !NamespaceName().IsMatch(p)).ToList();
        if (invalid.Count > 0)
        {
            problem = $"must be \"*\" (every namespace), empty (none) or namespace names separated by commas; not a namespace name: {string.Join(", ", invalid.Select(p => $"\"{p}\""))}";
            return null;
        }

        return parts.Length == 0 ? Nowhere : Of(parts);
    }

    /// <summary>"every namespace", "no namespace" or "only in a, b": for messages.</summary>
    public string Describe() =>
        names is null ? "in every namespace"
        : names.Count == 0 ? "in no namespace"
        : "only in " + string.Join(", ", names);

    /// <summary>The setting's spelling: <c>*</c>, empty, or the names separated by commas.</summary>
    public override string ToString() => names is null ? "*" : string.Join(",", names);

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex NamespaceName();

    /// <summary>The setting's string; one that does not parse is refused like any malformed payload.</summary>
    private sealed class JsonForm : JsonConverter<NamespaceAllowList>
    {
        public override NamespaceAllowList Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Parse(reader.GetString(), out var problem) ?? throw new JsonException("Not a namespace allow-list: " + problem);

        public override void Write(Utf8JsonWriter writer, NamespaceAllowList value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString());
    }
}
