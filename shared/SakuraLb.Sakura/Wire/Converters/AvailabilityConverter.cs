using System.Text.Json;
using System.Text.Json.Serialization;
using SakuraLb.Reconcile.Observed;

namespace SakuraLb.Sakura.Wire.Converters;

/// <summary>
/// <c>Availability</c> of an appliance or server, read into the planner's enum in any case. The API spells one
/// state <c>transfering</c>; both spellings are read, and the API's is written. An unknown or missing value
/// reads as <see cref="ApplianceAvailability.Unknown"/>, so a state added by the API never breaks a read.
/// </summary>
internal sealed class AvailabilityConverter : JsonConverter<ApplianceAvailability>
{
    private const string ApiTransferring = "transfering";

    public override ApplianceAvailability Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return ApplianceAvailability.Unknown;
        }

        var text = reader.GetString();
        if (string.Equals(text, ApiTransferring, StringComparison.OrdinalIgnoreCase))
        {
            return ApplianceAvailability.Transferring;
        }

        return Enum.TryParse<ApplianceAvailability>(text, ignoreCase: true, out var value) && Enum.IsDefined(value)
            ? value
            : ApplianceAvailability.Unknown;
    }

    public override void Write(Utf8JsonWriter writer, ApplianceAvailability value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value == ApplianceAvailability.Transferring ? ApiTransferring : value.ToString().ToLowerInvariant());
}
