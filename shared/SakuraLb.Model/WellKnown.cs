namespace SakuraLb.Model;

/// <summary>Kubernetes names the relay and the function app must agree on.</summary>
public static class WellKnown
{
    /// <summary>Prefix of every Service annotation this controller reads (the original CCM's, so old manifests keep working).</summary>
    public const string AnnotationPrefix = "k8s.usacloud.jp/";

    /// <summary>The upstream finalizer that guards deletion of a Service with a cloud load balancer.</summary>
    public const string LoadBalancerCleanupFinalizer = "service.kubernetes.io/load-balancer-cleanup";

    /// <summary>Node label that removes a node from every external load balancer ("false" keeps it in).</summary>
    public const string ExcludeFromExternalLoadBalancersLabel = "node.kubernetes.io/exclude-from-external-load-balancers";

    /// <summary>Taint the cluster autoscaler puts on a node it is about to delete.</summary>
    public const string ToBeDeletedByClusterAutoscalerTaint = "ToBeDeletedByClusterAutoscaler";

    /// <summary>Value of <c>spec.type</c> for Services that want a load balancer.</summary>
    public const string ServiceTypeLoadBalancer = "LoadBalancer";

    /// <summary>Node address types as Kubernetes spells them.</summary>
    public const string NodeInternalIP = "InternalIP";

    public const string NodeExternalIP = "ExternalIP";

    public const string NodeHostName = "Hostname";

    /// <summary>
    /// True when the relay should forward this annotation: only our prefix is read by the controller,
    /// so nothing else (possibly sensitive, possibly large) leaves the cluster.
    /// </summary>
    public static bool IsOurAnnotation(string key) =>
        key.StartsWith(AnnotationPrefix, StringComparison.Ordinal);

    /// <summary>
    /// True when the relay should forward this node label. The controller reads only the exclusion label;
    /// the relay must not send the rest.
    /// </summary>
    public static bool IsRelevantNodeLabel(string key) =>
        string.Equals(key, ExcludeFromExternalLoadBalancersLabel, StringComparison.Ordinal);

    /// <summary>True when the relay should forward this node taint.</summary>
    public static bool IsRelevantNodeTaint(string key) =>
        string.Equals(key, ToBeDeletedByClusterAutoscalerTaint, StringComparison.Ordinal);
}
