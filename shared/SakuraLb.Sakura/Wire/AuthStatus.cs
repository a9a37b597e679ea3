using System.Text.Json.Serialization;
using SakuraLb.Sakura.Wire.Converters;

namespace SakuraLb.Sakura.Wire;

/// <summary>
/// What the credentials are (<c>GET /auth-status</c>; the body is the object itself, with no wrapper key).
/// </summary>
internal sealed record AuthStatus
{
    public AuthAccount? Account { get; init; }

    public AuthMember? Member { get; init; }

    public string? AuthClass { get; init; }

    public string? AuthMethod { get; init; }

    public string? ExternalPermission { get; init; }

    [JsonPropertyName("IsAPIKey")]
    [JsonConverter(typeof(StringFlagConverter))]
    public bool IsApiKey { get; init; }

    /// <summary><c>create</c>, <c>arrange</c>, <c>view</c>, ...: what the key may do.</summary>
    public string? Permission { get; init; }
}

/// <summary>The account of the credentials.</summary>
internal sealed record AuthAccount
{
    [JsonPropertyName("ID")]
    public long? Id { get; init; }

    public string? Name { get; init; }

    public string? Code { get; init; }

    public string? Class { get; init; }
}

/// <summary>The member (user) of the credentials.</summary>
internal sealed record AuthMember
{
    public string? Code { get; init; }

    public string? Class { get; init; }
}
