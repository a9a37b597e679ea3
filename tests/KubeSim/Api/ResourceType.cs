namespace KubeSim.Api;

/// <summary>
/// One served resource (group, version, plural) as discovery lists it. Two resources can share a
/// storage: events in core/v1 and events.k8s.io/v1 are the same objects seen in two shapes, as in
/// a real cluster.
/// </summary>
internal sealed record ResourceType(
    string Group,
    string Version,
    string Plural,
    string Singular,
    string Kind,
    bool Namespaced,
    string Storage,
    IReadOnlyList<string> Verbs,
    IReadOnlyList<string> ShortNames,
    bool HasStatus = false,
    bool ReturnsDeletedObject = false,
    IReadOnlyList<string>? Categories = null)
{
    public string GroupVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    public string ListKind => Kind + "List";

    /// <summary>"services" or "events.events.k8s.io": the name used in error messages.</summary>
    public string QualifiedName => Group.Length == 0 ? Plural : Plural + "." + Group;

    public bool Allows(string verb) => Verbs.Contains(verb);
}

internal static class ResourceCatalog
{
    private static readonly string[] AllVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public static readonly ResourceType Services = new("", "v1", "services", "service", "Service", Namespaced: true, "services",
        ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], ["svc"], HasStatus: true,
        ReturnsDeletedObject: true, Categories: ["all"]);

    public static readonly ResourceType Nodes = new("", "v1", "nodes", "node", "Node", Namespaced: false, "nodes",
        AllVerbs, ["no"], HasStatus: true);

    public static readonly ResourceType Namespaces = new("", "v1", "namespaces", "namespace", "Namespace", Namespaced: false, "namespaces",
        ["create", "get", "list", "watch"], ["ns"]);

    public static readonly ResourceType CoreEvents = new("", "v1", "events", "event", "Event", Namespaced: true, "events",
        AllVerbs, ["ev"]);

    public static readonly ResourceType Events = new("events.k8s.io", "v1", "events", "event", "Event", Namespaced: true, "events",
        AllVerbs, ["ev"]);

    public static readonly ResourceType Leases = new("coordination.k8s.io", "v1", "leases", "lease", "Lease", Namespaced: true, "leases",
        AllVerbs, []);

    // Pods are served so that clients listing them (kubectl describe node) get real answers; nothing runs them.
    public static readonly ResourceType Pods = new("", "v1", "pods", "pod", "Pod", Namespaced: true, "pods",
        AllVerbs, ["po"], HasStatus: true, ReturnsDeletedObject: true, Categories: ["all"]);

    public static readonly ResourceType ConfigMaps = new("", "v1", "configmaps", "configmap", "ConfigMap", Namespaced: true, "configmaps",
        AllVerbs, ["cm"]);

    public static readonly ResourceType Deployments = new("apps", "v1", "deployments", "deployment", "Deployment", Namespaced: true, "deployments",
        AllVerbs, ["deploy"], HasStatus: true, Categories: ["all"]);

    public static readonly ResourceType EndpointSlices = new("discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", Namespaced: true,
        "endpointslices", AllVerbs, []);

    public static readonly IReadOnlyList<ResourceType> All =
        [Services, Nodes, Namespaces, CoreEvents, Pods, ConfigMaps, Events, Leases, Deployments, EndpointSlices];

    /// <summary>The API groups other than core, in the order discovery lists them (kube-apiserver's order).</summary>
    public static readonly IReadOnlyList<string> Groups = ["apps", "events.k8s.io", "coordination.k8s.io", "discovery.k8s.io"];

    public static ResourceType? Find(string group, string version, string plural) =>
        All.FirstOrDefault(r => r.Group == group && r.Version == version && r.Plural == plural);

    /// <summary>The shape objects are kept in for a storage (core events for both event APIs).</summary>
    public static ResourceType StorageType(string storage) => All.First(r => r.Storage == storage);

    public static IEnumerable<ResourceType> InGroupVersion(string group, string version) =>
        All.Where(r => r.Group == group && r.Version == version);
}
