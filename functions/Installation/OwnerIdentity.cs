using System.Security.Cryptography;

namespace SakuraLb.Functions.Installation;

/// <summary>
/// This installation's owner id: read from (or, the first time, created in) <see cref="IOwnerStore"/> and kept for
/// the process's life. A read that fails is tried again on the next call; nothing that needs the id runs without it.
/// </summary>
public sealed class OwnerIdentity(IOwnerStore store, ControllerSettings settings)
{
    /// <summary>Hex digits of an owner id: 128 random bits.</summary>
    public const int Length = 32;

    private string? ownerId;

    /// <summary>The owner id (created and stored on first use). Concurrent first calls agree: the store inserts only if absent.</summary>
    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref ownerId) is { } known)
        {
            return known;
        }

        var stored = await store.GetOrAddAsync(NewId(), cancellationToken);
        if (!IsValid(stored))
        {
            throw new InvalidOperationException($"The stored owner id \"{stored}\" is not {Length} lower-case hex digits; the owner table was edited by hand.");
        }

        Volatile.Write(ref ownerId, stored);
        return stored;
    }

    /// <summary>The controller settings with this installation's owner id: what every plan that writes tags uses.</summary>
    public async Task<ControllerSettings> SettingsAsync(CancellationToken cancellationToken) =>
        settings with { OwnerId = await GetAsync(cancellationToken) };

    /// <summary>A fresh candidate: 128 random bits as lower-case hex.</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(Length / 2));

    public static bool IsValid(string? id) =>
        id is { Length: Length } && id.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}
