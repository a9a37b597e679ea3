namespace SakuraLb.Functions.Activities;

/// <summary>Gives addresses back; rows already gone or held by someone else are left alone.</summary>
public sealed class ReleaseAddressesActivity(IReservationStore reservations)
{
    public const string Name = "ReleaseAddresses";

    public async Task<StepResult> RunAsync(ReservationInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        await reservations.ReleaseAsync([.. input.Addresses.Where(a => string.Equals(a.OwnerUid, input.Uid, StringComparison.Ordinal))], cancellationToken);
        return StepResult.Done();
    }
}
