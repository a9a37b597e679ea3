using System.Text.Json.Nodes;
using k8s.Models;
using SakuraLb.Model;
using SakuraLb.Relay.Tracking;

namespace SakuraLb.Relay.Status;

/// <summary>
/// Write a Service condition (merge patch of the status subresource naming <c>metadata.uid</c>): the whole list, the
/// Service's other conditions kept as they are.
/// </summary>
public sealed record SetCondition(string Namespace, string Name, string Uid, IReadOnlyList<V1Condition> Conditions) : WriteAction(Namespace, Name)
{
    public override string Kind => "condition";
}

/// <summary>
/// The writes that publish a Service's backend health (<see cref="ServiceStatus.Backends"/>): the BackendsHealthy
/// condition when it differs from the Service's, and an Event per health transition not recorded yet. Pure.
/// </summary>
public static class BackendHealthWrites
{
    public const string ActionCheckBackends = "CheckBackends";

    /// <summary>What <see cref="EventMemory"/> remembers a recorded health transition by.</summary>
    public static string MemoryKey(HealthEvent healthEvent)
    {
        ArgumentNullException.ThrowIfNull(healthEvent);
        return "health\n" + healthEvent.Id;
    }

    /// <summary>The memory keys of the transitions the status still carries (the memory keeps only those).</summary>
    public static IEnumerable<string> Remembered(ServiceStatus? status) =>
        (status?.Backends?.Events ?? []).OfType<HealthEvent>().Select(MemoryKey);

    public static IEnumerable<WriteAction> Plan(TrackedService tracked, ServiceStatus status, EventMemory memory, bool wantsLoadBalancer)
    {
        ArgumentNullException.ThrowIfNull(tracked);
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(memory);
        var service = tracked.Snapshot;
        if (status.Backends is not { } backends || !wantsLoadBalancer || service.DeletionTimestamp is not null)
        {
            yield break;
        }

        if (backends.Condition is { } condition && Conditions(tracked.Conditions, condition, backends.CheckedAt) is { } conditions)
        {
            yield return new SetCondition(service.Namespace, service.Name, service.Uid, conditions);
        }

        foreach (var healthEvent in backends.Events.OfType<HealthEvent>())
        {
            var key = MemoryKey(healthEvent);
            if (memory.Warnings.Contains(key))
            {
                continue;
            }

            yield return new RecordEvent(
                service.Namespace,
                service.Name,
                service.Uid,
                service.ResourceVersion,
                WriteBackPlanner.EventName(service.Name, service.Uid, key),
                healthEvent.Type,
                healthEvent.Reason,
                ActionCheckBackends,
                WriteBackPlanner.Note(healthEvent.Message),
                null,
                key);
        }
    }

    /// <summary>
    /// The Service's conditions with <paramref name="wanted"/> in place, or null when the Service already says the same.
    /// The transition time stays while the status does not change.
    /// </summary>
    public static IReadOnlyList<V1Condition>? Conditions(IReadOnlyList<V1Condition> current, StatusCondition wanted, DateTimeOffset checkedAt)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(wanted);
        var existing = current.FirstOrDefault(c => c is not null && string.Equals(c.Type, wanted.Type, StringComparison.Ordinal));
        if (existing is not null
            && existing.Status == wanted.Status
            && existing.Reason == wanted.Reason
            && existing.Message == wanted.Message)
        {
            return null;
        }

        var transition = existing is not null && existing.Status == wanted.Status ? existing.LastTransitionTime : checkedAt.UtcDateTime;
        var next = new V1Condition
        {
            Type = wanted.Type,
            Status = wanted.Status,
            Reason = wanted.Reason,
            Message = WriteBackPlanner.Note(wanted.Message),
            LastTransitionTime = transition,
        };
        return [.. current.Where(c => c is not null && c != existing), next];
    }

    /// <summary>The merge patch of the status subresource: every condition, and the Service's UID as a precondition.</summary>
    public static V1Patch ConditionPatch(SetCondition action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var list = new JsonArray();
        foreach (var c in action.Conditions)
        {
            var entry = new JsonObject
            {
                ["type"] = c.Type,
                ["status"] = c.Status,
                ["lastTransitionTime"] = c.LastTransitionTime.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
                ["reason"] = c.Reason,
                ["message"] = c.Message ?? "",
            };
            if (c.ObservedGeneration is { } generation)
            {
                entry["observedGeneration"] = generation;
            }

            list.Add(entry);
        }

        var body = new JsonObject
        {
            ["metadata"] = new JsonObject { ["uid"] = action.Uid },
            ["status"] = new JsonObject { ["conditions"] = list },
        };
        return new V1Patch(body.ToJsonString(), V1Patch.PatchType.MergePatch);
    }
}
