namespace SakuraLb.Functions.Storage;

/// <summary>
/// Address reservations (partition = switch id, row = address), insert-only: two owners can never hold the
/// same address, and a reservation repeated by its owner succeeds without change.
/// </summary>
public interface IReservationStore
{
    Task<IReadOnlyList<AddressReservation>> ListBySwitchAsync(long switchId, CancellationToken cancellationToken);

    Task<IReadOnlyList<AddressReservation>> ListByOwnerAsync(string ownerUid, CancellationToken cancellationToken);

    /// <summary>All or nothing per switch: when any address is held by another owner, nothing is written.</summary>
    Task<ReserveOutcome> TryReserveAsync(IReadOnlyList<AddressReservation> reservations, CancellationToken cancellationToken);

    /// <summary>Deletes the rows still held by the given owners; rows of other owners and missing rows are left alone.</summary>
    Task ReleaseAsync(IReadOnlyList<AddressReservation> reservations, CancellationToken cancellationToken);
}
