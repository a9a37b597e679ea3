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

    private readonly ConcurrentDictionary<string, Lazy<Task<TableClient>>> tables = new(StringComparer.Ordinal);

    public string Prefix { get; } = prefix;

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

    private async Task<TableClient> CreateAsync(string name)
    {
        var client = service.GetTableClient(name);
        await client.CreateIfNotExistsAsync();
        return client;
    }
}
