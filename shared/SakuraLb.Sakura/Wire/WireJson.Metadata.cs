using System.Text.Json;
using System.Text.Json.Serialization;
using SakuraLb.Reconcile.Observed;
using SakuraLb.Sakura.Wire.Converters;

namespace SakuraLb.Sakura.Wire;

internal static partial class WireJson
{
    /// <summary>
    /// Source-generated JSON metadata for every wire type. Property names are the API's PascalCase as
    /// declared; reads are case-insensitive and ignore unknown members; nulls are left out on write.
    /// List properties normalise null in their init accessor (<c>init => field = value ?? []</c>): the source
    /// generator passes null for an init-only property missing from the JSON instead of keeping its initializer.
    /// It is private to <see cref="WireJson"/>, so every read and write goes through <see cref="WireJson.Options"/>, which adds
    /// the object and list tolerance this metadata alone lacks.
    /// </summary>
    [JsonSourceGenerationOptions(
        PropertyNamingPolicy = JsonKnownNamingPolicy.Unspecified,
        PropertyNameCaseInsensitive = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Converters =
        [
            typeof(LenientIntegerConverter<long>),
            typeof(LenientNullableIntegerConverter<long>),
            typeof(LenientIntegerConverter<int>),
            typeof(LenientNullableIntegerConverter<int>),
            typeof(TolerantEnumConverter<InstanceStatus>),
        ])]
    [JsonSerializable(typeof(ApplianceEnvelope))]
    [JsonSerializable(typeof(ApplianceListEnvelope))]
    [JsonSerializable(typeof(InternetEnvelope))]
    [JsonSerializable(typeof(InternetListEnvelope))]
    [JsonSerializable(typeof(SwitchEnvelope))]
    [JsonSerializable(typeof(SwitchListEnvelope))]
    [JsonSerializable(typeof(ServerListEnvelope))]
    [JsonSerializable(typeof(LoadBalancerStatusEnvelope))]
    [JsonSerializable(typeof(AuthStatus))]
    [JsonSerializable(typeof(SakuraErrorBody))]
    [JsonSerializable(typeof(SakuraAppliance))]
    [JsonSerializable(typeof(SakuraInternet))]
    [JsonSerializable(typeof(SakuraSwitch))]
    [JsonSerializable(typeof(SakuraServer))]
    [JsonSerializable(typeof(SwitchRef))]
    [JsonSerializable(typeof(ApplianceCreateEnvelope))]
    [JsonSerializable(typeof(ApplianceUpdateEnvelope))]
    [JsonSerializable(typeof(ShutdownRequest))]
    [JsonSerializable(typeof(SearchRequest))]
    private sealed partial class Metadata : JsonSerializerContext;
}
