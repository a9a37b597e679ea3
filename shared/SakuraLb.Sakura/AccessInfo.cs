namespace SakuraLb.Sakura;

/// <summary>Whose the configured access token is and what it may do (<c>create</c>, <c>arrange</c>, <c>view</c>, ...).</summary>
public sealed record AccessInfo(long? AccountId, string? AccountName, string? Permission, bool IsApiKey);
