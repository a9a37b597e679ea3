using System.Globalization;
using System.Text.Json.Nodes;
using KubeSim.Api;
using KubeSim.Json;
using KubeSim.Selectors;
using KubeSim.Storage;

namespace KubeSim;

/// <summary>
/// Direct access to the simulator's objects for tests, bypassing HTTP but not the API semantics:
/// every call goes through the same defaulting, validation, allocation, resourceVersion, finalizer
/// and watch-event logic as the REST API, and errors are <see cref="KubeApiException"/>s.
/// Objects are JSON (what a client would send or receive); returned objects are copies.
/// Resources are named by plural (services, nodes, events, leases, namespaces, pods, configmaps,
/// deployments, endpointslices), short name (svc, no, ev, po, cm, deploy) or with their group
/// (events.events.k8s.io, leases.coordination.k8s.io, deployments.apps, endpointslices.discovery.k8s.io).
/// </summary>
public sealed class KubeObjectStore
{
    private readonly ObjectStore store;

    internal KubeObjectStore(ObjectStore store) => this.store = store;

    /// <summary>The current global resourceVersion.</summary>
    public long ResourceVersion => store.Revision;

    public JsonObject Create(string resource, JsonObject obj)
    {
        var type = Resolve(resource);
        return store.Create(type, NamespaceOf(type, obj), obj);
    }

    public JsonObject? Get(string resource, string? ns, string name)
    {
        var type = Resolve(resource);
        try
        {
            return store.Get(type, type.Namespaced ? ns ?? "default" : "", name);
        }
        catch (KubeApiException e) when (e.StatusCode == 404)
        {
            return null;
        }
    }

    /// <summary>Lists objects; <paramref name="ns"/> null means all namespaces.</summary>
    public IReadOnlyList<JsonObject> List(string resource, string? ns = null, string? labelSelector = null, string? fieldSelector = null)
    {
        var type = Resolve(resource);
        var options = new ListOptions(LabelSelector.Parse(labelSelector), FieldSelector.Parse(fieldSelector, store.StrategyFor(type).FieldLabels));
        return store.List(type, type.Namespaced ? ns ?? "" : "", options).Items;
    }

    /// <summary>Replaces the object (PUT semantics: status is ignored, a set resourceVersion must be current).</summary>
    public JsonObject Update(string resource, JsonObject obj)
    {
        var type = Resolve(resource);
        return store.Update(type, NamespaceOf(type, obj), obj.Name(), obj, status: false);
    }

    /// <summary>Replaces the status only (PUT on the status subresource).</summary>
    public JsonObject UpdateStatus(string resource, JsonObject obj)
    {
        var type = Resolve(resource);
        return store.Update(type, NamespaceOf(type, obj), obj.Name(), obj, status: true);
    }

    public JsonObject MergePatch(string resource, string? ns, string name, string patchJson, bool status = false) =>
        Patch(resource, ns, name, PatchKind.Merge, patchJson, status);

    public JsonObject JsonPatch(string resource, string? ns, string name, string patchJson, bool status = false) =>
        Patch(resource, ns, name, PatchKind.Json, patchJson, status);

    /// <summary>A strategic merge patch, as kubectl label/annotate/taint/cordon and controllers send them.</summary>
    public JsonObject StrategicMergePatch(string resource, string? ns, string name, string patchJson, bool status = false) =>
        Patch(resource, ns, name, PatchKind.Strategic, patchJson, status);

    /// <summary>
    /// Deletes like the REST API: with finalizers the object gets a deletionTimestamp and stays until they are removed.
    /// Returns the object as it now is, or null when it did not exist.
    /// </summary>
    public JsonObject? Delete(string resource, string? ns, string name)
    {
        var type = Resolve(resource);
        try
        {
            return store.Delete(type, type.Namespaced ? ns ?? "default" : "", name, new DeleteOptions()).Object;
        }
        catch (KubeApiException e) when (e.StatusCode == 404)
        {
            return null;
        }
    }

    /// <summary>Creates a Ready node with an InternalIP and a Hostname address, as a kubelet would register it.</summary>
    public JsonObject CreateNode(string name, string internalIp, IReadOnlyDictionary<string, string>? labels = null, bool ready = true, string? providerId = null)
        => Create("nodes", NodeTemplate(name, internalIp, labels, ready, providerId, store.Now));

    /// <summary>Sets the node's Ready condition through the status subresource.</summary>
    public JsonObject SetNodeReady(string name, bool ready)
    {
        var node = Get("nodes", null, name) ?? throw KubeApiException.NotFound("nodes", "", "nodes", name);
        var conditions = node.GetOrAddObject("status")["conditions"] as JsonArray ?? [];
        var readyCondition = conditions.OfType<JsonObject>().FirstOrDefault(c => c.Str("type") == "Ready");
        if (readyCondition is null)
        {
            readyCondition = new JsonObject { ["type"] = "Ready" };
            conditions.Add(readyCondition);
        }

        readyCondition["status"] = ready ? "True" : "False";
        readyCondition["reason"] = ready ? "KubeletReady" : "KubeletNotReady";
        readyCondition["lastTransitionTime"] = ObjectStore.Timestamp(store.Now);
        node["status"]!["conditions"] = conditions.DeepClone();
        return UpdateStatus("nodes", node);
    }

