namespace SakuraLb.Reconcile.Scope;

/// <summary>What the controller should do for a Service.</summary>
public enum ServiceIntent
{
    /// <summary>Not ours (another load-balancer class): no finalizer, no status, no events, no cloud calls.</summary>
    Ignore,

    /// <summary>Make sure the load balancer exists and matches.</summary>
    Ensure,

    /// <summary>Make sure no load balancer or reservation is left (deleted, or no longer type LoadBalancer).</summary>
    Cleanup,
}

/// <summary>
/// Upstream's scope rules (cloud-provider service controller): a Service wants a load balancer iff it is
/// type LoadBalancer with no loadBalancerClass (or, when the controller is configured with a class, with
/// exactly that class); it needs cleanup iff it carries the finalizer and is being deleted or no longer
/// wants one.
/// </summary>
public static class ServiceScope
{
    /// <summary>True when the Service's class is the one this controller serves (null = upstream default).</summary>
    public static bool IsOurClass(ServiceSnapshot service, ControllerSettings settings) =>
        string.Equals(service.LoadBalancerClass, settings.LoadBalancerClass, StringComparison.Ordinal);

    public static bool WantsLoadBalancer(ServiceSnapshot service, ControllerSettings settings) =>
        !service.Deleted && IsLoadBalancerType(service) && IsOurClass(service, settings);

    private static bool IsLoadBalancerType(ServiceSnapshot service) =>
        string.Equals(service.Type, WellKnown.ServiceTypeLoadBalancer, StringComparison.Ordinal);

    public static bool NeedsCleanup(ServiceSnapshot service, ControllerSettings settings) =>
        service.HasCleanupFinalizer
        && (service.DeletionTimestamp is not null || !WantsLoadBalancer(service, settings));

    /// <summary>
    /// Ensure while the Service wants a load balancer and is not being deleted; Cleanup otherwise, also
    /// without our finalizer (a Service deleted or retyped before the finalizer landed may still have
    /// cloud resources; cleanup of nothing is a cheap success). A tombstone should carry the last known
    /// spec, so its class is known.
    /// </summary>
    /// <param name="previouslyManaged">
    /// True when the controller already holds state for this Service UID (it reconciled it before). The
    /// API server clears spec.loadBalancerClass when the type changes away from LoadBalancer, so in class
    /// mode a Service we provisioned comes back without our class: only its history says it is ours, and
    /// ignoring it would leak its load balancer. Likewise a Service that left our class for another one
    /// keeps no load balancer of ours (the relay never writes to a foreign-class Service, so cleanup here
    /// cannot release another controller's finalizer).
    /// </param>
    public static ServiceIntent Classify(ServiceSnapshot service, ControllerSettings settings, bool previouslyManaged = false)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (!IsOurClass(service, settings))
        {
            return previouslyManaged ? ServiceIntent.Cleanup : ServiceIntent.Ignore;
        }

        if (service.Deleted || service.DeletionTimestamp is not null)
        {
            return ServiceIntent.Cleanup;
        }

        return WantsLoadBalancer(service, settings) ? ServiceIntent.Ensure : ServiceIntent.Cleanup;
    }

    /// <summary>
    /// The relay's filter: it forwards and writes to Services that want a load balancer or carry our
    /// finalizer, and to no other. A tracked Service leaving scope is forwarded once more by the relay's
    /// tracker (it remembers what it forwarded).
    /// </summary>
    /// <param name="previouslyManaged">
    /// The relay already handles this UID (it is tracked, or the function's status feed lists it). Only
    /// matters in class mode: the API server clears spec.loadBalancerClass when the type changes away
    /// from LoadBalancer, and the cleanup finalizer has the same name for every controller, so on a
    /// class-less Service the finalizer is ours only if the Service was ours before.
    /// </param>
    public static bool IsRelevant(ServiceSnapshot service, ControllerSettings settings, bool previouslyManaged = false)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(settings);
        if (IsOurClass(service, settings)
            && (WantsLoadBalancer(service, settings) || service.HasCleanupFinalizer || service.Deleted))
        {
            return true;
        }

        return previouslyManaged
            && settings.LoadBalancerClass is not null
            && service.LoadBalancerClass is null
            && service.HasCleanupFinalizer;
    }

    /// <summary>
    /// True when the relay must add the cleanup finalizer before it forwards the Service for provisioning
    /// (so a deletion cannot complete before the load balancer is gone).
    /// </summary>
    public static bool NeedsFinalizer(ServiceSnapshot service, ControllerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(service);
        return WantsLoadBalancer(service, settings) && service.DeletionTimestamp is null && !service.HasCleanupFinalizer;
    }

    /// <summary>
    /// True when a Service update can change its load balancer (upstream's needsUpdate, on the fields the
    /// snapshot carries): scope, ports, requested IP, our annotations, UID, traffic policy, health-check
    /// node port, number of IP families, deletion, finalizer.
    /// </summary>
    /// <remarks>
    /// Not called by the product: the relay drops an update only when the Service's whole snapshot (these
    /// fields and a few more, such as the current ingress) hashes the same (relay/Projection/Fingerprint.cs).
    /// </remarks>
    public static bool NeedsUpdate(ServiceSnapshot? before, ServiceSnapshot after, ControllerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(after);
        if (before is null)
        {
            return IsRelevant(after, settings);
        }

        if (!IsRelevant(before, settings) && !IsRelevant(after, settings))
        {
            return false;
        }

        return WantsLoadBalancer(before, settings) != WantsLoadBalancer(after, settings)
            || !string.Equals(before.Uid, after.Uid, StringComparison.Ordinal)
            || !string.Equals(before.Type, after.Type, StringComparison.Ordinal)
            || !string.Equals(before.LoadBalancerIP, after.LoadBalancerIP, StringComparison.Ordinal)
            || !string.Equals(before.ExternalTrafficPolicy, after.ExternalTrafficPolicy, StringComparison.Ordinal)
            || before.HealthCheckNodePort != after.HealthCheckNodePort
            || (before.IpFamilies?.Count ?? 0) != (after.IpFamilies?.Count ?? 0)
            || (before.DeletionTimestamp is null) != (after.DeletionTimestamp is null)
            || before.Deleted != after.Deleted
            || before.HasCleanupFinalizer != after.HasCleanupFinalizer
            || !before.Ports.SequenceEqual(after.Ports)
            || !OurAnnotationsEqual(before.Annotations, after.Annotations);
    }

    private static bool OurAnnotationsEqual(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b)
    {
        var ours = a.Where(kv => WellKnown.IsOurAnnotation(kv.Key)).ToList();
        return ours.Count == b.Count(kv => WellKnown.IsOurAnnotation(kv.Key))
            && ours.All(kv => b.TryGetValue(kv.Key, out var v) && string.Equals(v, kv.Value, StringComparison.Ordinal));
    }
}
