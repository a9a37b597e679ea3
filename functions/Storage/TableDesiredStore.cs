using Azure;
using Azure.Data.Tables;

namespace SakuraLb.Functions.Storage;

/// <summary>Desired Services in Azure Table storage, with ETag compare-and-swap and per-partition transactions.</summary>
public sealed class TableDesiredStore(TableStorage storage) : IDesiredStore
{
    // A transaction holds at most 100 operations of one partition.
    private const int TransactionSize = 100;
    private const int MaxAttempts = 32;

    // Above this many Services a partition query is cheaper than point reads.
    private const int PointReadLimit = 16;

    public Task<DesiredService?> GetAsync(string clusterId, string uid, CancellationToken cancellationToken) =>
        storage.GetAsync(TableStorage.DesiredTable, clusterId, uid, Read, cancellationToken);

    public Task<IReadOnlyList<DesiredService>> ListAsync(string clusterId, CancellationToken cancellationToken) =>
        storage.ListPartitionAsync(TableStorage.DesiredTable, clusterId, Read, cancellationToken);

    public async Task<IReadOnlyList<DesiredWrite>> PutAsync(string clusterId, IReadOnlyList<ServiceSnapshot> snapshots, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        var table = await storage.TableAsync(TableStorage.DesiredTable, cancellationToken);
        var results = new Dictionary<int, DesiredWrite>();

        // Every snapshot of one UID goes into the same chunk, so a chunk's outcome is final for its UIDs.
        var groups = snapshots.Select((s, i) => (Snapshot: s, Index: i)).GroupBy(x => x.Snapshot.Uid, StringComparer.Ordinal).ToList();
        foreach (var chunk in groups.Chunk(TransactionSize))
        {
            await PutChunkAsync(table, clusterId, chunk, now, results, cancellationToken);
        }

        return [.. results.OrderBy(r => r.Key).Select(r => r.Value)];
    }

    public async Task<bool> DeleteAsync(string clusterId, string uid, long expectedSeq, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableStorage.DesiredTable, cancellationToken);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(clusterId, uid, ["Seq"], cancellationToken);
        if (!response.HasValue || response.Value!.GetInt64("Seq") != expectedSeq)
        {
            return false;
        }

        try
        {
            await table.DeleteEntityAsync(clusterId, uid, response.Value.ETag, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<DesiredMark>> MarkChangedAsync(string clusterId, IReadOnlyList<string> uids, string? wantedNodes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uids);
        var table = await storage.TableAsync(TableStorage.DesiredTable, cancellationToken);
        var marks = new List<DesiredMark>();
        foreach (var chunk in uids.Distinct(StringComparer.Ordinal).Chunk(TransactionSize))
        {
            marks.AddRange(await MarkChunkAsync(table, clusterId, chunk, wantedNodes, cancellationToken));
        }

        return marks;
    }

    public async Task<bool> TryMarkIdleAsync(string clusterId, string uid, string version, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableStorage.DesiredTable, cancellationToken);
        try
        {
            await table.UpdateEntityAsync(new TableEntity(clusterId, uid) { ["Idle"] = true }, new ETag(version), TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return false;
        }
    }

    private static async Task<List<DesiredMark>> MarkChunkAsync(
        TableClient table, string clusterId, string[] uids, string? wantedNodes, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await ReadManyAsync(table, clusterId, uids, cancellationToken);
            var actions = new List<TableTransactionAction>();
            var marks = new List<DesiredMark>();
            foreach (var (uid, (service, etag)) in stored)
            {
                if (DesiredRules.NeedsMark(service!, wantedNodes))
                {
                    var entity = new TableEntity(clusterId, uid) { ["Idle"] = false };
                    if (wantedNodes is not null)
                    {
                        entity["WantedNodes"] = wantedNodes;
                    }

                    actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateMerge, entity, etag));
                }

                marks.Add(new DesiredMark(uid, service!.Idle));
            }

