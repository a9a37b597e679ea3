using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;

namespace SakuraLb.Relay.Kube;

/// <summary><see cref="IKubeApi"/> over the KubernetesClient.</summary>
public sealed class KubeApi(IKubernetes client) : IKubeApi
{
    /// <summary>Page size of lists: large clusters are read in chunks instead of one huge response.</summary>
    public const int PageSize = 500;

    public Task<KubeList<V1Service>> ListServicesAsync(CancellationToken cancellationToken) =>
        ListAllAsync<V1Service, V1ServiceList>(
            token => client.CoreV1.ListServiceForAllNamespacesAsync(continueParameter: token, limit: PageSize, cancellationToken: cancellationToken));

    public IAsyncEnumerable<(WatchEventType Type, V1Service Object)> WatchServicesAsync(
        string resourceVersion, TimeSpan timeout, Action<Exception> onError, CancellationToken cancellationToken) =>
        WatchAsync(
            token => client.CoreV1.WatchListServiceForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: TimeoutSeconds(timeout), onError: onError, cancellationToken: token),
            cancellationToken);

    public Task<KubeList<V1Node>> ListNodesAsync(CancellationToken cancellationToken) =>
        ListAllAsync<V1Node, V1NodeList>(
            token => client.CoreV1.ListNodeAsync(continueParameter: token, limit: PageSize, cancellationToken: cancellationToken));

    public IAsyncEnumerable<(WatchEventType Type, V1Node Object)> WatchNodesAsync(
        string resourceVersion, TimeSpan timeout, Action<Exception> onError, CancellationToken cancellationToken) =>
        WatchAsync(
            token => client.CoreV1.WatchListNodeAsync(allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: TimeoutSeconds(timeout), onError: onError, cancellationToken: token),
            cancellationToken);

    public Task<KubeList<V1EndpointSlice>> ListEndpointSlicesAsync(string @namespace, string serviceName, CancellationToken cancellationToken) =>
        ListAllAsync<V1EndpointSlice, V1EndpointSliceList>(
            token => client.DiscoveryV1.ListNamespacedEndpointSliceAsync(@namespace, continueParameter: token, labelSelector: ServiceNameSelector(serviceName), limit: PageSize, cancellationToken: cancellationToken));

    public IAsyncEnumerable<(WatchEventType Type, V1EndpointSlice Object)> WatchEndpointSlicesAsync(
        string @namespace, string serviceName, string resourceVersion, TimeSpan timeout, Action<Exception> onError, CancellationToken cancellationToken) =>
        WatchAsync(
            token => client.DiscoveryV1.WatchListNamespacedEndpointSliceAsync(@namespace, allowWatchBookmarks: true, labelSelector: ServiceNameSelector(serviceName), resourceVersion: resourceVersion, timeoutSeconds: TimeoutSeconds(timeout), onError: onError, cancellationToken: token),
            cancellationToken);

    public Task<V1Service> PatchServiceAsync(string @namespace, string name, V1Patch patch, CancellationToken cancellationToken) =>
        client.CoreV1.PatchNamespacedServiceAsync(patch, name, @namespace, cancellationToken: cancellationToken);

    public Task<V1Service> PatchServiceStatusAsync(string @namespace, string name, V1Patch patch, CancellationToken cancellationToken) =>
        client.CoreV1.PatchNamespacedServiceStatusAsync(patch, name, @namespace, cancellationToken: cancellationToken);

    public Task<V1Node> PatchNodeAsync(string name, V1Patch patch, CancellationToken cancellationToken) =>
        client.CoreV1.PatchNodeAsync(patch, name, cancellationToken: cancellationToken);

    public Task<V1Node> PatchNodeStatusAsync(string name, V1Patch patch, CancellationToken cancellationToken) =>
        client.CoreV1.PatchNodeStatusAsync(patch, name, cancellationToken: cancellationToken);

    public Task DeleteNodeAsync(string name, string uid, CancellationToken cancellationToken) =>
        client.CoreV1.DeleteNodeAsync(
            name,
            new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = uid } },
            cancellationToken: cancellationToken);

    public Task<KubeList<V1ConfigMap>> ListConfigMapAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        ListAllAsync<V1ConfigMap, V1ConfigMapList>(
            token => client.CoreV1.ListNamespacedConfigMapAsync(@namespace, continueParameter: token, fieldSelector: NameSelector(name), limit: PageSize, cancellationToken: cancellationToken));

    public IAsyncEnumerable<(WatchEventType Type, V1ConfigMap Object)> WatchConfigMapAsync(
        string @namespace, string name, string resourceVersion, TimeSpan timeout, Action<Exception> onError, CancellationToken cancellationToken) =>
        WatchAsync(
            token => client.CoreV1.WatchListNamespacedConfigMapAsync(@namespace, allowWatchBookmarks: true, fieldSelector: NameSelector(name), resourceVersion: resourceVersion, timeoutSeconds: TimeoutSeconds(timeout), onError: onError, cancellationToken: token),
            cancellationToken);

    public Task<V1ConfigMap> PatchConfigMapAsync(string @namespace, string name, V1Patch patch, CancellationToken cancellationToken) =>
        client.CoreV1.PatchNamespacedConfigMapAsync(patch, name, @namespace, cancellationToken: cancellationToken);

    public Task CreateEventAsync(Eventsv1Event kubeEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kubeEvent);
        return client.EventsV1.CreateNamespacedEventAsync(kubeEvent, kubeEvent.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// The events of a watch, lazily: the request goes out on the first MoveNextAsync (with the token given here or
    /// to GetAsyncEnumerator), whatever the client does when it is asked for the watch.
    /// </summary>
    private static async IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync<T>(
        Func<CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in watch(cancellationToken))
        {
            yield return item;
        }
    }

    /// <summary>Only the slices of one Service: the API server filters, so other Services' slices cost nothing.</summary>
    private static string ServiceNameSelector(string serviceName) => "kubernetes.io/service-name=" + serviceName;

    /// <summary>One object by name: the API server authorises such a list or watch against RBAC's resourceNames.</summary>
    private static string NameSelector(string name) => "metadata.name=" + name;

    /// <summary>The server-side timeout of a watch, in whole seconds (at least one).</summary>
    private static int TimeoutSeconds(TimeSpan timeout) => (int)Math.Max(1, timeout.TotalSeconds);

    /// <summary>Reads every page of a list; the pages share one snapshot, whose resourceVersion the first page gives.</summary>
    private static async Task<KubeList<T>> ListAllAsync<T, TList>(Func<string?, Task<TList>> page)
        where TList : IKubernetesObject<V1ListMeta>, IItems<T>
    {
        var items = new List<T>();
        string? continueToken = null;
        string? resourceVersion = null;
        do
        {
            var list = await page(continueToken);
            items.AddRange(list.Items ?? []);
            resourceVersion ??= list.Metadata?.ResourceVersion;
            continueToken = list.Metadata?.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(continueToken));

        return new KubeList<T>(items, resourceVersion ?? "");
    }
}
