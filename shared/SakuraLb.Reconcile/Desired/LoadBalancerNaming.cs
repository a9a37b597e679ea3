namespace SakuraLb.Reconcile.Desired;

/// <summary>
/// Names and tags of the appliances this controller owns. The name and the first three tags are the
/// original CCM's, so load balancers it created are found and adopted; the Service-UID tag is ours.
/// </summary>
/// <remarks>
/// Why a UID tag: the name keeps only 31 of the UID's 32 hex digits, and the original's
/// @k8s.Service tag keeps 18 characters of the name without the namespace, so neither identifies a
/// Service for sure. The orphan collector and the lookup by tag need the full UID. Sakura documents no
/// tag length limit in the sources we have; the longest tag here is 52 characters
/// (@k8s.ServiceUID= plus a 36-character UID) and the cluster id is capped at 32 characters. The owner tag is
/// 43 (@k8s.Owner= plus 32 hex digits), and an appliance carries five tags of ours.
/// </remarks>
public static class LoadBalancerNaming
{
    public const int MaxNameLength = 32;
    public const int MaxClusterIdLength = Model.EventBatchValidator.MaxClusterIdLength;
    public const int ServiceTagNameLength = 18;

    public const string BaseTag = "@k8s";
    public const string ClusterTagPrefix = "@k8s.ClusterID=";
    public const string ServiceTagPrefix = "@k8s.Service=";
    public const string ServiceUidTagPrefix = "@k8s.ServiceUID=";

    /// <summary>
    /// The installation that created (or claimed) the appliance: a random id the function app generates once and
    /// keeps in its own tables, so a copied parameters file (the same cluster id) does not copy it. Orphan
    /// collection and teardown delete only appliances carrying their own installation's id.
    /// </summary>
    public const string OwnerTagPrefix = "@k8s.Owner=";

    /// <summary>"a" + the UID without dashes, cut to 32 characters (upstream's DefaultLoadBalancerName).</summary>
    public static string Name(string serviceUid)
    {
        var name = "a" + serviceUid.Replace("-", "", StringComparison.Ordinal);
        return name.Length > MaxNameLength ? name[..MaxNameLength] : name;
    }

    /// <summary>The tags our appliance must carry, sorted ordinally (the API's clients sort them too).</summary>
    /// <param name="ownerId">This installation's owner id (<see cref="OwnerTagPrefix"/>); null leaves the owner tag out.</param>
    public static IReadOnlyList<string> Tags(string clusterId, string serviceName, string serviceUid, string? ownerId = null)
    {
        var shortName = serviceName.Length > ServiceTagNameLength ? serviceName[..ServiceTagNameLength] : serviceName;
        var tags = new List<string>
        {
            BaseTag,
            ClusterTag(clusterId),
            ServiceTagPrefix + shortName,
            ServiceUidTag(serviceUid),
        };
        if (!string.IsNullOrEmpty(ownerId))
        {
            tags.Add(OwnerTag(ownerId));
        }

        tags.Sort(StringComparer.Ordinal);
        return tags;
    }

    /// <summary>The tag every appliance of the cluster carries: what finds the cluster's load balancers.</summary>
    public static string ClusterTag(string clusterId) => ClusterTagPrefix + clusterId;

    /// <summary>The tag that names the one Service an appliance is for.</summary>
    public static string ServiceUidTag(string serviceUid) => ServiceUidTagPrefix + serviceUid;

    /// <summary>The tag naming the installation that owns an appliance.</summary>
    public static string OwnerTag(string ownerId) => OwnerTagPrefix + ownerId;

    /// <summary>"namespace/name": what a person looking at the Sakura control panel needs.</summary>
    public static string Description(string serviceNamespace, string serviceName) => $"{serviceNamespace}/{serviceName}";

    /// <summary>True for the tags whose meaning this controller owns (replaced, not merged, on update).</summary>
    public static bool IsControllerTag(string tag) =>
        string.Equals(tag, BaseTag, StringComparison.Ordinal)
        || tag.StartsWith(ClusterTagPrefix, StringComparison.Ordinal)
        || tag.StartsWith(ServiceTagPrefix, StringComparison.Ordinal)
        || tag.StartsWith(ServiceUidTagPrefix, StringComparison.Ordinal)
        || tag.StartsWith(OwnerTagPrefix, StringComparison.Ordinal);

    /// <summary>Every distinct cluster id found in @k8s.ClusterID= tags.</summary>
    public static IReadOnlyList<string> ClusterIdsOf(IEnumerable<string> tags) =>
        ValuesOf(tags, ClusterTagPrefix);

    /// <summary>Every distinct Service UID found in @k8s.ServiceUID= tags.</summary>
    public static IReadOnlyList<string> ServiceUidsOf(IEnumerable<string> tags) =>
        ValuesOf(tags, ServiceUidTagPrefix);

    /// <summary>Every distinct owner id found in @k8s.Owner= tags.</summary>
    public static IReadOnlyList<string> OwnerIdsOf(IEnumerable<string> tags) =>
        ValuesOf(tags, OwnerTagPrefix);

    /// <summary>
    /// The tags to write: the appliance's other tags kept as they are, ours replaced by
    /// <paramref name="desired"/>; sorted and distinct.
    /// </summary>
    public static IReadOnlyList<string> MergeTags(IEnumerable<string> actual, IEnumerable<string> desired)
    {
        var merged = new SortedSet<string>(actual.Where(t => !string.IsNullOrEmpty(t) && !IsControllerTag(t)), StringComparer.Ordinal);
        merged.UnionWith(desired);
        return [.. merged];
    }

    private static List<string> ValuesOf(IEnumerable<string> tags, string prefix) =>
        tags.Where(t => t is not null && t.StartsWith(prefix, StringComparison.Ordinal))
            .Select(t => t[prefix.Length..])
            .Distinct(StringComparer.Ordinal)
            .ToList();
}
