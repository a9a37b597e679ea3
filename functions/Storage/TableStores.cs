using System.Globalization;
using Azure;
using Azure.Data.Tables;
using SakuraLb.Model;
using SakuraLb.Reconcile.Addressing;
using SakuraLb.Reconcile.Nodes;
using SakuraLb.Reconcile.Observed;

namespace SakuraLb.Functions.Storage;

/// <summary>Desired Services in Azure Table storage, with ETag compare-and-swap and per-partition transactions.</summary>
public sealed class TableDesiredStore(TableStorage storage) : IDesiredStore
{
    // A transaction holds at most 100 operations of one partition.
    private const int TransactionSize = 100;
    private const int MaxAttempts = 32;

    // Above this many Services a partition query is cheaper than point reads.
    private const int PointReadLimit = 16;

    public async Task<DesiredService?> GetAsync(string clusterId, string uid, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableStorage.DesiredTable, cancellationToken);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(clusterId, uid, cancellationToken: cancellationToken);
        return response.HasValue ? Read(response.Value!) : null;
    }

    public async Task<IReadOnlyList<DesiredService>> ListAsync(string clusterId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableStorage.DesiredTable, cancellationToken);
        var list = new List<DesiredService>();
        await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {clusterId}"), cancellationToken: cancellationToken))
        {
            list.Add(Read(entity));
        }

        return list;
    }

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
                    outcomes.Add((index, new DesiredWrite(snapshot.Uid, DesiredWriteOutcome.Stored, service.Seq)));
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
            await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {clusterId}"), cancellationToken: cancellationToken))
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
            entity.GetDateTimeOffset("UpdatedAt") ?? default);
    }
}

/// <summary>The node set in one row per cluster, compressed and chunked (<see cref="PayloadCodec"/>).</summary>
public sealed class TableNodeSetStore(TableStorage storage) : INodeSetStore
{
    private const string RowKey = "nodes";
    private const int MaxAttempts = 32;
    private static readonly string[] HeaderColumns = ["Seq", "EligibleFingerprint", "ChangedAt"];

