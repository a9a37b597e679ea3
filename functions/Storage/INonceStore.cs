namespace SakuraLb.Functions.Storage;

/// <summary>Request nonces seen inside the clock-skew window (replay protection).</summary>
public interface INonceStore
{
    /// <summary>True when the nonce is new (or its earlier use has expired); false for a replay.</summary>
    Task<bool> TryAddAsync(string nonce, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes expired nonces; returns how many.</summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