            try
            {
                if (actions.Count > 0)
                {
                    await table.SubmitTransactionAsync(actions, cancellationToken);
                }

                return marks;
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 409 or 412 && attempt < MaxAttempts)
            {
                // A row changed or went away since the read: read again and decide again.
            }
        }
    }

    private async Task PutChunkAsync(
        TableClient table,
        string clusterId,
        IGrouping<string, (ServiceSnapshot Snapshot, int Index)>[] chunk,
        DateTimeOffset now,
        Dictionary<int, DesiredWrite> results,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await ReadManyAsync(table, clusterId, [.. chunk.Select(g => g.Key)], cancellationToken);
            var actions = new List<TableTransactionAction>();
            var outcomes = new List<(int Index, DesiredWrite Write)>();
            foreach (var group in chunk)
            {
                stored.TryGetValue(group.Key, out var current);
                var service = current.Service;
                var changed = false;
                foreach (var (snapshot, index) in group)
                {
                    if (!DesiredRules.ShouldReplace(service?.Snapshot, snapshot))
                    {
                        outcomes.Add((index, new DesiredWrite(snapshot.Uid, DesiredWriteOutcome.Stale, service!.Seq, DesiredRules.IsResend(service.Snapshot, snapshot))));
                        continue;
                    }

                    service = new DesiredService(clusterId, DesiredRules.Merge(service?.Snapshot, snapshot), (service?.Seq ?? 0) + 1, service?.FirstSeenAt ?? now, now);
                    changed = true;
                    outcomes.Add((index, new DesiredWrite(snapshot.Uid, DesiredWriteOutcome.Stored, service.Seq, WasIdle: current.Service?.Idle ?? false)));
                }

                if (changed)
                {
                    var entity = Write(service!);
                    actions.Add(current.Service is null
                        ? new TableTransactionAction(TableTransactionActionType.Add, entity)
                        : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, current.ETag));
                }
            }

            try
            {
                if (actions.Count > 0)
                {
                    await table.SubmitTransactionAsync(actions, cancellationToken);
                }

                foreach (var (index, write) in outcomes)
                {
                    results[index] = write;
                }

                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another writer got in between: read again and decide again.
            }
        }
    }

    private static async Task<Dictionary<string, (DesiredService? Service, ETag ETag)>> ReadManyAsync(
        TableClient table, string clusterId, IReadOnlyList<string> uids, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, (DesiredService?, ETag)>(StringComparer.Ordinal);
        if (uids.Count > PointReadLimit)
        {
            var wanted = uids.ToHashSet(StringComparer.Ordinal);
            await foreach (var entity in table.QueryPartitionAsync(clusterId, cancellationToken))
            {
                if (wanted.Contains(entity.RowKey))
                {
                    result[entity.RowKey] = (Read(entity), entity.ETag);
                }
            }

            return result;
        }

        foreach (var uid in uids)
        {
            var response = await table.GetEntityIfExistsAsync<TableEntity>(clusterId, uid, cancellationToken: cancellationToken);
            if (response.HasValue)
            {
                result[uid] = (Read(response.Value!), response.Value!.ETag);
            }
        }

        return result;
    }

    private static TableEntity Write(DesiredService service)
    {
        var entity = new TableEntity(service.ClusterId, service.Uid)
        {
            ["Seq"] = service.Seq,
            ["FirstSeenAt"] = service.FirstSeenAt,
            ["UpdatedAt"] = service.UpdatedAt,
            ["Namespace"] = service.Snapshot.Namespace,
            ["Name"] = service.Snapshot.Name,
            ["ResourceVersion"] = service.Snapshot.ResourceVersion,
            ["Deleted"] = service.Snapshot.Deleted,
        };
        PayloadCodec.Write(entity, "Snapshot", ModelJson.SerializeToUtf8Bytes(service.Snapshot), "Service snapshot");
        return entity;
    }

    private static DesiredService Read(TableEntity entity)
    {
        var json = PayloadCodec.Read(entity, "Snapshot") ?? throw new InvalidDataException($"Desired row {entity.PartitionKey}/{entity.RowKey} has no snapshot.");
        var snapshot = ModelJson.Deserialize<ServiceSnapshot>(json) ?? throw new InvalidDataException($"Desired row {entity.PartitionKey}/{entity.RowKey} has an empty snapshot.");
        return new DesiredService(
            entity.PartitionKey,
            snapshot,
            entity.GetInt64("Seq") ?? 0,
            entity.GetDateTimeOffset("FirstSeenAt") ?? default,
            entity.GetDateTimeOffset("UpdatedAt") ?? default)
        {
            Idle = entity.GetBoolean("Idle") ?? false,
            WantedNodes = entity.GetString("WantedNodes"),
            Version = entity.ETag.ToString(),
        };
    }
}
