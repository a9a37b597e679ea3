using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;

namespace SakuraLb.Relay.Kube;

/// <summary><see cref="IKubeApi"/> over the KubernetesClient.</summary>
public sealed class KubeApi(IKubernetes client) : IKubeApi
{
    /// <summary>Page size of lists: large clusters are read in chunks instead of one huge response.</summary>
    public const int PageSize = 500;

    public async Task<KubeList<V1Service>> ListServicesAsync(CancellationToken cancellationToken)
    {
        var items = new List<V1Service>();
        string? continueToken = null;
        string? resourceVersion = null;
        do
        {
            var page = await client.CoreV1.ListServiceForAllNamespacesAsync(
                continueParameter: continueToken, limit: PageSize, cancellationToken: cancellationToken);
            items.AddRange(page.Items ?? []);
            resourceVersion ??= page.Metadata?.ResourceVersion;
            continueToken = page.Metadata?.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(continueToken));

        return new KubeList<V1Service>(items, resourceVersion ?? "");
    }

    public async IAsyncEnumerable<(WatchEventType Type, V1Service Object)> WatchServicesAsync(
        string resourceVersion, TimeSpan timeout, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in client.CoreV1.WatchListServiceForAllNamespacesAsync(
            allowWatchBookmarks: true,
            resourceVersion: resourceVersion,
            timeoutSeconds: (int)Math.Max(1, timeout.TotalSeconds),
            onError: onError,
            cancellationToken: cancellationToken))
        {
            yield return item;
        }
    }

    public async Task<KubeList<V1Node>> ListNodesAsync(CancellationToken cancellationToken)
    {
        var items = new List<V1Node>();
        string? continueToken = null;
        string? resourceVersion = null;
        do
        {
            var page = await client.CoreV1.ListNodeAsync(
                continueParameter: continueToken, limit: PageSize, cancellationToken: cancellationToken);
            items.AddRange(page.Items ?? []);
            resourceVersion ??= page.Metadata?.ResourceVersion;
            continueToken = page.Metadata?.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(continueToken));

        return new KubeList<V1Node>(items, resourceVersion ?? "");
    }

    public async IAsyncEnumerable<(WatchEventType Type, V1Node Object)> WatchNodesAsync(
        string resourceVersion, TimeSpan timeout, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in client.CoreV1.WatchListNodeAsync(
            allowWatchBookmarks: true,
            resourceVersion: resourceVersion,
            timeoutSeconds: (int)Math.Max(1, timeout.TotalSeconds),
            onError: onError,
            cancellationToken: cancellationToken))
        {
            yield return item;
        }
    }

    public Task<V1Service> PatchServiceAsync(string @namespace, string name, V1Patch patch, CancellationToken cancellationToken) =>
        client.CoreV1.PatchNamespacedServiceAsync(patch, name, @namespace, cancellationToken: cancellationToken);

    public Task<V1Service> PatchServiceStatusAsync(string @namespace, string name, V1Patch patch, CancellationToken cancellationToken) =>
        client.CoreV1.PatchNamespacedServiceStatusAsync(patch, name, @namespace, cancellationToken: cancellationToken);

    public Task CreateEventAsync(Eventsv1Event kubeEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kubeEvent);
        return client.EventsV1.CreateNamespacedEventAsync(kubeEvent, kubeEvent.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
    }
}
