using SakuraLb.Model;
using SakuraLb.Reconcile;
using CoreScope = SakuraLb.Reconcile.Scope.ServiceScope;

namespace SakuraLb.Relay.Projection;

/// <summary>
/// Which Services the relay forwards and writes to. The rules are the reconcile core's
/// (<see cref="CoreScope"/>, peers.md b.1), so the relay and the function agree; the relay adds what only
/// it can know: whether the finalizer must be added first, and, in class mode, whether a class-less
/// Service carrying the finalizer was ours before its type change cleared the class.
/// </summary>
public static class ServiceScope
{
    public static bool WantsLoadBalancer(ServiceSnapshot service, ControllerSettings settings) =>
        CoreScope.WantsLoadBalancer(service, settings);

    public static bool NeedsCleanup(ServiceSnapshot service, ControllerSettings settings) =>
        CoreScope.NeedsCleanup(service, settings);

    /// <summary>A class that is set and is not ours: never forwarded, never written to.</summary>
    public static bool HasForeignClass(ServiceSnapshot service, ControllerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.LoadBalancerClass is not null && !CoreScope.IsOurClass(service, settings);
    }

    /// <summary>True when the relay forwards and manages this Service.</summary>
    /// <param name="knownAsOurs">
    /// The relay already handles this UID (it is tracked, or the function's status feed lists it). Only
    /// matters in class mode: the API server clears spec.loadBalancerClass when the type changes away
    /// from LoadBalancer, and the cleanup finalizer has the same name for every controller, so on a
    /// class-less Service the finalizer is ours only if the Service was ours before.
    /// </param>
    public static bool InScope(ServiceSnapshot service, ControllerSettings settings, bool knownAsOurs = false)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(settings);
        if (CoreScope.IsRelevant(service, settings))
        {
            return true;
        }

        return knownAsOurs
            && settings.LoadBalancerClass is not null
            && service.LoadBalancerClass is null
            && service.HasCleanupFinalizer;
    }

    /// <summary>True when the finalizer must be added before the Service is forwarded for provisioning.</summary>
    public static bool NeedsFinalizer(ServiceSnapshot service, ControllerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(service);
        return CoreScope.WantsLoadBalancer(service, settings) && service.DeletionTimestamp is null && !service.HasCleanupFinalizer;
    }
}
