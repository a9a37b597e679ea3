using SakuraLb.Model;

namespace SakuraLb.Relay.Projection;

/// <summary>
/// Which Services the relay acts on (peers.md b.1). A Service of a foreign loadBalancerClass is never
/// forwarded and never written to. An in-scope Service either wants a load balancer, or carries our
/// finalizer and so still has cloud resources to clean up (deleted, or its type changed away from LoadBalancer).
/// </summary>
public static class ServiceScope
{
    /// <summary>type LoadBalancer and the class this controller serves (none, unless class mode is configured).</summary>
    public static bool WantsLoadBalancer(ServiceSnapshot service, string? ourClass)
    {
        ArgumentNullException.ThrowIfNull(service);
        return !service.Deleted
            && string.Equals(service.Type, WellKnown.ServiceTypeLoadBalancer, StringComparison.Ordinal)
            && string.Equals(service.LoadBalancerClass, ourClass, StringComparison.Ordinal);
    }

    /// <summary>
    /// A class that is set and is not ours. The API server makes the class immutable while the type is
    /// LoadBalancer and clears it when the type changes, so a Service with a foreign class was never ours.
    /// </summary>
    public static bool HasForeignClass(ServiceSnapshot service, string? ourClass)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.LoadBalancerClass is not null
            && !string.Equals(service.LoadBalancerClass, ourClass, StringComparison.Ordinal);
    }

    /// <summary>Our finalizer is on it and it no longer wants a load balancer: the cloud side must be cleaned up.</summary>
    public static bool NeedsCleanup(ServiceSnapshot service, string? ourClass)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.HasCleanupFinalizer
            && (service.DeletionTimestamp is not null || !WantsLoadBalancer(service, ourClass));
    }

    /// <summary>True when the relay forwards and manages this Service.</summary>
    /// <param name="knownAsOurs">
    /// The relay already handled this UID (it is tracked, or the function's status feed lists it). Only
    /// matters in class mode: the cleanup finalizer has the same name for every controller, so on a
    /// class-less Service it is ours only if the Service was ours before its type change cleared the class.
    /// </param>
    public static bool InScope(ServiceSnapshot service, string? ourClass, bool knownAsOurs = false)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (HasForeignClass(service, ourClass))
        {
            return false;
        }

        if (WantsLoadBalancer(service, ourClass))
        {
            return true;
        }

        return service.HasCleanupFinalizer && (ourClass is null || knownAsOurs);
    }

    /// <summary>True when the finalizer must be added before the Service is forwarded for provisioning.</summary>
    public static bool NeedsFinalizer(ServiceSnapshot service, string? ourClass)
    {
        ArgumentNullException.ThrowIfNull(service);
        return WantsLoadBalancer(service, ourClass) && service.DeletionTimestamp is null && !service.HasCleanupFinalizer;
    }
}
