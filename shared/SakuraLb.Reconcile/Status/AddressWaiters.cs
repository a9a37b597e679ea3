namespace SakuraLb.Reconcile.Status;

/// <summary>
/// Which Services wait for an address or a VRRP id: their last status says the router's block (or the Service's
/// pool) or the switch's VRRP ids ran out. When a Service gives addresses back, these are started again at once
/// instead of at the next timer pass; each then plans against the freed rows and the first to reserve wins.
/// </summary>
/// <remarks>
/// The status does not record which router a waiter chose from, so every waiter of the cluster is woken: a waiter
/// on another router plans, finds its block still full and publishes the same status again. Waiters are few (a
/// full block is an error a user fixes), so the plans this costs are few too.
/// </remarks>
public static class AddressWaiters
{
    /// <summary>True when <paramref name="status"/> says the Service waits for an address or a VRRP id.</summary>
    public static bool IsWaiting(ServiceStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status.Phase != ServicePhase.Deleted
            && status.ReasonCode is ReasonCodes.AddressesExhausted or ReasonCodes.VridExhausted;
    }

    /// <summary>The UIDs to start again after <paramref name="releasedBy"/> gave addresses back, in UID order.</summary>
    public static IReadOnlyList<string> ToWake(IEnumerable<ServiceStatus> statuses, string releasedBy)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        return [.. statuses
            .Where(s => IsWaiting(s) && !string.Equals(s.Uid, releasedBy, StringComparison.Ordinal))
            .Select(s => s.Uid)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];
    }
}