    /// <summary>Creates an empty ConfigMap (no data), as <c>kubectl create configmap NAME</c> does.</summary>
    public JsonObject CreateConfigMap(string ns, string name) =>
        Create("configmaps", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        });

    /// <summary>Creates a Service with TCP ports named p{port} (one unnamed port when there is a single one).</summary>
    public JsonObject CreateService(string ns, string name, string type = "LoadBalancer", params int[] ports)
    {
        var portList = new JsonArray();
        foreach (var p in ports)
        {
            var port = new JsonObject { ["port"] = p, ["protocol"] = "TCP", ["targetPort"] = p };
            if (ports.Length > 1)
            {
                port["name"] = "p" + p.ToString(CultureInfo.InvariantCulture);
            }

            portList.Add(port);
        }

        return Create("services", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["spec"] = new JsonObject { ["type"] = type, ["selector"] = new JsonObject { ["app"] = name }, ["ports"] = portList },
        });
    }

    /// <summary>
    /// Creates a discovery.k8s.io/v1 EndpointSlice for a Service, labelled <c>kubernetes.io/service-name</c> and
    /// managed by <c>endpointslice-controller.k8s.io</c> like the ones the control plane writes; ports are TCP.
    /// </summary>
    public JsonObject CreateEndpointSlice(string ns, string name, string serviceName, IEnumerable<KubeEndpoint> endpoints, params (string Name, int Port)[] ports)
    {
        var endpointList = new JsonArray();
        foreach (var e in endpoints)
        {
            var endpoint = new JsonObject
            {
                ["addresses"] = new JsonArray(e.Address),
                ["conditions"] = new JsonObject { ["ready"] = e.Ready, ["serving"] = e.Serving, ["terminating"] = e.Terminating },
            };
            if (e.NodeName is not null)
            {
                endpoint["nodeName"] = e.NodeName;
            }

            endpointList.Add(endpoint);
        }

        return Create("endpointslices", new JsonObject
        {
            ["apiVersion"] = "discovery.k8s.io/v1",
            ["kind"] = "EndpointSlice",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = ns,
                ["labels"] = new JsonObject
                {
                    ["kubernetes.io/service-name"] = serviceName,
                    ["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io",
                },
            },
            ["addressType"] = "IPv4",
            ["endpoints"] = endpointList,
            ["ports"] = new JsonArray(ports.Select(p => (JsonNode)new JsonObject { ["name"] = p.Name, ["port"] = p.Port, ["protocol"] = "TCP" }).ToArray()),
        });
    }

    /// <summary>Core events in a namespace, optionally only those about one object (by involvedObject.name).</summary>
    public IReadOnlyList<JsonObject> Events(string ns, string? involvedName = null) =>
        List("events", ns, fieldSelector: involvedName is null ? null : "involvedObject.name=" + involvedName);

    /// <summary>A node object as a kubelet registers it (Ready condition, addresses, nodeInfo for v1.32).</summary>
    public static JsonObject NodeTemplate(string name, string internalIp, IReadOnlyDictionary<string, string>? labels, bool ready, string? providerId, DateTimeOffset now)
    {
        var labelObject = new JsonObject
        {
            ["kubernetes.io/hostname"] = name,
            ["kubernetes.io/os"] = "linux",
            ["kubernetes.io/arch"] = "amd64",
        };
        foreach (var (k, v) in labels ?? new Dictionary<string, string>())
        {
            labelObject[k] = v;
        }

        var spec = new JsonObject();
        if (providerId is not null)
        {
            spec["providerID"] = providerId;
        }

        var stamp = ObjectStore.Timestamp(now);
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Node",
            ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = labelObject },
            ["spec"] = spec,
            ["status"] = new JsonObject
            {
                ["addresses"] = new JsonArray(
                    new JsonObject { ["type"] = "InternalIP", ["address"] = internalIp },
                    new JsonObject { ["type"] = "Hostname", ["address"] = name }),
                ["conditions"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Ready",
                    ["status"] = ready ? "True" : "False",
                    ["reason"] = ready ? "KubeletReady" : "KubeletNotReady",
                    ["message"] = ready ? "kubelet is posting ready status" : "kubelet stopped posting node status",
                    ["lastHeartbeatTime"] = stamp,
                    ["lastTransitionTime"] = stamp,
                }),
                ["nodeInfo"] = new JsonObject
                {
                    ["kubeletVersion"] = Discovery.GitVersion,
                    ["kubeProxyVersion"] = Discovery.GitVersion,
                    ["osImage"] = "Ubuntu 24.04 LTS",
                    ["kernelVersion"] = "6.8.0-generic",
                    ["containerRuntimeVersion"] = "containerd://1.7.24",
                    ["architecture"] = "amd64",
                    ["operatingSystem"] = "linux",
                },
            },
        };
    }

    private JsonObject Patch(string resource, string? ns, string name, PatchKind kind, string patchJson, bool status)
    {
        var type = Resolve(resource);
        return store.Patch(type, type.Namespaced ? ns ?? "default" : "", name, kind, JsonNode.Parse(patchJson), status);
    }

    private static string NamespaceOf(ResourceType type, JsonObject obj) =>
        type.Namespaced ? obj.Namespace() is { Length: > 0 } ns ? ns : "default" : "";

    // As kubectl resolves names: group-qualified first, then a short name, then a plural (core first: "events" are core events).
    private static ResourceType Resolve(string resource) =>
        ResourceCatalog.All.FirstOrDefault(r => r.QualifiedName == resource)
        ?? ResourceCatalog.All.FirstOrDefault(r => r.ShortNames.Contains(resource))
        ?? ResourceCatalog.All.OrderBy(r => r.Group.Length == 0 ? 0 : 1).FirstOrDefault(r => r.Plural == resource)
        ?? throw new ArgumentException(
            $"unknown resource \"{resource}\": use one of {string.Join(", ", ResourceCatalog.All.Select(r => r.QualifiedName).Distinct())} (or a plural or short name)",
            nameof(resource));
}
