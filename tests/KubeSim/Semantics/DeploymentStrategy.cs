using System.Globalization;
using System.Text.Json.Nodes;
using KubeSim.Api;
using KubeSim.Json;
using KubeSim.Patching;

namespace KubeSim.Semantics;

/// <summary>
/// apps/v1 Deployments as stored objects (no controller: no ReplicaSets or Pods appear, status stays
/// as the status subresource leaves it). What the API server itself does is here: apps/v1 and pod
/// template defaults, <c>metadata.generation</c> (1 at create, +1 when the spec or the annotations
/// change), status reset at create and kept on spec writes, an immutable selector that must match
/// the template's labels, and the template's main validation.
/// </summary>
internal sealed class DeploymentStrategy : ResourceStrategy
{
    private const string DefaultSurge = "25%";
    private static readonly string[] StrategyTypes = ["Recreate", "RollingUpdate"];

    public override string Storage => "deployments";

    public override bool HasStatusSubresource => true;

    public override bool KeepsStatusOnCreate => false;

    public override IReadOnlyDictionary<string, ListMergeRule> MergeLists { get; } =
        WithCommonLists([.. PodSpecRules.MergeLists("spec.template.spec"), ("status.conditions", "type")]);

    public override void PrepareForCreate(JsonObject obj, IStrategyContext ctx)
    {
        obj.Meta()["generation"] = 1;
        obj["status"] = new JsonObject();
        ApplyDefaults(obj.GetOrAddObject("spec"));
    }

    public override void PrepareForUpdate(JsonObject obj, JsonObject old, IStrategyContext ctx)
    {
        ApplyDefaults(obj.GetOrAddObject("spec"));

        // Annotations count too: the controller copies them to ReplicaSets.
        if (!JsonNode.DeepEquals(obj["spec"], old["spec"]) || !JsonNode.DeepEquals(obj.Obj("metadata")?["annotations"], old.Obj("metadata")?["annotations"]))
        {
            obj.Meta()["generation"] = (old.Obj("metadata").Int("generation") ?? 0) + 1;
        }
    }

    public override IEnumerable<FieldError> Validate(JsonObject obj, JsonObject? old, ResourceType requestType)
    {
        var errors = new List<FieldError>();
        var spec = obj.Obj("spec");
        var replicas = spec.Int("replicas") ?? 1;
        if (replicas < 0)
        {
            errors.Add(FieldError.Invalid("spec.replicas", replicas.ToString(CultureInfo.InvariantCulture), "must be greater than or equal to 0"));
        }

        var selector = spec.Obj("selector");
        var templateLabels = spec.Obj("template").Obj("metadata").StringMap("labels");
        if (selector is null)
        {
            errors.Add(FieldError.Required("spec.selector"));
        }
        else
        {
            errors.AddRange(NameRules.LabelSelector(selector, "spec.selector"));
            if (selector.StringMap("matchLabels").Count == 0 && selector.Arr("matchExpressions") is not { Count: > 0 })
            {
                errors.Add(FieldError.Invalid("spec.selector", SelectorValue(selector), "empty selector is invalid for deployment"));
            }
            else if (!NameRules.SelectorMatches(selector, templateLabels))
            {
                errors.Add(FieldError.Invalid("spec.template.metadata.labels", MapValue(templateLabels), "`selector` does not match template `labels`"));
            }
        }

        var podSpec = spec.Obj("template").Obj("spec");
        errors.AddRange(PodSpecRules.Validate(podSpec, "spec.template.spec"));
        if (podSpec.Str("restartPolicy") is { } restart && restart != "Always")
        {
            errors.Add(FieldError.NotSupported("spec.template.spec.restartPolicy", JsonNav.Quote(restart), ["Always"]));
        }

        var strategy = spec.Obj("strategy");
        var type = strategy.Str("type") ?? "RollingUpdate";
        if (!StrategyTypes.Contains(type))
        {
            errors.Add(FieldError.NotSupported("spec.strategy.type", JsonNav.Quote(type), StrategyTypes));
        }
        else if (type == "Recreate" && strategy.Obj("rollingUpdate") is not null)
        {
            errors.Add(FieldError.Forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'"));
        }

        if (old is not null && !JsonNode.DeepEquals(selector, old.Obj("spec").Obj("selector")))
        {
            errors.Add(FieldError.Immutable("spec.selector", SelectorValue(selector)));
        }

        return errors;
    }

    /// <summary>SetDefaults_Deployment of apps/v1, then the pod template's defaults.</summary>
    private static void ApplyDefaults(JsonObject spec)
    {
        spec["replicas"] ??= 1;
        var strategy = spec.GetOrAddObject("strategy");
        strategy["type"] ??= "RollingUpdate";
        if (strategy.Str("type") == "RollingUpdate")
        {
            var rolling = strategy.GetOrAddObject("rollingUpdate");
            rolling["maxUnavailable"] ??= DefaultSurge;
            rolling["maxSurge"] ??= DefaultSurge;
        }

        spec["revisionHistoryLimit"] ??= 10;
        spec["progressDeadlineSeconds"] ??= 600;
        PodSpecRules.ApplyDefaults(spec.GetOrAddObject("template").GetOrAddObject("spec"));
    }

    private static string MapValue(IReadOnlyDictionary<string, string> map) =>
        "map[string]string{" + string.Join(", ", map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => JsonNav.Quote(p.Key) + ":" + JsonNav.Quote(p.Value))) + "}";

    private static string SelectorValue(JsonObject? selector) =>
        selector is null ? "null"
        : "v1.LabelSelector{MatchLabels:" + MapValue(selector.StringMap("matchLabels")) + ", MatchExpressions:"
            + (selector["matchExpressions"]?.ToJsonString() ?? "[]v1.LabelSelectorRequirement(nil)") + "}";
}
