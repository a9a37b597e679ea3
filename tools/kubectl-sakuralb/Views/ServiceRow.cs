using System.Globalization;
using SakuraLb.Model;

namespace SakuraLb.Kubectl.Views;

/// <summary>One Service as <c>kubectl sakuralb status</c> shows it (also the shape of -o json|yaml).</summary>
internal sealed record ServiceRow
{
    public required string Namespace { get; init; }

    public required string Name { get; init; }

    /// <summary>Ready, Provisioning, Failed, Deleting, Deleted; "Pending" while the function app has said nothing yet.</summary>
    public required string Phase { get; init; }

    public IReadOnlyList<string> Vips { get; init; } = [];

    /// <summary>"80/TCP" per port.</summary>
    public IReadOnlyList<string> Ports { get; init; } = [];

    public long? LoadBalancerId { get; init; }

    public string? LoadBalancerName { get; init; }

    public string? Plan { get; init; }

    public bool? HighAvailability { get; init; }

    public IReadOnlyList<RealServerSummary> RealServers { get; init; } = [];

    /// <summary>The BackendsHealthy condition, when the controller reports one: True, False or Unknown.</summary>
    public string? BackendsHealthy { get; init; }

    public string? BackendsMessage { get; init; }

    /// <summary>When the function app last published a status for the Service.</summary>
    public DateTimeOffset? LastReconcile { get; init; }

    public string? Reason { get; init; }

    /// <summary>Why it is not ready (the function app's message); null when ready.</summary>
    public string? Message { get; init; }

    /// <summary>The answer to the last resync request, as the Event says it.</summary>
    public string? LastResync { get; init; }

    public const string BackendsHealthyCondition = "BackendsHealthy";

    /// <summary>Services of this controller: those it wrote a status note on, and every LoadBalancer Service of no other class.</summary>
    public static bool IsOurs(V1Service service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.Metadata?.Annotations?.ContainsKey(WellKnown.LoadBalancerStatusAnnotation) == true
            || (service.Spec?.Type == WellKnown.ServiceTypeLoadBalancer && string.IsNullOrEmpty(service.Spec.LoadBalancerClass))
            || service.Metadata?.Finalizers?.Contains(WellKnown.LoadBalancerCleanupFinalizer) == true;
    }

    public static LoadBalancerStatusNote? NoteOf(V1Service service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.Metadata?.Annotations?.TryGetValue(WellKnown.LoadBalancerStatusAnnotation, out var json) == true
            && ModelJson.TryDeserialize<LoadBalancerStatusNote>(json, out var note, out _)
                ? note
                : null;
    }

    public static ServiceRow From(V1Service service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var note = NoteOf(service);
        var lb = note?.LoadBalancer;
        var backends = service.Status?.Conditions?.FirstOrDefault(c => c.Type == BackendsHealthyCondition);
        var ready = note?.Phase == ServicePhase.Ready;
        return new ServiceRow
        {
            Namespace = service.Metadata?.NamespaceProperty ?? "",
            Name = service.Metadata?.Name ?? "",
            Phase = note?.Phase.ToString() ?? "Pending",
            Vips = service.Status?.LoadBalancer?.Ingress?.Where(i => !string.IsNullOrEmpty(i.Ip)).Select(i => i.Ip).ToArray() ?? [],
            Ports = service.Spec?.Ports?.Select(p => $"{p.Port.ToString(CultureInfo.InvariantCulture)}/{p.Protocol ?? "TCP"}").ToArray() ?? [],
            LoadBalancerId = lb?.Id,
            LoadBalancerName = lb?.Name,
            Plan = lb?.Plan,
            HighAvailability = lb?.HighAvailability,
            RealServers = lb?.RealServers ?? [],
            BackendsHealthy = backends?.Status,
            BackendsMessage = backends?.Message,
            LastReconcile = note?.UpdatedAt,
            Reason = note?.ReasonCode,
            Message = ready ? null : note?.Message ?? "the controller has not reported on this Service yet",
            LastResync = note?.Resync?.Sentence(note.Phase, note.ReasonCode, note.Message),
        };
    }
}
