using k8s;
using k8s.Models;

namespace SakuraLb.Relay.Kube;

/// <summary>A complete list and the resourceVersion to watch from.</summary>
public sealed record KubeList<T>(IReadOnlyList<T> Items, string ResourceVersion);

/// <summary>
/// Every Kubernetes API call the relay makes (the Lease calls of leader election aside). The
/// ClusterRole in infra/relay grants exactly these; a test checks the two against each other.
/// </summary>
public interface IKubeApi
{
    /// <summary>list services (all namespaces), paged.</summary>
    Task<KubeList<V1Service>> ListServicesAsync(CancellationToken cancellationToken);

    /// <summary>watch services (all namespaces) from a resourceVersion, with bookmarks.</summary>
    IAsyncEnumerable<(WatchEventType Type, V1Service Object)> WatchServicesAsync(
        string resourceVersion, TimeSpan timeout, Action<Exception> onError, CancellationToken cancellationToken);

    /// <summary>list nodes, paged.</summary>
    Task<KubeList<V1Node>> ListNodesAsync(CancellationToken cancellationToken);

    /// <summary>watch nodes from a resourceVersion, with bookmarks.</summary>
    IAsyncEnumerable<(WatchEventType Type, V1Node Object)> WatchNodesAsync(
        string resourceVersion, TimeSpan timeout, Action<Exception> onError, CancellationToken cancellationToken);

    /// <summary>list endpointslices.discovery.k8s.io of one Service (namespaced, label kubernetes.io/service-name), paged.</summary>
    Task<KubeList<V1EndpointSlice>> ListEndpointSlicesAsync(string @namespace, string serviceName, CancellationToken cancellationToken);

    /// <summary>watch endpointslices.discovery.k8s.io of one Service from a resourceVersion, with bookmarks.</summary>
    IAsyncEnumerable<(WatchEventType Type, V1EndpointSlice Object)> WatchEndpointSlicesAsync(
        string @namespace, string serviceName, string resourceVersion, TimeSpan timeout, Action<Exception> onError, CancellationToken cancellationToken);

    /// <summary>patch services (JSON patch on metadata.finalizers).</summary>
    Task<V1Service> PatchServiceAsync(string @namespace, string name, V1Patch patch, CancellationToken cancellationToken);

    /// <summary>patch services/status (merge patch on status.loadBalancer).</summary>
    Task<V1Service> PatchServiceStatusAsync(string @namespace, string name, V1Patch patch, CancellationToken cancellationToken);

    /// <summary>patch nodes (merge patch of providerID, labels and taints, with the Node's UID as a precondition).</summary>
    Task<V1Node> PatchNodeAsync(string name, V1Patch patch, CancellationToken cancellationToken);

    /// <summary>patch nodes/status (merge patch of status.addresses, with the Node's UID as a precondition).</summary>
    Task<V1Node> PatchNodeStatusAsync(string name, V1Patch patch, CancellationToken cancellationToken);

    /// <summary>delete nodes, with the Node's UID as a precondition (a Node recreated under the name is not deleted).</summary>
    Task DeleteNodeAsync(string name, string uid, CancellationToken cancellationToken);

    /// <summary>list configmaps of one name in one namespace (field selector metadata.name, so RBAC may name the object).</summary>
    Task<KubeList<V1ConfigMap>> ListConfigMapAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>watch configmaps of one name in one namespace from a resourceVersion, with bookmarks.</summary>
    IAsyncEnumerable<(WatchEventType Type, V1ConfigMap Object)> WatchConfigMapAsync(
        string @namespace, string name, string resourceVersion, TimeSpan timeout, Action<Exception> onError, CancellationToken cancellationToken);

    /// <summary>patch configmaps (merge patch of the resync answer annotation, with the ConfigMap's UID as a precondition).</summary>
    Task<V1ConfigMap> PatchConfigMapAsync(string @namespace, string name, V1Patch patch, CancellationToken cancellationToken);

    /// <summary>create events.events.k8s.io.</summary>
    Task CreateEventAsync(Eventsv1Event kubeEvent, CancellationToken cancellationToken);
}
