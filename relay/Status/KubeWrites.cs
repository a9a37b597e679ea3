using System.Net;
using System.Text.Json.Nodes;
using k8s.Autorest;
using k8s.Models;
using SakuraLb.Model;

namespace SakuraLb.Relay.Status;

/// <summary>The outcome of one write.</summary>
public enum WriteOutcome
{
    Ok,

    /// <summary>The object changed since it was read (a JSON-patch test failed): the newer version is on its way through the watch.</summary>
    Conflict,

    /// <summary>The Service no longer exists.</summary>
    Gone,

    /// <summary>The Event already exists: it was recorded before (deduplicated by name).</summary>
    AlreadyRecorded,

    Failed,
}

/// <summary>One planned write to the Kubernetes API: to a Service (<see cref="WriteAction"/>) or to a Node.</summary>
public abstract record KubeWriteAction
{
    /// <summary>Short name for logs and metrics.</summary>
    public abstract string Kind { get; }
}

/// <summary>What an Event says: its deterministic name, Normal or Warning, reason, action and note.</summary>
public sealed record EventText(string EventName, string Type, string Reason, string Action, string Note);

/// <summary>Builds the request bodies of the planned writes. Pure.</summary>
public static class KubeWrites
{
    public static V1Patch AddFinalizerPatch(AddFinalizer action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var ops = new JsonArray
        {
            new JsonObject { ["op"] = "test", ["path"] = "/metadata/resourceVersion", ["value"] = action.ResourceVersion },
            action.HasFinalizerList
                ? new JsonObject { ["op"] = "add", ["path"] = "/metadata/finalizers/-", ["value"] = WellKnown.LoadBalancerCleanupFinalizer }
                : new JsonObject { ["op"] = "add", ["path"] = "/metadata/finalizers", ["value"] = new JsonArray(WellKnown.LoadBalancerCleanupFinalizer) },
        };
        return new V1Patch(ops.ToJsonString(), V1Patch.PatchType.JsonPatch);
    }

    /// <summary>A merge patch of the status note annotation, naming the Service's UID (a recreated Service is not written).</summary>
    public static V1Patch StatusNotePatch(SetStatusNote action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["uid"] = action.Uid,
                ["annotations"] = new JsonObject { [WellKnown.LoadBalancerStatusAnnotation] = action.Note },
            },
        };
        return new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch);
    }

    public static V1Patch RemoveFinalizerPatch(RemoveFinalizer action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var ops = new JsonArray
        {
            new JsonObject { ["op"] = "test", ["path"] = "/metadata/resourceVersion", ["value"] = action.ResourceVersion },
            new JsonObject { ["op"] = "test", ["path"] = $"/metadata/finalizers/{action.Index}", ["value"] = WellKnown.LoadBalancerCleanupFinalizer },
            new JsonObject { ["op"] = "remove", ["path"] = $"/metadata/finalizers/{action.Index}" },
        };
        return new V1Patch(ops.ToJsonString(), V1Patch.PatchType.JsonPatch);
    }

    /// <summary>
    /// A merge patch of status.loadBalancer: the whole ingress list, or null to clear it. It names the Service's UID in
    /// <c>metadata.uid</c>: the API server refuses a patch whose UID differs from the stored object's, so a Service
    /// deleted and recreated under the same name never receives the old one's address.
    /// </summary>
    public static V1Patch IngressPatch(SetIngress action)
    {
        ArgumentNullException.ThrowIfNull(action);
        JsonNode? ingress = null;
        if (action.Ingress.Count > 0)
        {
            var list = new JsonArray();
            foreach (var point in action.Ingress)
            {
                var entry = new JsonObject { ["ip"] = point.Ip };
                if (point.IpMode is not null)
                {
                    entry["ipMode"] = point.IpMode;
                }

                list.Add(entry);
            }

            ingress = list;
        }

        var body = new JsonObject
        {
            ["metadata"] = new JsonObject { ["uid"] = action.Uid },
            ["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = ingress } },
        };
        return new V1Patch(body.ToJsonString(), V1Patch.PatchType.MergePatch);
    }

    public static Eventsv1Event Event(RecordEvent action, DateTimeOffset now, string reportingController, string reportingInstance)
    {
        ArgumentNullException.ThrowIfNull(action);
        var regarding = new V1ObjectReference
        {
            ApiVersion = "v1",
            Kind = "Service",
            NamespaceProperty = action.Namespace,
            Name = action.Name,
            Uid = action.Uid,
            ResourceVersion = action.ResourceVersion,
        };
        return Event(action.Namespace, regarding, new EventText(action.EventName, action.Type, action.Reason, action.Action, action.Note), now, reportingController, reportingInstance);
    }

    /// <summary>An events.k8s.io/v1 Event in <paramref name="eventNamespace"/> about <paramref name="regarding"/>.</summary>
    public static Eventsv1Event Event(string eventNamespace, V1ObjectReference regarding, EventText text, DateTimeOffset now, string reportingController, string reportingInstance)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(reportingInstance);
        return new Eventsv1Event
        {
            ApiVersion = "events.k8s.io/v1",
            Kind = "Event",
            Metadata = new V1ObjectMeta { Name = text.EventName, NamespaceProperty = eventNamespace },
            EventTime = now.UtcDateTime,
            ReportingController = reportingController,
            ReportingInstance = reportingInstance.Length > 128 ? reportingInstance[..128] : reportingInstance,
            Action = text.Action,
            Reason = text.Reason,
            Note = text.Note,
            Type = text.Type,
            Regarding = regarding,
        };
    }

    /// <summary>Maps an API error to an outcome: 404 gone, 409/422 conflict (for an Event 409 means already recorded).</summary>
    public static WriteOutcome Classify(Exception exception, bool isEvent)
    {
        if (exception is HttpOperationException { Response: { } response })
        {
            return response.StatusCode switch
            {
                HttpStatusCode.NotFound => WriteOutcome.Gone,
                HttpStatusCode.Conflict when isEvent => WriteOutcome.AlreadyRecorded,
                HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity when !isEvent => WriteOutcome.Conflict,
                _ => WriteOutcome.Failed,
            };
        }

        return WriteOutcome.Failed;
    }
}
