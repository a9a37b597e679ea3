using System.Text;
using System.Text.Json.Nodes;
using KubeSim.Api;
using KubeSim.Json;

namespace KubeSim.Semantics;

/// <summary>
/// Events are stored once, in the core/v1 shape, and served through both <c>/api/v1</c> and
/// <c>events.k8s.io/v1</c> (converted field by field, as the API server does), so an event the relay
/// writes through events.k8s.io shows up in <c>kubectl describe svc</c>, which reads core events.
/// </summary>
internal sealed class EventStrategy : ResourceStrategy
{
    // core/v1 name  <->  events.k8s.io/v1 name
    private static readonly (string Core, string V1)[] Renames =
    [
        ("involvedObject", "regarding"),
        ("message", "note"),
        ("reportingComponent", "reportingController"),
        ("source", "deprecatedSource"),
        ("firstTimestamp", "deprecatedFirstTimestamp"),
        ("lastTimestamp", "deprecatedLastTimestamp"),
        ("count", "deprecatedCount"),
    ];

    private static readonly HashSet<string> ClusterScopedKinds = ["Node", "Namespace", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "StorageClass"];
    private static readonly HashSet<string> NamespacedKinds = ["Service", "Pod", "Endpoints", "EndpointSlice", "ConfigMap", "Secret", "Deployment", "ReplicaSet", "Lease", "Event"];

    public override string Storage => "events";

    public override IReadOnlyDictionary<string, Func<JsonObject, string?>> FieldExtractors { get; } = Fields();

    public static JsonObject ToEventsV1(JsonObject core)
    {
        var v1 = new JsonObject();
        foreach (var (key, value) in core)
        {
            var renamed = Renames.FirstOrDefault(r => r.Core == key).V1 ?? key;
            v1[renamed] = value?.DeepClone();
        }

        v1["apiVersion"] = "events.k8s.io/v1";
        v1["kind"] = "Event";
        return v1;
    }

    public static JsonObject FromEventsV1(JsonObject v1)
    {
        var core = new JsonObject();
        foreach (var (key, value) in v1)
        {
            var renamed = Renames.FirstOrDefault(r => r.V1 == key).Core ?? key;
            core[renamed] = value?.DeepClone();
        }

        core["apiVersion"] = "v1";
        core["kind"] = "Event";
        return core;
    }

    public override IEnumerable<FieldError> Validate(JsonObject obj, JsonObject? old, ResourceType requestType)
    {
        var errors = new List<FieldError>();
        var involved = obj.Obj("involvedObject");
        var kind = involved.Str("kind") ?? "";
        var involvedNs = involved.Str("namespace") ?? "";
        var prefix = requestType.Group == "events.k8s.io" ? "regarding" : "involvedObject";
        if (NamespacedKinds.Contains(kind) && involvedNs.Length == 0)
        {
            errors.Add(FieldError.Required(prefix + ".namespace", "required for kind " + kind));
        }

        if (ClusterScopedKinds.Contains(kind) && involvedNs.Length > 0)
        {
            errors.Add(FieldError.Invalid(prefix + ".namespace", JsonNav.Quote(involvedNs), "not allowed for kind " + kind));
        }

        if (involvedNs.Length > 0 && involvedNs != obj.Namespace())
        {
            errors.Add(FieldError.Invalid(prefix + ".namespace", JsonNav.Quote(involvedNs), "does not match event.namespace"));
        }

        // An event about a cluster-scoped object (a Node) lives in "default"; recorders that set eventTime
        // may also use "kube-system".
        var ns = obj.Namespace();
        var hasEventTime = !string.IsNullOrEmpty(obj.Str("eventTime"));
        var namespaceFitsClusterScoped = ns == "default" || (hasEventTime ? ns == "kube-system" : ns.Length == 0);
        if (involvedNs.Length == 0 && !namespaceFitsClusterScoped)
        {
            errors.Add(FieldError.Invalid(prefix + ".namespace", "\"\"", "does not match event.namespace"));
        }

        if (old is null && requestType.Group == "events.k8s.io")
        {
            // events.k8s.io/v1 is strict about the fields a modern recorder must fill in.
            if (string.IsNullOrEmpty(obj.Str("eventTime")))
            {
                errors.Add(FieldError.Required("eventTime"));
            }

            if (string.IsNullOrEmpty(obj.Str("reportingComponent")))
            {
                errors.Add(FieldError.Required("reportingController"));
            }

            if (string.IsNullOrEmpty(obj.Str("reportingInstance")))
            {
                errors.Add(FieldError.Required("reportingInstance"));
            }

            if (string.IsNullOrEmpty(obj.Str("action")))
            {
                errors.Add(FieldError.Required("action"));
            }

            if (string.IsNullOrEmpty(obj.Str("reason")))
            {
                errors.Add(FieldError.Required("reason"));
            }

            if (obj.Str("type") is not ("Normal" or "Warning"))
            {
                errors.Add(FieldError.NotSupported("type", JsonNav.Quote(obj.Str("type") ?? ""), ["Normal", "Warning"]));
            }

            if (Encoding.UTF8.GetByteCount(obj.Str("message") ?? "") > 1024)
            {
                errors.Add(FieldError.Invalid("note", null, "can have at most 1024 characters"));
            }
        }

        return errors;
    }

    private static Dictionary<string, Func<JsonObject, string?>> Fields()
    {
        var fields = MetadataFields();
        foreach (var part in new[] { "kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath" })
        {
            fields["involvedObject." + part] = o => o.Obj("involvedObject").Str(part);
            fields["regarding." + part] = o => o.Obj("involvedObject").Str(part);
        }

        fields["reason"] = o => o.Str("reason");
        fields["type"] = o => o.Str("type");
        fields["reportingComponent"] = o => o.Str("reportingComponent");
        fields["reportingController"] = o => o.Str("reportingComponent");
        fields["source"] = o => o.Obj("source").Str("component") ?? o.Str("reportingComponent");
        fields["deprecatedSource"] = o => o.Obj("source").Str("component") ?? o.Str("reportingComponent");
        return fields;
    }
}
