using System.Globalization;
using Azure;
using Azure.Data.Tables;
using SakuraLb.Reconcile.Addressing;

namespace SakuraLb.Functions.Storage;

/// <summary>Address reservations: partition = switch id, row = address; inserts only, in one transaction per switch.</summary>
public sealed class TableReservationStore(TableStorage storage) : IReservationStore
{
    private const int MaxAttempts = 5;

    public async Task<IReadOnlyList<AddressReservation>> ListBySwitchAsync(long switchId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableStorage.ReservationsTable, cancellationToken);
        var list = await table.ListPartitionAsync(Partition(switchId), Read, cancellationToken);
        return [.. list.OrderBy(r => r.Address)];
    }

    public async Task<IReadOnlyList<AddressReservation>> ListByOwnerAsync(string ownerUid, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableStorage.ReservationsTable, cancellationToken);
        var list = await table.ListAsync(TableClient.CreateQueryFilter($"OwnerUid eq {ownerUid}"), Read, cancellationToken);

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
