using SakuraLb.Model;
using SakuraLb.Reconcile;
using SakuraLb.Reconcile.Scope;
using SakuraLb.Relay.Projection;
using SakuraLb.Relay.Tracking;

namespace SakuraLb.Relay.Status;

/// <summary>One write to the Kubernetes API, planned by <see cref="WriteBackPlanner"/>.</summary>
public abstract record WriteAction(string Namespace, string Name) : KubeWriteAction;

/// <summary>Add the cleanup finalizer (JSON patch guarded by a test of the resourceVersion).</summary>
public sealed record AddFinalizer(string Namespace, string Name, string ResourceVersion, bool HasFinalizerList)
    : WriteAction(Namespace, Name)
{
    public override string Kind => "finalizer_add";
}

/// <summary>
/// Write status.loadBalancer.ingress (merge patch of the status subresource) of the Service with <paramref name="Uid"/>:
/// the address belongs to that Service, not to whatever carries its name when the write arrives.
/// </summary>
public sealed record SetIngress(string Namespace, string Name, string Uid, IReadOnlyList<IngressPoint> Ingress) : WriteAction(Namespace, Name)
{
    public override string Kind => "ingress";
}

/// <summary>Record an events.k8s.io/v1 Event about the Service; <see cref="EventName"/> is deterministic, so a repeat is refused as already existing.</summary>
public sealed record RecordEvent(
    string Namespace,
    string Name,
    string Uid,
    string ResourceVersion,
    string EventName,
    string Type,
    string Reason,
    string Action,
    string Note,
    string? PhaseKey,
    string? WarningKey,
    string? ResyncRequest = null) : WriteAction(Namespace, Name)
{
    public override string Kind => "event";
}

/// <summary>
/// Write the status note annotation (<see cref="WellKnown.LoadBalancerStatusAnnotation"/>) of the Service with
/// <paramref name="Uid"/>: what the function app last said of it, for tools that read the cluster only.
/// </summary>
public sealed record SetStatusNote(string Namespace, string Name, string Uid, string Note) : WriteAction(Namespace, Name)
{
    public override string Kind => "status_note";
}

/// <summary>Remove the cleanup finalizer (JSON patch guarded by tests of the resourceVersion and of the entry).</summary>
public sealed record RemoveFinalizer(string Namespace, string Name, string ResourceVersion, int Index) : WriteAction(Namespace, Name)
{
    public override string Kind => "finalizer_remove";
}

/// <summary>What was last recorded as Events for one Service or Node, to record each phase/reason change once.</summary>
public sealed class EventMemory
{
    public string? PhaseKey { get; set; }

    public HashSet<string> Warnings { get; } = new(StringComparer.Ordinal);

    /// <summary>The last resync request whose answer was recorded as an Event.</summary>
    public string? ResyncAnswered { get; set; }

    /// <summary>The warnings not recorded yet, each with the key that remembers it once recorded.</summary>
    public IEnumerable<(StatusWarning Warning, string Key)> Unrecorded(IEnumerable<StatusWarning?>? warnings) =>
        (warnings ?? [])
            .OfType<StatusWarning>()
            .Select(w => (w, $"{w.ReasonCode}\n{w.Message}"))
            .Where(w => !Warnings.Contains(w.Item2));

    /// <summary>Notes an Event that was recorded: the phase key it reported, or the warning.</summary>
    public void Recorded(string? phaseKey, string? warningKey, string? resyncRequest = null)
    {
        if (resyncRequest is not null)
        {
            ResyncAnswered = resyncRequest;
        }

        if (phaseKey is not null)
        {
            PhaseKey = phaseKey;
        }

        if (warningKey is not null)
        {
            Warnings.Add(warningKey);
        }
    }
}

