using System.Text.Json.Nodes;
using KubeSim.Api;
using KubeSim.Json;
using KubeSim.Patching;

namespace KubeSim.Semantics;

/// <summary>
/// Pods as stored objects: there is no scheduler and no kubelet, so a Pod stays as written (Pending
/// unless a test sets its status through <c>pods/status</c>). They exist so that clients that list
/// pods — <c>kubectl describe node</c> lists the pods on the node by <c>spec.nodeName</c> — get real
/// answers. Defaults and the main validation follow kube-apiserver; a Pod's spec is immutable
/// except for the fields a real server lets change.
/// </summary>
internal sealed class PodStrategy : ResourceStrategy
{
    private const string SpecUpdateForbidden =
        "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

    public override string Storage => "pods";

    public override bool HasStatusSubresource => true;

    public override bool KeepsStatusOnCreate => false;

    public override IReadOnlyDictionary<string, ListMergeRule> MergeLists { get; } =
        WithCommonLists([.. PodSpecRules.MergeLists("spec"), ("status.conditions", "type"), ("status.podIPs", "ip")]);

    public override IReadOnlyDictionary<string, Func<JsonObject, string?>> FieldExtractors { get; } = Fields();

    public override void PrepareForCreate(JsonObject obj, IStrategyContext ctx)
    {
        var spec = obj.GetOrAddObject("spec");
        PodSpecRules.ApplyDefaults(spec);
        spec["enableServiceLinks"] ??= true;
        obj["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = QosClass(spec) };
    }

    public override void PrepareForUpdate(JsonObject obj, JsonObject old, IStrategyContext ctx) =>
        PodSpecRules.ApplyDefaults(obj.GetOrAddObject("spec"));

    public override IEnumerable<FieldError> Validate(JsonObject obj, JsonObject? old, ResourceType requestType)
    {
        var errors = PodSpecRules.Validate(obj.Obj("spec"), "spec").ToList();
        if (old is not null && !SameExceptMutableFields(obj.Obj("spec"), old.Obj("spec")))
        {
            errors.Add(FieldError.Forbidden("spec", SpecUpdateForbidden));
        }

        return errors;
    }

    private static bool SameExceptMutableFields(JsonObject? spec, JsonObject? oldSpec)
    {
        static JsonObject Normalized(JsonObject? s)
        {
            var copy = s?.CloneObject() ?? new JsonObject();
            foreach (var field in new[] { "activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds" })
            {
                copy.Remove(field);
            }

            foreach (var container in new[] { "containers", "initContainers" }.SelectMany(l => copy.Arr(l)?.OfType<JsonObject>() ?? []))
            {
                container.Remove("image");
            }

            return copy;
        }

        return JsonNode.DeepEquals(Normalized(spec), Normalized(oldSpec));
    }

    // BestEffort without any request or limit; Guaranteed when every container limits CPU and memory
    // with equal (or no) requests; Burstable otherwise.
    private static string QosClass(JsonObject spec)
    {
        var containers = (spec.Arr("containers")?.OfType<JsonObject>() ?? []).Concat(spec.Arr("initContainers")?.OfType<JsonObject>() ?? []).ToList();
        var resources = containers.Select(c => c.Obj("resources")).ToList();
        if (resources.All(r => r.Obj("requests") is not { Count: > 0 } && r.Obj("limits") is not { Count: > 0 }))
        {
            return "BestEffort";
        }

        var guaranteed = resources.All(r =>
        {
            var limits = r.StringMap("limits");
            var requests = r.StringMap("requests");
            return limits.ContainsKey("cpu") && limits.ContainsKey("memory")
                && requests.All(p => limits.TryGetValue(p.Key, out var l) && l == p.Value);
        });
        return guaranteed ? "Guaranteed" : "Burstable";
    }

    private static Dictionary<string, Func<JsonObject, string?>> Fields()
    {
        var fields = MetadataFields();
        fields["spec.nodeName"] = o => o.Obj("spec").Str("nodeName");
        fields["spec.restartPolicy"] = o => o.Obj("spec").Str("restartPolicy");
        fields["spec.schedulerName"] = o => o.Obj("spec").Str("schedulerName");
        fields["spec.serviceAccountName"] = o => o.Obj("spec").Str("serviceAccountName");
        fields["spec.hostNetwork"] = o => o.Obj("spec").Bool("hostNetwork") == true ? "true" : "false";
        fields["status.phase"] = o => o.Obj("status").Str("phase");
        fields["status.podIP"] = o => o.Obj("status").Str("podIP");
        fields["status.nominatedNodeName"] = o => o.Obj("status").Str("nominatedNodeName");
        return fields;
    }
}
