using System.Text.Json.Nodes;
using KubeSim.Json;

namespace KubeSim.Patching;

/// <summary>How a list field merges under a strategic merge patch.</summary>
/// <param name="MergeKey">Key that identifies list elements (e.g. "port"); null for lists of primitives.</param>
internal sealed record ListMergeRule(string? MergeKey);

/// <summary>
/// The subset of strategic merge patch the simulated types need (kubectl apply/edit/label and
/// controllers): maps merge like a merge patch; lists named in the schema merge by key
/// (<c>spec.ports</c> by <c>port</c>, <c>status.conditions</c> by <c>type</c>, …) or as sets of
/// primitives (<c>metadata.finalizers</c>); every other list is replaced. Directives
/// <c>$patch</c> (replace/delete/merge), <c>$retainKeys</c>, <c>$setElementOrder/…</c> and
/// <c>$deleteFromPrimitiveList/…</c> are understood.
/// </summary>
internal static class StrategicMergePatch
{
    private const string SetElementOrder = "$setElementOrder/";
    private const string DeleteFromPrimitiveList = "$deleteFromPrimitiveList/";

    public static JsonObject Apply(JsonObject target, JsonObject patch, IReadOnlyDictionary<string, ListMergeRule> lists) =>
        MergeObject((JsonObject)target.DeepClone(), patch, "", lists) ?? new JsonObject();

    // Returns null when the patch deletes the whole object.
    private static JsonObject? MergeObject(JsonObject target, JsonObject patch, string path, IReadOnlyDictionary<string, ListMergeRule> lists)
    {
        switch (patch.Str("$patch"))
        {
            case "delete":
                return null;
            case "replace":
                var replaced = (JsonObject)patch.DeepClone();
                replaced.Remove("$patch");
                return replaced;
            case null or "merge":
                break;
            default:
                throw new MalformedPatchException($"unknown patch directive \"{patch.Str("$patch")}\" at \"{path}\"");
        }

        foreach (var (key, value) in patch)
        {
            if (key == "$patch" || key == "$retainKeys" || key.StartsWith(SetElementOrder, StringComparison.Ordinal))
            {
                continue;
            }

            if (key.StartsWith(DeleteFromPrimitiveList, StringComparison.Ordinal))
            {
                var field = key[DeleteFromPrimitiveList.Length..];
                if (target[field] is JsonArray existing && value is JsonArray toDelete)
                {
                    for (var i = existing.Count - 1; i >= 0; i--)
                    {
                        if (toDelete.Any(d => JsonNode.DeepEquals(d, existing[i])))
                        {
                            existing.RemoveAt(i);
                        }
                    }
                }

                continue;
            }

            var childPath = path.Length == 0 ? key : path + "." + key;
            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject childPatch && target[key] is JsonObject childTarget)
            {
                var merged = MergeObject(childTarget, childPatch, childPath, lists);
                if (merged is null)
                {
                    target.Remove(key);
                }
                else if (!ReferenceEquals(merged, childTarget))
                {
                    target[key] = merged;
                }
            }
            else if (value is JsonObject newChild)
            {
                var merged = MergeObject(new JsonObject(), newChild, childPath, lists);
                if (merged is not null)
                {
                    target[key] = merged;
                }
            }
            else if (value is JsonArray listPatch && lists.TryGetValue(childPath, out var rule))
            {
                target[key] = MergeList(target[key] as JsonArray, listPatch, rule, childPath, lists);
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }

        foreach (var (key, value) in patch)
        {
            if (key.StartsWith(SetElementOrder, StringComparison.Ordinal) && value is JsonArray order)
            {
                var field = key[SetElementOrder.Length..];
                if (target[field] is JsonArray list)
                {
                    var childPath = path.Length == 0 ? field : path + "." + field;
                    target[field] = Reorder(list, order, lists.TryGetValue(childPath, out var rule) ? rule.MergeKey : null);
                }
            }
        }

        if (patch["$retainKeys"] is JsonArray retain)
        {
            var keep = retain.StringItems().ToHashSet(StringComparer.Ordinal);
            foreach (var key in target.Select(p => p.Key).ToList())
            {
                if (!keep.Contains(key) && !patch.ContainsKey(key))
                {
                    target.Remove(key);
                }
            }
        }

        return target;
    }

    private static JsonArray MergeList(JsonArray? target, JsonArray patch, ListMergeRule rule, string path, IReadOnlyDictionary<string, ListMergeRule> lists)
    {
        // [{"$patch": "replace"}, ...] replaces the whole list with the remaining elements.
        if (patch.Any(e => e is JsonObject o && o.Str("$patch") == "replace"))
        {
            return new JsonArray(patch.Where(e => !(e is JsonObject o && o.Str("$patch") == "replace")).Select(e => e?.DeepClone()).ToArray());
        }

        var result = target is null ? new JsonArray() : (JsonArray)target.DeepClone();
        if (rule.MergeKey is null)
        {
            foreach (var item in patch)
            {
                if (!result.Any(existing => JsonNode.DeepEquals(existing, item)))
                {
                    result.Add(item?.DeepClone());
                }
            }

            return result;
        }

        foreach (var item in patch)
        {
            if (item is not JsonObject element || element[rule.MergeKey] is not { } keyValue)
            {
                throw new MalformedPatchException($"map: {item?.ToJsonString()} does not contain declared merge key: {rule.MergeKey} (at \"{path}\")");
            }

            var index = IndexOfKey(result, rule.MergeKey, keyValue);
            if (element.Str("$patch") == "delete")
            {
                if (index >= 0)
                {
                    result.RemoveAt(index);
                }
            }
            else if (index >= 0 && result[index] is JsonObject existing)
            {
                var merged = MergeObject(existing, element, path, lists);
                if (merged is null)
                {
                    result.RemoveAt(index);
                }
                else if (!ReferenceEquals(merged, existing))
                {
                    result[index] = merged;
                }
            }
            else
            {
                var fresh = MergeObject(new JsonObject(), element, path, lists);
                if (fresh is not null)
                {
                    result.Add(fresh);
                }
            }
        }

        return result;
    }

    private static int IndexOfKey(JsonArray list, string mergeKey, JsonNode keyValue)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is JsonObject o && JsonNode.DeepEquals(o[mergeKey], keyValue))
            {
                return i;
            }
        }

        return -1;
    }

    private static JsonArray Reorder(JsonArray list, JsonArray order, string? mergeKey)
    {
        var items = list.Select(n => n?.DeepClone()).ToList();
        int Rank(JsonNode? item)
        {
            for (var i = 0; i < order.Count; i++)
            {
                var probe = mergeKey is null ? item : (item as JsonObject)?[mergeKey];
                var wanted = mergeKey is null ? order[i] : (order[i] as JsonObject)?[mergeKey];
                if (JsonNode.DeepEquals(probe, wanted))
                {
                    return i;
                }
            }

            return int.MaxValue;
        }

        var sorted = items.Select((item, i) => (item, rank: Rank(item), i)).OrderBy(t => t.rank).ThenBy(t => t.i).Select(t => t.item);
        return new JsonArray(sorted.ToArray());
    }
}
