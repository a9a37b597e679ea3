using k8s.Models;
using SakuraLb.Model;

namespace SakuraLb.Relay.Projection;

/// <summary>One entry of status.loadBalancer.ingress as the relay compares it (ip and ipMode).</summary>
public sealed record IngressPoint(string Ip, string? IpMode);

/// <summary>
/// Turns a Service into the snapshot the controller reads. Only what the controller uses is kept, so a
/// change to anything else (labels, foreign annotations, status other than ingress, managedFields)
/// leaves the projection unchanged and is never forwarded.
/// </summary>
public static class ServiceProjection
{
    /// <summary>Most of our annotations forwarded per Service (the controller reads fewer than 20 keys).</summary>
    public const int MaxForwardedAnnotations = 32;

    /// <summary>Most characters of our annotations (keys and values) forwarded per Service.</summary>
    public const int MaxForwardedAnnotationChars = 16 * 1024;

    public static ServiceSnapshot Project(V1Service service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var meta = service.Metadata ?? new V1ObjectMeta();
        var spec = service.Spec ?? new V1ServiceSpec();
        return new ServiceSnapshot
        {
            Uid = meta.Uid ?? "",
            Namespace = meta.NamespaceProperty ?? "",
            Name = meta.Name ?? "",
            ResourceVersion = meta.ResourceVersion ?? "",
            Generation = meta.Generation,
            Type = spec.Type ?? "ClusterIP",
            LoadBalancerClass = spec.LoadBalancerClass,
            Ports = spec.Ports?.Where(p => p is not null).Select(ProjectPort).ToArray() ?? [],
            // Only our prefix leaves the cluster; the resync request travels in a field of its own.
            Annotations = Capped(Kept(meta.Annotations, key => WellKnown.IsOurAnnotation(key) && key != WellKnown.ResyncRequestedAtAnnotation)),
            LoadBalancerIP = string.IsNullOrEmpty(spec.LoadBalancerIP) ? null : spec.LoadBalancerIP,
            ExternalTrafficPolicy = spec.ExternalTrafficPolicy,
            HealthCheckNodePort = spec.HealthCheckNodePort is null or 0 ? null : spec.HealthCheckNodePort,
            IpFamilies = spec.IpFamilies is { Count: > 0 } families ? families.ToArray() : null,
            AllocateLoadBalancerNodePorts = spec.AllocateLoadBalancerNodePorts,
            DeletionTimestamp = ToOffset(meta.DeletionTimestamp),
            Finalizers = meta.Finalizers?.Where(f => !string.IsNullOrEmpty(f)).ToArray() ?? [],
            CurrentIngress = Ingress(service).Select(i => i.Ip).ToArray(),
            ResyncRequest = ResyncRequestOf(meta.Annotations),
        };
    }

    /// <summary>
    /// The Service's resync request: the annotation's value, trimmed; null when absent, empty, or longer than the
    /// function app accepts (such a value is never answered, and nothing else of the Service is held back by it).
    /// </summary>
    public static string? ResyncRequestOf(IDictionary<string, string>? annotations) =>
        annotations?.TryGetValue(WellKnown.ResyncRequestedAtAnnotation, out var value) == true
        && value?.Trim() is { Length: > 0 and <= EventBatchValidator.MaxResyncRequestLength } request
            ? request
            : null;

    /// <summary>
    /// A tombstone: the Service is gone from the API server. It carries the last known state (the
    /// function's scope rules need the class and type of what was deleted), marked deleted.
    /// </summary>
    public static ServiceSnapshot Tombstone(ServiceSnapshot last)
    {
        ArgumentNullException.ThrowIfNull(last);
        return last with { Deleted = true };
    }

    /// <summary>The status note annotation the relay wrote on the Service (<see cref="WellKnown.LoadBalancerStatusAnnotation"/>), if any.</summary>
    public static string? StatusNoteOf(V1Service service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.Metadata?.Annotations?.TryGetValue(WellKnown.LoadBalancerStatusAnnotation, out var note) == true ? note : null;
    }

    /// <summary>The ingress entries with an IP (hostname-only entries are not ours to manage).</summary>
    public static IReadOnlyList<IngressPoint> Ingress(V1Service service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.Status?.LoadBalancer?.Ingress?
            .Where(i => i is not null && !string.IsNullOrEmpty(i.Ip))
            .Select(i => new IngressPoint(i.Ip, i.IpMode))
            .ToArray() ?? [];
    }

    private static ServicePortSnapshot ProjectPort(V1ServicePort port) => new()
    {
        Name = string.IsNullOrEmpty(port.Name) ? null : port.Name,
        Protocol = string.IsNullOrEmpty(port.Protocol) ? "TCP" : port.Protocol,
        Port = port.Port,
        NodePort = port.NodePort is null or 0 ? null : port.NodePort,
        TargetPort = port.TargetPort?.Value,
        AppProtocol = port.AppProtocol,
    };

    /// <summary>
    /// The entries of a label or annotation map whose key <paramref name="keep"/> accepts (a null value as ""),
    /// sorted by key so a projection does not depend on the map's order.
    /// </summary>
    internal static Dictionary<string, string> Kept(IDictionary<string, string>? map, Func<string, bool> keep)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (map is null)
        {
            return result;
        }

        foreach (var (key, value) in map.Where(e => keep(e.Key)).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            result[key] = value ?? "";
        }

        return result;
    }

    /// <summary>
    /// Our annotations within the per-Service caps, in key order: the API server allows 256 KiB of annotations per
    /// object, and a tenant filling them under our prefix must not make the relay hold (up to
    /// <see cref="Options.RelayOptions.MaxPendingServices"/> times) or send that much. Entries past a cap are not forwarded.
    /// </summary>
    internal static Dictionary<string, string> Capped(Dictionary<string, string> annotations)
    {
        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        var chars = 0;
        foreach (var (key, value) in annotations.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            if (kept.Count == MaxForwardedAnnotations)
            {
                break;
            }

            if (chars + key.Length + value.Length > MaxForwardedAnnotationChars)
            {
                continue;
            }

            chars += key.Length + value.Length;
            kept[key] = value;
        }

        return kept;
    }

    internal static DateTimeOffset? ToOffset(DateTime? value) =>
        value is { } time ? new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)) : null;
}
