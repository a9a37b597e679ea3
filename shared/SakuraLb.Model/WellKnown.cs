namespace SakuraLb.Model;

/// <summary>Kubernetes names the relay and the function app must agree on.</summary>
public static class WellKnown
{
    /// <summary>
    /// The namespace the shipped manifests (infra/relay) install the relay in: the relay's namespace when the pod's is
    /// unknown, and where <c>kubectl sakuralb</c> looks for the relay's Secret unless told otherwise.
    /// </summary>
    public const string RelayNamespace = "sakuralb-system";

    /// <summary>The name the shipped manifests give the relay's Secret and ServiceAccount, and the relay its Lease.</summary>
    public const string RelayName = "sakuralb-relay";

    /// <summary>Prefix of every Service annotation this controller reads (the original CCM's, so old manifests keep working).</summary>
    public const string AnnotationPrefix = "k8s.usacloud.jp/";

    /// <summary>
    /// Annotating a Service with a new value (any string; by convention the time, <c>date -u +%FT%TZ</c>) asks for its
    /// reconcile now, the pattern of <c>kubectl rollout restart</c>: whoever may annotate the Service may resync it.
    /// The relay answers each value once with an Event.
    /// </summary>
    public const string ResyncRequestedAtAnnotation = AnnotationPrefix + "resync-requested-at";

    /// <summary>
    /// The ConfigMap in the relay's namespace whose <see cref="ResyncRequestedAtAnnotation"/> asks for a resync of the
    /// whole cluster (the relay's <c>ResyncConfigMap</c> option; <c>kubectl sakuralb resync --all</c> annotates it).
    /// </summary>
    public const string ClusterResyncConfigMap = "sakuralb-resync";

    /// <summary>
    /// The request value the relay last answered, written by the relay on the cluster-resync ConfigMap: a value equal
    /// to it costs nothing, also after a restart or a leader change.
    /// </summary>
    public const string ResyncAnsweredAnnotation = "status." + AnnotationPrefix + "resync-answered";

    /// <summary>
    /// Annotation the relay writes on each Service it manages (a <see cref="LoadBalancerStatusNote"/> as JSON): outside
    /// <see cref="AnnotationPrefix"/>, so it is never forwarded back to the function app.
    /// </summary>
    public const string LoadBalancerStatusAnnotation = "status." + AnnotationPrefix + "load-balancer";

    /// <summary>The upstream finalizer that guards deletion of a Service with a cloud load balancer.</summary>
    public const string LoadBalancerCleanupFinalizer = "service.kubernetes.io/load-balancer-cleanup";

    /// <summary>Node label that removes a node from every external load balancer ("false" keeps it in).</summary>
    public const string ExcludeFromExternalLoadBalancersLabel = "node.kubernetes.io/exclude-from-external-load-balancers";

    /// <summary>Taint the cluster autoscaler puts on a node it is about to delete.</summary>
    public const string ToBeDeletedByClusterAutoscalerTaint = "ToBeDeletedByClusterAutoscaler";

    /// <summary>
    /// Taint a kubelet started with <c>--cloud-provider=external</c> registers its Node with; a cloud controller
    /// removes it once it has initialised the Node.
    /// </summary>
    public const string UninitializedTaint = "node.cloudprovider.kubernetes.io/uninitialized";

    /// <summary>Taint a cloud controller puts on a Node whose machine is powered off (removed when it runs again).</summary>
    public const string ShutdownTaint = "node.cloudprovider.kubernetes.io/shutdown";

    /// <summary>Well-known topology and instance labels a cloud controller fills in.</summary>
    public const string ZoneLabel = "topology.kubernetes.io/zone";

    public const string RegionLabel = "topology.kubernetes.io/region";

    public const string InstanceTypeLabel = "node.kubernetes.io/instance-type";

    /// <summary>The node IP a kubelet was given with <c>--node-ip</c> under an external cloud provider.</summary>
    public const string ProvidedNodeIpAnnotation = "alpha.kubernetes.io/provided-node-ip";

    /// <summary>Prefix of this provider's <c>spec.providerID</c> (the original controller's format): <c>sakuracloud://&lt;server id&gt;</c>.</summary>
    public const string ProviderIdPrefix = "sakuracloud://";

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
    /// True when the relay should forward this node label: the exclusion label (real-server choice) and the
    /// labels node initialisation fills in (it must know whether they are already set). The relay must not
    /// send the rest.
    /// </summary>
    public static bool IsRelevantNodeLabel(string key) =>
        key is ExcludeFromExternalLoadBalancersLabel or ZoneLabel or RegionLabel or InstanceTypeLabel;

    /// <summary>True when the relay should forward this node taint: the autoscaler's and the two the node controller manages.</summary>
    public static bool IsRelevantNodeTaint(string key) =>
        key is ToBeDeletedByClusterAutoscalerTaint or UninitializedTaint or ShutdownTaint;
}
