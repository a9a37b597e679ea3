namespace SakuraLb.Functions.Activities;

public sealed record ReservationInput(string ClusterId, string Uid, IReadOnlyList<AddressReservation> Addresses);

/// <summary>Takes the planned addresses (insert-only rows); repeating it for the same owner changes nothing.</summary>
public sealed class ReserveAddressesActivity(IReservationStore reservations)
{
    public const string Name = "ReserveAddresses";

    public async Task<StepResult> RunAsync(ReservationInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var outcome = await reservations.TryReserveAsync(input.Addresses, cancellationToken);
        return outcome.Succeeded
            ? StepResult.Done()
            : StepResult.Conflict($"address {string.Join(", ", outcome.Conflicts.Select(c => c.Address))} is reserved by another Service");
    }
}
