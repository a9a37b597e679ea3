using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using KubeSim.Api;
using KubeSim.Json;
using KubeSim.Patching;

namespace KubeSim.Semantics;

/// <summary>
/// Node rules of kube-apiserver's ValidateNode and ValidateNodeUpdate: taints are valid (qualified key,
/// label-value value, known effect, unique by key and effect); once set, <c>spec.providerID</c> and
/// <c>spec.podCIDRs</c> may not change; <c>spec.externalID</c> never changes; status addresses are unique.
/// Status may be set at create, as kubelets do.
/// </summary>
internal sealed class NodeStrategy : ResourceStrategy
{
    private static readonly string[] TaintEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

    public override string Storage => "nodes";

    public override bool HasStatusSubresource => true;

    // spec.taints is atomic in the Node schema: a strategic merge patch replaces the whole list.
    public override IReadOnlyDictionary<string, ListMergeRule> MergeLists { get; } =
        WithCommonLists(("status.conditions", "type"), ("status.addresses", "type"), ("spec.podCIDRs", null));

    public override IReadOnlyDictionary<string, Func<JsonObject, string?>> FieldExtractors { get; } = Fields();

    public override IEnumerable<FieldError> Validate(JsonObject obj, JsonObject? old, ResourceType requestType)
    {
        var errors = new List<FieldError>();
        var spec = obj.Obj("spec");

        // ValidateNode, then (on update) ValidateNodeUpdate, which checks the taints a second time:
        // kube-apiserver really reports a bad taint twice on an update.
        errors.AddRange(Taints(spec.Arr("taints")));
        errors.AddRange(PodCidrs(spec.Arr("podCIDRs")));
        if (old is null)
        {
            return errors;
        }

        var oldSpec = old.Obj("spec");
        var seen = new HashSet<(string?, string?)>();
        var addresses = obj.Obj("status").Arr("addresses")?.ToList() ?? [];
        for (var i = 0; i < addresses.Count; i++)
        {
            var type = addresses[i].Str("type");
            var address = addresses[i].Str("address");
            if (!seen.Add((type, address)))
            {
                errors.Add(FieldError.Duplicate(string.Create(CultureInfo.InvariantCulture, $"status.addresses[{i}]"),
                    $"core.NodeAddress{{Type:\"{type}\", Address:\"{address}\"}}"));
            }
        }

        var oldCidrs = oldSpec.Arr("podCIDRs").StringItems().ToList();
        var newCidrs = spec.Arr("podCIDRs").StringItems().ToList();
        if (oldCidrs.Count > 0)
        {
            // kube-apiserver reports a length change once and every changed entry separately.
            var changes = oldCidrs.Count != newCidrs.Count ? 1 : oldCidrs.Where((c, i) => c != newCidrs[i]).Count();
            for (var i = 0; i < changes; i++)
            {
                errors.Add(FieldError.Forbidden("spec.podCIDRs", "node updates may not change podCIDR except from \"\" to valid"));
            }
        }

        var oldProviderId = oldSpec.Str("providerID") ?? "";
        if (oldProviderId.Length > 0 && oldProviderId != (spec.Str("providerID") ?? ""))
        {
            errors.Add(FieldError.Forbidden("spec.providerID", "node updates may not change providerID except from \"\" to valid"));
        }

        errors.AddRange(Taints(spec.Arr("taints")));
        if ((spec.Str("externalID") ?? "") != (oldSpec.Str("externalID") ?? ""))
        {
            errors.Add(FieldError.Forbidden("spec.externalID", "may not be updated"));
        }

        return errors;
    }

    // The path really is metadata.taints: ValidateNode builds it from the metadata path.
    private static List<FieldError> Taints(JsonArray? taints)
    {
        var errors = new List<FieldError>();
        var unique = new HashSet<(string Effect, string Key)>();
        var list = taints?.ToList() ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"metadata.taints[{i}]");
            var key = list[i].Str("key") ?? "";
            var value = list[i].Str("value") ?? "";
            var effect = list[i].Str("effect") ?? "";
            errors.AddRange(NameRules.QualifiedName(key).Select(m => FieldError.Invalid(at + ".key", JsonNav.Quote(key), m)));
            if (NameRules.LabelValue(value) is { Count: > 0 } valueErrors)
            {
                errors.Add(FieldError.Invalid(at + ".value", JsonNav.Quote(value), string.Join(";", valueErrors)));
            }

            if (effect.Length == 0)
            {
                errors.Add(FieldError.Required(at + ".effect"));
            }
            else if (!TaintEffects.Contains(effect))
            {
                errors.Add(FieldError.NotSupported(at + ".effect", JsonNav.Quote(effect), TaintEffects));
            }

            if (!unique.Add((effect, key)))
            {
                errors.Add(new FieldError("Duplicate", at,
                    $"core.Taint{{Key:\"{key}\", Value:\"{value}\", Effect:\"{effect}\", TimeAdded:(*v1.Time)(nil)}}", "taints must be unique by key and effect pair"));
            }
        }

        return errors;
    }

    private static IEnumerable<FieldError> PodCidrs(JsonArray? cidrs)
    {
        var list = cidrs.StringItems().ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (!IPNetwork.TryParse(list[i], out _))
            {
                yield return FieldError.Invalid(string.Create(CultureInfo.InvariantCulture, $"spec.podCIDRs[{i}]"), JsonNav.Quote(list[i]),
                    "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)");
            }
        }
    }

    private static Dictionary<string, Func<JsonObject, string?>> Fields()
    {
        var fields = MetadataFields();
        fields["spec.unschedulable"] = o => o.Obj("spec").Bool("unschedulable") == true ? "true" : "false";
        return fields;
    }
}
