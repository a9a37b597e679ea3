using SakuraLb.Model;

namespace SakuraLb.Kubectl.Views;

/// <summary>One Node as <c>kubectl sakuralb nodes</c> shows it (also the shape of -o json|yaml).</summary>
internal sealed record NodeRow
{
    public required string Name { get; init; }

    /// <summary>The Sakura server id from the providerID; null until the node is initialised.</summary>
    public string? Server { get; init; }

    public string? ProviderId { get; init; }

    public string? Zone { get; init; }

    public string? InstanceType { get; init; }

    public IReadOnlyList<string> InternalIps { get; init; } = [];

    /// <summary>Uninitialized (the cloud taint is on), Shutdown (the server is off), Deleting, or Initialized.</summary>
    public required string State { get; init; }

    /// <summary>The kubelet's Ready condition: True, False or Unknown.</summary>
    public string? Ready { get; init; }

    /// <summary>The controller's last Event about the Node (reason and note), e.g. why it is not initialised.</summary>
    public string? LastEvent { get; init; }

    public static NodeRow From(V1Node node, Corev1Event? lastEvent)
    {
        ArgumentNullException.ThrowIfNull(node);
        var taints = node.Spec?.Taints?.Select(t => t.Key).ToHashSet(StringComparer.Ordinal) ?? [];
        var providerId = node.Spec?.ProviderID;
        var state = node.Metadata?.DeletionTimestamp is not null ? "Deleting"
            : taints.Contains(WellKnown.UninitializedTaint) ? "Uninitialized"
            : taints.Contains(WellKnown.ShutdownTaint) ? "Shutdown"
            : "Initialized";
        return new NodeRow
        {
            Name = node.Metadata?.Name ?? "",
            Server = providerId is not null && providerId.StartsWith(WellKnown.ProviderIdPrefix, StringComparison.Ordinal) ? providerId[WellKnown.ProviderIdPrefix.Length..] : null,
            ProviderId = providerId,
            Zone = Label(node, WellKnown.ZoneLabel),
            InstanceType = Label(node, WellKnown.InstanceTypeLabel),
            InternalIps = node.Status?.Addresses?.Where(a => a.Type == WellKnown.NodeInternalIP).Select(a => a.Address).ToArray() ?? [],
            State = state,
            Ready = node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status,
            LastEvent = lastEvent is null ? null : $"{lastEvent.Reason}: {lastEvent.Message}",
        };
    }

    private static string? Label(V1Node node, string key) =>
        node.Metadata?.Labels is { } labels && labels.TryGetValue(key, out var value) ? value : null;
}
