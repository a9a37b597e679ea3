namespace SakuraLb.Functions.Storage;

/// <summary>
/// This installation's owner id (table <c>owner</c>, one row): written once, by whichever process comes first, and
/// never changed. It lives in the function app's own storage so that copying the deployment's parameters (the
/// cluster id) does not copy it.
/// </summary>
public interface IOwnerStore
{
    /// <summary>
    /// The stored owner id; when there is none yet, <paramref name="candidate"/> is inserted (insert-if-absent) and
    /// returned. Concurrent callers with different candidates all get the one that was stored first.
    /// </summary>
    Task<string> GetOrAddAsync(string candidate, CancellationToken cancellationToken);
}

/// <summary><see cref="IOwnerStore"/> in process memory (tests and the sandbox).</summary>
public sealed class InMemoryOwnerStore : IOwnerStore
{
    private string? ownerId;

    public Task<string> GetOrAddAsync(string candidate, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(candidate);
        return Task.FromResult(Interlocked.CompareExchange(ref ownerId, candidate, null) ?? candidate);
    }
}
