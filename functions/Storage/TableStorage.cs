using System.Collections.Concurrent;
using Azure.Data.Tables;

namespace SakuraLb.Functions.Storage;

/// <summary>
/// The app's tables in one storage account (the Functions host's own, by default). Tables are created on
/// first use, once per process.
/// </summary>
public sealed class TableStorage(TableServiceClient service, string prefix)
{
    public const string DesiredTable = "desired";
    public const string NodesTable = "nodes";
    public const string StatusTable = "status";
    public const string ReservationsTable = "reservations";
    public const string OrphansTable = "orphans";
    public const string NoncesTable = "nonces";
    public const string NodeResultsTable = "noderesults";
    public const string OwnerTable = "owner";

    private readonly ConcurrentDictionary<string, Lazy<Task<TableClient>>> tables = new(StringComparer.Ordinal);

    public string Prefix { get; } = prefix;

    /// <summary>The table endpoint the stores write to.</summary>
    public Uri ServiceUri => service.Uri;

    public Task<TableClient> TableAsync(string suffix, CancellationToken cancellationToken)
    {
        var lazy = tables.GetOrAdd(suffix, s => new Lazy<Task<TableClient>>(() => CreateAsync(Prefix + s)));
        var task = lazy.Value;
        if (task.IsFaulted || task.IsCanceled)
        {
            // A failed creation (storage down at start-up) must not poison the process: try again next time.
            tables.TryRemove(new KeyValuePair<string, Lazy<Task<TableClient>>>(suffix, lazy));
        }

        return task.WaitAsync(cancellationToken);
    }

    /// <summary>The row <paramref name="partitionKey"/>/<paramref name="rowKey"/> of a table, as <paramref name="read"/> maps it; null when there is none.</summary>
    public async Task<T?> GetAsync<T>(string table, string partitionKey, string rowKey, Func<TableEntity, T> read, CancellationToken cancellationToken)
        where T : class
    {
        var client = await TableAsync(table, cancellationToken);
        return await client.GetOrDefaultAsync(partitionKey, rowKey, read, cancellationToken);
    }

    /// <summary>Every row of one partition of a table, each as <paramref name="read"/> maps it.</summary>
    public async Task<IReadOnlyList<T>> ListPartitionAsync<T>(string table, string partitionKey, Func<TableEntity, T> read, CancellationToken cancellationToken)
    {
        var client = await TableAsync(table, cancellationToken);
        return await client.ListPartitionAsync(partitionKey, read, cancellationToken);
    }

    private async Task<TableClient> CreateAsync(string name)
    {
        var client = service.GetTableClient(name);
        await client.CreateIfNotExistsAsync();
        return client;
    }
}