    public async Task<NodeSetRecord?> GetAsync(string clusterId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableStorage.NodesTable, cancellationToken);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(clusterId, RowKey, cancellationToken: cancellationToken);
        return response.HasValue ? Read(response.Value!) : null;
    }

    public async Task<NodeSetHeader?> GetHeaderAsync(string clusterId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableStorage.NodesTable, cancellationToken);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(clusterId, RowKey, HeaderColumns, cancellationToken);
        return response.HasValue ? ReadHeader(response.Value!) : null;
    }

    public async Task<NodeSetWrite> PutAsync(string clusterId, NodeSetSnapshot snapshot, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var table = await storage.TableAsync(TableStorage.NodesTable, cancellationToken);
        var content = NodeFingerprint.Content(snapshot);
        var eligible = NodeFingerprint.Eligible(snapshot);
        for (var attempt = 1; ; attempt++)
        {
            var response = await table.GetEntityIfExistsAsync<TableEntity>(
                clusterId, RowKey, ["Seq", "EligibleFingerprint", "ChangedAt", "ContentHash", "ResourceVersion"], cancellationToken);
            var stored = response.HasValue ? response.Value : null;
            if (stored is not null)
            {
                var header = ReadHeader(stored);
                if (DesiredRules.IsOlderNodeSet(snapshot.ResourceVersion, stored.GetString("ResourceVersion")))
                {
                    return new NodeSetWrite(NodeSetWriteOutcome.Stale, header, false);
                }

                if (stored.GetString("ContentHash") == content)
                {
                    return new NodeSetWrite(NodeSetWriteOutcome.Unchanged, header, false);
                }
            }

            var next = new NodeSetHeader((stored?.GetInt64("Seq") ?? 0) + 1, eligible, now);
            var entity = new TableEntity(clusterId, RowKey)
            {
                ["Seq"] = next.Seq,
                ["EligibleFingerprint"] = eligible,
                ["ContentHash"] = content,
                ["ChangedAt"] = now,
                ["ResourceVersion"] = snapshot.ResourceVersion,
                ["NodeCount"] = snapshot.Nodes.Count,
            };
            PayloadCodec.Write(entity, "Nodes", ModelJson.SerializeToUtf8Bytes(snapshot), "node set");
            try
            {
                if (stored is null)
                {
                    await table.AddEntityAsync(entity, cancellationToken);
                }
                else
                {
                    await table.UpdateEntityAsync(entity, stored.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return new NodeSetWrite(NodeSetWriteOutcome.Stored, next, stored?.GetString("EligibleFingerprint") != eligible);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // A concurrent batch stored a set first: compare with it.
            }
        }
    }

    private static NodeSetHeader ReadHeader(TableEntity entity) =>
        new(entity.GetInt64("Seq") ?? 0, entity.GetString("EligibleFingerprint") ?? "", entity.GetDateTimeOffset("ChangedAt") ?? default);

    private static NodeSetRecord Read(TableEntity entity)
    {
        var json = PayloadCodec.Read(entity, "Nodes") ?? throw new InvalidDataException($"Node-set row {entity.PartitionKey} has no nodes.");
        var snapshot = ModelJson.Deserialize<NodeSetSnapshot>(json) ?? new NodeSetSnapshot();
        var header = ReadHeader(entity);
        return new NodeSetRecord(entity.PartitionKey, snapshot, header.Seq, entity.GetString("ContentHash") ?? "", header.EligibleFingerprint, header.ChangedAt);
    }
}

/// <summary>Published statuses, one row per Service.</summary>
public sealed class TableStatusStore(TableStorage storage) : IStatusStore
{
    public async Task<StatusRecord?> GetAsync(string clusterId, string uid, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableStorage.StatusTable, cancellationToken);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(clusterId, uid, cancellationToken: cancellationToken);
        return response.HasValue ? Read(response.Value!) : null;
    }

    public async Task<IReadOnlyList<StatusRecord>> ListAsync(string clusterId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableStorage.StatusTable, cancellationToken);
        var list = new List<StatusRecord>();
        await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {clusterId}"), cancellationToken: cancellationToken))
        {
            list.Add(Read(entity));
        }

        return list;
    }

    public async Task PutAsync(StatusRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var table = await storage.TableAsync(TableStorage.StatusTable, cancellationToken);
        var entity = new TableEntity(record.ClusterId, record.Uid)
        {
            ["Phase"] = record.Status.Phase.ToString(),
            ["DesiredSeq"] = record.DesiredSeq,
            ["NodeSeq"] = record.NodeSeq,
            ["NodeFingerprint"] = record.NodeFingerprint,
            ["RealServerHash"] = record.RealServerHash,
            ["Settled"] = record.Settled,
            ["ReadyAt"] = record.ReadyAt,
        };
        PayloadCodec.Write(entity, "Status", ModelJson.SerializeToUtf8Bytes(record.Status), "status");
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task DeleteAsync(string clusterId, string uid, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableStorage.StatusTable, cancellationToken);
        try
        {
            await table.DeleteEntityAsync(clusterId, uid, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Already gone.
        }
    }

    private static StatusRecord Read(TableEntity entity)
    {
        var json = PayloadCodec.Read(entity, "Status") ?? throw new InvalidDataException($"Status row {entity.PartitionKey}/{entity.RowKey} has no status.");
        return new StatusRecord
        {
            ClusterId = entity.PartitionKey,
            Status = ModelJson.Deserialize<ServiceStatus>(json) ?? throw new InvalidDataException($"Status row {entity.PartitionKey}/{entity.RowKey} is empty."),
            DesiredSeq = entity.GetInt64("DesiredSeq") ?? 0,
            NodeSeq = entity.GetInt64("NodeSeq") ?? 0,
            NodeFingerprint = entity.GetString("NodeFingerprint") ?? "",
            RealServerHash = entity.GetString("RealServerHash") ?? "",
            Settled = entity.GetBoolean("Settled") ?? false,
            ReadyAt = entity.GetDateTimeOffset("ReadyAt"),
        };
    }
}

