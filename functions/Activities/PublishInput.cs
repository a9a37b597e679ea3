using System.Text.Json;
using System.Text.Json.Serialization;
using SakuraLb.Reconcile.Planning;
using SakuraLb.Reconcile.Status;

namespace SakuraLb.Functions.Activities;

/// <summary>A status to publish (the plan's outcome) and the Service and versions it reflects.</summary>
[JsonConverter(typeof(FlatPublishInputConverter))]
public sealed record PublishInput(PublishContext Context, PlanOutcome Outcome);

/// <summary>Which Service a published outcome is for, the versions it reflects and how final it is.</summary>
/// <param name="Interim">A progress report before a long wait: it does not claim the desired version is reconciled.</param>
/// <param name="Settled">The outcome is final for <paramref name="DesiredSeq"/>; false when the pass stopped early and must be retried.</param>
/// <param name="IssuedAt">The orchestration's time when it asked for the publish: a publish issued earlier never replaces it.</param>
public sealed record PublishContext(
    string ClusterId,
    string Uid,
    string Namespace,
    string Name,
    string ResourceVersion,
    long DesiredSeq,
    long NodeSeq,
    string NodeFingerprint,
    string RealServerHash,
    bool Settled,
    bool Interim,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset IssuedAt = default)
{
    /// <summary>The resync request of the reconciled snapshot, answered by this publish unless the status already answers it.</summary>
    public string? ResyncRequest { get; init; }

    /// <summary>When the reconciled snapshot was stored.</summary>
    public DateTimeOffset RequestStoredAt { get; init; }

    /// <summary>What the pass changed in the cloud (<see cref="ResyncChanges"/>).</summary>
    public string? Changes { get; init; }
}

/// <summary>
/// A <see cref="PublishInput"/> in JSON is one flat object, the context's fields beside the outcome's: the shape the
/// input had before it was made of the two, which the histories of orchestrations in flight hold and their replays
/// read. The names do not overlap, so each part reads its own fields from the same object.
/// </summary>
internal sealed class FlatPublishInputConverter : JsonConverter<PublishInput>
{
    public override PublishInput Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var flat = JsonElement.ParseValue(ref reader);
        return new PublishInput(
            flat.Deserialize<PublishContext>(options) ?? throw new JsonException("A publish input must be an object."),
            flat.Deserialize<PlanOutcome>(options)!);
    }

    public override void Write(Utf8JsonWriter writer, PublishInput value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        var flat = JsonSerializer.SerializeToNode(value.Context, options)!.AsObject();
        foreach (var (name, field) in JsonSerializer.SerializeToNode(value.Outcome, options)!.AsObject())
        {
            flat[name] = field?.DeepClone();
        }

        flat.WriteTo(writer, options);
    }
}
