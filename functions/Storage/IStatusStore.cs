namespace SakuraLb.Functions.Storage;

/// <summary>Published status per Service (partition = cluster id, row = UID).</summary>
public interface IStatusStore
{
    Task<StatusRecord?> GetAsync(string clusterId, string uid, CancellationToken cancellationToken);

    /// <summary>Every status of the cluster, in one query.</summary>
    Task<IReadOnlyList<StatusRecord>> ListAsync(string clusterId, CancellationToken cancellationToken);

    /// <summary>Writes the status whatever is stored.</summary>
    Task PutAsync(StatusRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the status if the stored row is still at <paramref name="expectedVersion"/> (as read by
    /// <see cref="GetAsync"/>), or, when it is null, if there is no row yet; false when another write came first.
    /// </summary>
    Task<bool> TryPutAsync(StatusRecord record, string? expectedVersion, CancellationToken cancellationToken);

    Task DeleteAsync(string clusterId, string uid, CancellationToken cancellationToken);
}
