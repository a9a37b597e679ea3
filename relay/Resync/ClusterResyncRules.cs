using System.Globalization;
using System.Text.Json.Nodes;
using k8s.Models;
using SakuraLb.Model;
using SakuraLb.Relay.Delivery;
using SakuraLb.Relay.Status;

namespace SakuraLb.Relay.Resync;

/// <summary>
/// The cluster-wide resync asked for through a ConfigMap (<see cref="WellKnown.ClusterResyncConfigMap"/>): which value is
/// still to be answered, the Event that answers it, and the annotation that remembers it was answered. Pure.
/// </summary>
public static class ClusterResyncRules
{
    public const string ReasonFailed = "ResyncFailed";

    /// <summary>Most Services named in an answer; the rest are counted.</summary>
    public const int MaxNamedServices = 10;

    /// <summary>
    /// The request value the ConfigMap carries that is still to be answered, or null: none, or the value already
    /// answered (written back on the ConfigMap, or answered by this process a moment ago and not yet seen back).
    /// </summary>
    public static string? Pending(V1ConfigMap? configMap, string? answeredHere)
    {
        var annotations = configMap?.Metadata?.Annotations;
        if (annotations is null
            || !annotations.TryGetValue(WellKnown.ResyncRequestedAtAnnotation, out var request)
            || string.IsNullOrWhiteSpace(request))
        {
            return null;
        }

        return annotations.TryGetValue(WellKnown.ResyncAnsweredAnnotation, out var answered) && answered == request
            || request == answeredHere
            ? null
            : request;
    }

    /// <summary>
    /// The Event that answers <paramref name="request"/>: Normal with how many Services were resent and which the function
    /// app found behind or drifted (their reconciles now run), or a Warning with the reason the resync failed.
    /// </summary>
    public static EventText Answer(string configMapName, string uid, string request, FunctionResponse response, ResyncResponse? started, int services, TimeSpan took)
    {
        ArgumentNullException.ThrowIfNull(response);
        var name = EventNames.ResyncAnswer(configMapName, uid, request);
        var seconds = took.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        if (!response.IsSuccess)
        {
            var reason = response.StatusCode == 0
                ? $"the function app could not be reached ({response.Detail})"
                : $"the function app answered {response.StatusCode} ({response.Detail})";
            return new EventText(name, "Warning", ReasonFailed, WriteBackPlanner.ActionResync,
                WriteBackPlanner.Note($"Resync requested; failed after {seconds} s: {reason}. Annotate the ConfigMap again to retry."));
        }

        var concerned = started?.Services ?? [];
        var changes = started is null ? "reconciling what is behind or drifted (the function app's answer did not list it)"
            : concerned.Count == 0 ? "no change"
            : $"{concerned.Count} behind or drifted, now reconciling: {string.Join(", ", concerned.Take(MaxNamedServices).Select(s => $"{s.Namespace}/{s.Name}"))}"
                + (concerned.Count > MaxNamedServices ? $" and {concerned.Count - MaxNamedServices} more" : "");
        return new EventText(name, "Normal", WriteBackPlanner.ReasonResynced, WriteBackPlanner.ActionResync,
            WriteBackPlanner.Note($"Resync requested; reconciled {services} Service{(services == 1 ? "" : "s")} in {seconds} s: {changes}"));
    }

    /// <summary>The Event about the ConfigMap, in its namespace.</summary>
    public static Eventsv1Event Event(V1ConfigMap configMap, EventText text, DateTimeOffset now, string reportingController, string reportingInstance)
    {
        ArgumentNullException.ThrowIfNull(configMap);
        var regarding = new V1ObjectReference
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            NamespaceProperty = configMap.Metadata.NamespaceProperty,
            Name = configMap.Metadata.Name,
            Uid = configMap.Metadata.Uid,
            ResourceVersion = configMap.Metadata.ResourceVersion,
        };
        return KubeWrites.Event(configMap.Metadata.NamespaceProperty, regarding, text, now, reportingController, reportingInstance);
    }

    /// <summary>
    /// A merge patch that records <paramref name="request"/> as answered, naming the ConfigMap's UID (a ConfigMap deleted
    /// and created again is not written).
    /// </summary>
    public static V1Patch AnsweredPatch(string uid, string request)
    {
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["uid"] = uid,
                ["annotations"] = new JsonObject { [WellKnown.ResyncAnsweredAnnotation] = request },
            },
        };
        return new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch);
    }
}