/// <summary>Address reservations: partition = switch id, row = address; inserts only, in one transaction per switch.</summary>
public sealed class TableReservationStore(TableStorage storage) : IReservationStore
{
    private const int MaxAttempts = 5;

    public async Task<IReadOnlyList<AddressReservation>> ListBySwitchAsync(long switchId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableStorage.ReservationsTable, cancellationToken);
        var partition = Partition(switchId);
        var list = new List<AddressReservation>();
        await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), cancellationToken: cancellationToken))
        {
            list.Add(Read(entity));
        }

        return [.. list.OrderBy(r => r.Address)];
    }

    public async Task<IReadOnlyList<AddressReservation>> ListByOwnerAsync(string ownerUid, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableStorage.ReservationsTable, cancellationToken);
        var list = new List<AddressReservation>();
        await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"OwnerUid eq {ownerUid}"), cancellationToken: cancellationToken))
        {
            list.Add(Read(entity));
        }

        return [.. list.OrderBy(r => r.SwitchId).ThenBy(r => r.Address)];
    }

    public async Task<ReserveOutcome> TryReserveAsync(IReadOnlyList<AddressReservation> reservations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservations);
        var table = await storage.TableAsync(TableStorage.ReservationsTable, cancellationToken);
        foreach (var group in reservations.GroupBy(r => r.SwitchId))
        {
            var wanted = group.DistinctBy(r => r.Address).ToList();
            for (var attempt = 1; ; attempt++)
            {
                var actions = new List<TableTransactionAction>();
                var conflicts = new List<AddressReservation>();
                foreach (var reservation in wanted)
                {
                    var response = await table.GetEntityIfExistsAsync<TableEntity>(Partition(group.Key), Row(reservation.Address), cancellationToken: cancellationToken);
                    if (!response.HasValue)
                    {
                        actions.Add(new TableTransactionAction(TableTransactionActionType.Add, Write(reservation)));
                        continue;
                    }

                    var held = Read(response.Value!);
                    if (!string.Equals(held.OwnerUid, reservation.OwnerUid, StringComparison.Ordinal))
                    {
                        conflicts.Add(held);
                    }
                    else if (held.Role != reservation.Role)
                    {
                        actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, Write(reservation), response.Value!.ETag));
                    }
                }

                if (conflicts.Count > 0)
                {
                    return new ReserveOutcome(conflicts);
                }

                try
                {
                    if (actions.Count > 0)
                    {
                        await table.SubmitTransactionAsync(actions, cancellationToken);
                    }

                    break;
                }
                catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
                {
                    // Someone inserted one of these rows meanwhile: read again to see whose it is.
                }
            }
        }

        return new ReserveOutcome([]);
    }

    public async Task ReleaseAsync(IReadOnlyList<AddressReservation> reservations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservations);
        var table = await storage.TableAsync(TableStorage.ReservationsTable, cancellationToken);
        foreach (var reservation in reservations)
        {
            var response = await table.GetEntityIfExistsAsync<TableEntity>(Partition(reservation.SwitchId), Row(reservation.Address), cancellationToken: cancellationToken);
            if (!response.HasValue || !string.Equals(response.Value!.GetString("OwnerUid"), reservation.OwnerUid, StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                await table.DeleteEntityAsync(response.Value.PartitionKey, response.Value.RowKey, response.Value.ETag, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // Gone or changed hands meanwhile: not ours to delete any more.
            }
        }
    }

    private static string Partition(long switchId) => switchId.ToString(CultureInfo.InvariantCulture);

    private static string Row(Ipv4Address address) => address.ToString();

    private static TableEntity Write(AddressReservation r) => new(Partition(r.SwitchId), Row(r.Address))
    {
        ["OwnerUid"] = r.OwnerUid,
        ["Role"] = r.Role.ToString(),
    };

    private static AddressReservation Read(TableEntity entity) => new(
        long.Parse(entity.PartitionKey, CultureInfo.InvariantCulture),
        Ipv4Address.Parse(entity.RowKey),
        entity.GetString("OwnerUid") ?? "",
        Enum.TryParse<AddressRole>(entity.GetString("Role"), out var role) ? role : AddressRole.Vip);
}

