using System.Text.Json;
using System.Text.Json.Serialization;

namespace SakuraLb.Functions.Orchestrations;

/// <summary>
/// Writes and reads an enum as its name in lower case with dashes (<c>MaxPasses</c> ↔ <c>"max-passes"</c>), for
/// the values an orchestration shows outside the app that were strings before they became enums.
/// </summary>
public sealed class KebabCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.KebabCaseLower)
    where TEnum : struct, Enum;

/// <summary>An enum value's name as logs and the orchestration output spell it: lower case with dashes.</summary>
public static class KebabCase
{
    public static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}
