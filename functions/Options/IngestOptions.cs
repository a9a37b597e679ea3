namespace SakuraLb.Functions.Options;

/// <summary>How relay requests are authenticated and bounded (configuration section <c>Ingest</c>).</summary>
public sealed class IngestOptions
{
    public const string SectionName = "Ingest";

    /// <summary>Shared HMAC-SHA256 secret (at least 32 characters, not a placeholder, varied: <see cref="Model.Signing.SecretStrength"/>). Required.</summary>
    public string HmacSecret { get; set; } = "";

    /// <summary>The previous secret, accepted too while a rotation is in progress, until <see cref="HmacRotationEndsAt"/>.</summary>
    public string? HmacSecretPrevious { get; set; }

    /// <summary>
    /// When the previous secret stops being accepted (required with <see cref="HmacSecretPrevious"/>): a rotation
    /// that is never finished must not leave a retired secret valid for good.
    /// </summary>
    public DateTimeOffset? HmacRotationEndsAt { get; set; }

    /// <summary>
    /// Whether requests signed with signature v1 (which does not cover the cluster id and the content headers) are
    /// still accepted. On for one release, so relays of the previous release keep working during the upgrade; it
    /// will be off by default in the next release and then removed.
    /// </summary>
    public bool AcceptSignatureV1 { get; set; } = true;

    /// <summary>Largest accepted request body as sent (compressed when gzip); larger is a 413.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest accepted body after inflating a gzip body; larger is a 413 (a small body must not expand without bound).</summary>
    public int MaxDecompressedBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>How far a request's timestamp may be from this host's clock (also how long nonces are kept).</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);
}
