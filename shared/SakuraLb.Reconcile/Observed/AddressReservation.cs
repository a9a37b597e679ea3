namespace SakuraLb.Reconcile.Observed;

/// <summary>What a reserved address is for.</summary>
public enum AddressRole
{
    /// <summary>The Service's virtual IP (its EXTERNAL-IP).</summary>
    Vip,

    /// <summary>One of the appliance's own addresses (one, or two for an HA pair).</summary>
    Own,
}

/// <summary>
/// A row of the reservation table, keyed by (switch, address) and owned by one Service UID, so two
/// concurrent creates can never pick the same address.
/// </summary>
public sealed record AddressReservation(long SwitchId, Ipv4Address Address, string OwnerUid, AddressRole Role);
