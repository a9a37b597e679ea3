using Azure;
using Azure.Data.Tables;

namespace SakuraLb.Functions.Storage;

/// <summary>The point reads, queries and deletes that every table store makes the same way.</summary>
internal static class TableClientExtensions
{
    /// <summary>The row as <paramref name="read"/> maps it; null when there is no such row.</summary>
    public static Task<T?> GetOrDefaultAsync<T>(
        this TableClient table, string partitionKey, string rowKey, Func<TableEntity, T> read, CancellationToken cancellationToken)
        where T : class =>
        table.GetOrDefaultAsync(partitionKey, rowKey, select: null, read, cancellationToken);

    /// <summary>The <paramref name="select"/>ed properties of the row (all when null) as <paramref name="read"/> maps them; null when there is no such row.</summary>
    public static async Task<T?> GetOrDefaultAsync<T>(
        this TableClient table,
        string partitionKey,
        string rowKey,
        IEnumerable<string>? select,
        Func<TableEntity, T> read,
        CancellationToken cancellationToken)
        where T : class
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, select, cancellationToken);
        return response.HasValue ? read(response.Value!) : null;
    }

    /// <summary>Every row of one partition, as the service returns them (ordered by row key).</summary>
    public static AsyncPageable<TableEntity> QueryPartitionAsync(this TableClient table, string partitionKey, CancellationToken cancellationToken) =>
        table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}"), cancellationToken: cancellationToken);

    /// <summary>Every row of one partition, each as <paramref name="read"/> maps it.</summary>
    public static async Task<List<T>> ListPartitionAsync<T>(
        this TableClient table, string partitionKey, Func<TableEntity, T> read, CancellationToken cancellationToken)
    {
        var list = new List<T>();
        await foreach (var entity in table.QueryPartitionAsync(partitionKey, cancellationToken))
        {
            list.Add(read(entity));
        }

        return list;
    }

    /// <summary>Every row that matches <paramref name="filter"/>, each as <paramref name="read"/> maps it.</summary>
    public static async Task<List<T>> ListAsync<T>(
        this TableClient table, string filter, Func<TableEntity, T> read, CancellationToken cancellationToken)
    {
        var list = new List<T>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            list.Add(read(entity));
        }

        return list;
    }

    /// <summary>Deletes the row whatever its version; a row that is already gone is not an error.</summary>
    public static async Task DeleteIfExistsAsync(this TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Already gone.
        }
    }
}