/// <summary>First sightings of orphaned load balancers.</summary>
public sealed class TableOrphanStore(TableStorage storage) : IOrphanStore
{
    public async Task<IReadOnlyList<OrphanRecord>> ListAsync(string clusterId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableStorage.OrphansTable, cancellationToken);
        var list = new List<OrphanRecord>();
        await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {clusterId}"), cancellationToken: cancellationToken))
        {
            list.Add(Read(entity));
        }

        return [.. list.OrderBy(o => o.LoadBalancerId)];
    }

    public async Task<OrphanRecord> AddIfMissingAsync(OrphanRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var table = await storage.TableAsync(TableStorage.OrphansTable, cancellationToken);
        var entity = new TableEntity(record.ClusterId, Row(record.LoadBalancerId))
        {
            ["ServiceUid"] = record.ServiceUid,
            ["FirstSeenAt"] = record.FirstSeenAt,
        };
        try
        {
            await table.AddEntityAsync(entity, cancellationToken);
            return record;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var stored = await table.GetEntityAsync<TableEntity>(record.ClusterId, Row(record.LoadBalancerId), cancellationToken: cancellationToken);
            return Read(stored.Value);
        }
    }

    public async Task RemoveAsync(string clusterId, long loadBalancerId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableStorage.OrphansTable, cancellationToken);
        try
        {
            await table.DeleteEntityAsync(clusterId, Row(loadBalancerId), ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Already forgotten.
        }
    }

    private static string Row(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static OrphanRecord Read(TableEntity entity) => new(
        entity.PartitionKey,
        long.Parse(entity.RowKey, CultureInfo.InvariantCulture),
        entity.GetString("ServiceUid"),
        entity.GetDateTimeOffset("FirstSeenAt") ?? default);
}

/// <summary>Replay nonces: insert-only rows that expire; partition = the nonce's first two characters.</summary>
public sealed class TableNonceStore(TableStorage storage) : INonceStore
{
    public async Task<bool> TryAddAsync(string nonce, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(nonce);
        var table = await storage.TableAsync(TableStorage.NoncesTable, cancellationToken);
        var entity = new TableEntity(Partition(nonce), nonce) { ["ExpiresAt"] = expiresAt };
        try
        {
            await table.AddEntityAsync(entity, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var stored = await table.GetEntityIfExistsAsync<TableEntity>(entity.PartitionKey, nonce, cancellationToken: cancellationToken);
            if (stored.HasValue && (stored.Value!.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MaxValue) > now)
            {
                return false;
            }

            try
            {
                // An expired use does not block the nonce; the ETag makes two concurrent reuses yield one winner.
                if (stored.HasValue)
                {
                    await table.UpdateEntityAsync(entity, stored.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await table.AddEntityAsync(entity, cancellationToken);
                }

                return true;
            }
            catch (RequestFailedException again) when (again.Status is 409 or 412)
            {
                return false;
            }
        }
    }

    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableStorage.NoncesTable, cancellationToken);
        var count = 0;
        await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"ExpiresAt le {now}"), select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            try
            {
                await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, ETag.All, cancellationToken);
                count++;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Purged concurrently.
            }
        }

        return count;
    }

    private static string Partition(string nonce) => nonce.Length <= 2 ? nonce : nonce[..2];
}