/// <summary>
/// Decides the writes that bring a Service in line with the function's status for it:
/// the finalizer before anything is forwarded for provisioning; the ingress only when it differs; an
/// Event per phase/reason change and per new warning; the finalizer's removal last, once the function
/// says every cloud resource is gone, in a status computed from the Service's current content. Pure.
/// </summary>
public static class WriteBackPlanner
{
    public const string IpModeVip = "VIP";
    public const string ActionEnsure = "EnsureLoadBalancer";
    public const string ActionDelete = "DeleteLoadBalancer";
    public const string ActionResync = "Resync";
    public const string ReasonResynced = "Resynced";

    /// <summary>Longest Event note the API accepts.</summary>
    public const int MaxNoteLength = 1024;

    public static IReadOnlyList<WriteAction> Plan(TrackedService tracked, ServiceStatus? status, EventMemory? memory, ControllerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(tracked);
        var service = tracked.Snapshot;
        if (service.Deleted)
        {
            return [];
        }

        if (ServiceScope.NeedsFinalizer(service, settings))
        {
            // Nothing else happens before the finalizer is on: the Service is not even forwarded yet.
            return [new AddFinalizer(service.Namespace, service.Name, service.ResourceVersion, service.Finalizers.Count > 0)];
        }

        if (status is null)
        {
            return [];
        }

        var actions = new List<WriteAction>();
        var wants = ServiceScope.WantsLoadBalancer(service, settings);
        var deleting = service.DeletionTimestamp is not null;

        if (!deleting && DesiredIngress(status, wants) is { } desired && !SameIngress(tracked.Ingress, desired))
        {
            actions.Add(new SetIngress(service.Namespace, service.Name, service.Uid, desired));
        }

        if (!deleting && StatusNote(status) is var note && !string.Equals(tracked.StatusNote, note, StringComparison.Ordinal))
        {
            actions.Add(new SetStatusNote(service.Namespace, service.Name, service.Uid, note));
        }

        memory ??= new EventMemory();
        actions.AddRange(Events(service, status, memory));
        actions.AddRange(BackendHealthWrites.Plan(tracked, status, memory, wants));

        // The function's verdict counts only when it was computed from the Service's current content (or later):
        // a Deleted status from an older version (a Service that was switched back, a stale feed read after a
        // failover) must not let the finalizer go while the load balancer may still be wanted or alive.
        if (service.HasCleanupFinalizer
            && (deleting || !wants)
            && status.FinalizerReleasable
            && status.Phase == ServicePhase.Deleted
            && tracked.ReflectedBy(status))
        {
            var index = IndexOf(service.Finalizers, WellKnown.LoadBalancerCleanupFinalizer);
            actions.Add(new RemoveFinalizer(service.Namespace, service.Name, service.ResourceVersion, index));
        }

        return actions;
    }

    /// <summary>
    /// The ingress to write, or null to leave it alone. While the Service wants a load balancer the
    /// function's IPs are written as soon as it has some (a failure keeps the last good address, as
    /// upstream does); once the load balancer is deleted for a Service that no longer wants one, the
    /// ingress is cleared.
    /// </summary>
    public static IReadOnlyList<IngressPoint>? DesiredIngress(ServiceStatus status, bool wantsLoadBalancer)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (wantsLoadBalancer)
        {
            return status.IngressIps.Count > 0 && status.Phase is not (ServicePhase.Deleting or ServicePhase.Deleted)
                ? status.IngressIps.Where(ip => !string.IsNullOrEmpty(ip)).Distinct(StringComparer.Ordinal).Select(ip => new IngressPoint(ip, IpModeVip)).ToArray()
                : null;
        }

