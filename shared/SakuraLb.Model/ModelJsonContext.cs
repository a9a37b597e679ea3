using System.Text.Json.Serialization;

namespace SakuraLb.Model;

/// <summary>
/// Source-generated JSON for every relay ↔ function message: camelCase, enums as strings, nulls left out
/// when writing, unknown members ignored when reading (so a newer sender does not break an older receiver).
/// </summary>
/// <remarks>
/// The generated reader sets every init-only property, so a member missing from the JSON gets its type's
/// default, not the initializer written in the record: a missing <c>version</c> reads as 0 and a missing
/// <c>complete</c> as false, and the validators report both. The records' <c>init</c> accessors turn a null
/// string or list into "" or [] for the same reason.
/// </remarks>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(EventBatch))]
[JsonSerializable(typeof(ServiceSnapshot))]
[JsonSerializable(typeof(NodeSnapshot))]
[JsonSerializable(typeof(NodeSetSnapshot))]
[JsonSerializable(typeof(StatusFeed))]
[JsonSerializable(typeof(ServiceStatus))]
[JsonSerializable(typeof(NodeResult))]
[JsonSerializable(typeof(BackendHealth))]
[JsonSerializable(typeof(ResyncRequest))]
[JsonSerializable(typeof(LoadBalancerStatusNote))]
[JsonSerializable(typeof(ResyncResponse))]
[JsonSerializable(typeof(TeardownRequest))]
[JsonSerializable(typeof(TeardownReport))]
[JsonSerializable(typeof(IReadOnlyList<FieldError>))]
public sealed partial class ModelJsonContext : JsonSerializerContext;
