namespace SakuraLb.Functions.Storage;

/// <summary>Published status per Service (partition = cluster id, row = UID).</summary>
public interface IStatusStore
{
    Task<StatusRecord?> GetAsync(string clusterId, string uid, CancellationToken cancellationToken);

    /// <summary>Every status of the cluster, in one query.</summary>
    Task<IReadOnlyList<StatusRecord>> ListAsync(string clusterId, CancellationToken cancellationToken);

    /// <summary>Writes the status (only the Service's own orchestration writes it, so last writer wins).</summary>
    Task PutAsync(StatusRecord record, CancellationToken cancellationToken);

    Task DeleteAsync(string clusterId, string uid, CancellationToken cancellationToken);
}