        return status.Phase == ServicePhase.Deleted ? [] : null;
    }

    /// <summary>Same entries (ip and ipMode), in any order.</summary>
    public static bool SameIngress(IReadOnlyList<IngressPoint> current, IReadOnlyList<IngressPoint> desired)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(desired);
        return current.Count == desired.Count && current.ToHashSet().SetEquals(desired);
    }

    /// <summary>The deterministic Event name (<see cref="EventNames.Of"/>): a repeat is refused as AlreadyExists.</summary>
    public static string EventName(string serviceName, string uid, string discriminator) => EventNames.Of(serviceName, uid, discriminator);

    /// <summary>The status note annotation's value for a status (compact JSON, keys in declaration order, so equal statuses give equal text).</summary>
    public static string StatusNote(ServiceStatus status) =>
        ModelJson.Serialize(LoadBalancerStatusNote.Of(status));

    public static string PhaseKeyOf(ServiceStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return $"{status.Phase}/{status.ReasonCode ?? status.Phase.ToString()}";
    }

    private static IEnumerable<WriteAction> Events(ServiceSnapshot service, ServiceStatus status, EventMemory memory)
    {
        var phaseKey = PhaseKeyOf(status);
        if (!string.Equals(memory.PhaseKey, phaseKey, StringComparison.Ordinal))
        {
            var reason = status.ReasonCode ?? status.Phase.ToString();
            var severity = ReasonCodes.Find(reason)?.Severity;
            var warning = status.Phase == ServicePhase.Failed || severity is ReasonSeverity.Error or ReasonSeverity.Warning;
            var discriminator = $"phase\n{phaseKey}\n{status.UpdatedAt.UtcTicks}";
            yield return new RecordEvent(
                service.Namespace,
                service.Name,
                service.Uid,
                service.ResourceVersion,
                EventName(service.Name, service.Uid, discriminator),
                warning ? "Warning" : "Normal",
                reason,
                status.Phase is ServicePhase.Deleting or ServicePhase.Deleted ? ActionDelete : ActionEnsure,
                Note(status.Message ?? $"load balancer phase {status.Phase}"),
                phaseKey,
                null);
        }

        if (ResyncEvent(service, status, memory) is { } resync)
        {
            yield return resync;
        }

        foreach (var (text, key) in WarningEvents(service.Name, service.Uid, "warning", ActionEnsure, status.Warnings, memory))
        {
            yield return new RecordEvent(
                service.Namespace, service.Name, service.Uid, service.ResourceVersion, text.EventName, text.Type, text.Reason, text.Action, text.Note, null, key);
        }
    }

    /// <summary>
    /// A Warning Event for each warning <paramref name="memory"/> has not recorded yet, about the Service or Node
    /// <paramref name="name"/> with <paramref name="uid"/>; each with the key that remembers it once recorded.
    /// </summary>
    /// <param name="kind">Keeps these Event names apart from the phase Events' and from another kind of object's.</param>
    internal static IEnumerable<(EventText Text, string Key)> WarningEvents(
        string name, string uid, string kind, string action, IEnumerable<StatusWarning?>? warnings, EventMemory memory) =>
        memory.Unrecorded(warnings).Select(w =>
            (new EventText(EventName(name, uid, $"{kind}\n{w.Key}"), "Warning", w.Warning.ReasonCode, action, Note(w.Warning.Message)), w.Key));

    /// <summary>
    /// The answer to the Service's current resync request, once: only when the status answers the very value the
    /// Service carries now (an answer to an earlier value is stale and says nothing about the current request). The
    /// Event's name covers the request, so another relay process records it at most once too.
    /// </summary>
    private static RecordEvent? ResyncEvent(ServiceSnapshot service, ServiceStatus status, EventMemory memory)
    {
        if (service.ResyncRequest is not { } request
            || status.Resync is not { } answer
            || !string.Equals(answer.Request, request, StringComparison.Ordinal)
            || string.Equals(memory.ResyncAnswered, request, StringComparison.Ordinal))
        {
            return null;
        }

        return new RecordEvent(
            service.Namespace,
            service.Name,
            service.Uid,
            service.ResourceVersion,
            EventNames.ResyncAnswer(service.Name, service.Uid, request),
            "Normal",
            ReasonResynced,
            ActionResync,
            Note(answer.Sentence(status.Phase, status.ReasonCode, status.Message)),
            null,
            null,
            request);
    }

    /// <summary>The message cut to the longest note the API accepts.</summary>
    internal static string Note(string message) =>
        message.Length <= MaxNoteLength ? message : message[..(MaxNoteLength - 1)] + "…";

    private static int IndexOf(IReadOnlyList<string> values, string value)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (string.Equals(values[i], value, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
