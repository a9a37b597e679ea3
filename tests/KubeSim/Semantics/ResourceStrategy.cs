using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KubeSim.Api;
using KubeSim.Json;
using KubeSim.Patching;

namespace KubeSim.Semantics;

/// <summary>What a strategy may look at besides the object itself.</summary>
internal interface IStrategyContext
{
    DateTimeOffset Now { get; }

    /// <summary>Every stored object of a storage (read under the store lock), for allocators.</summary>
    IEnumerable<JsonObject> All(string storage);
}

/// <summary>
/// Per-resource rules, in the shape of the API server's registry strategies: what a create or
/// update may set, defaults, validation, allocation, field selectors and strategic-merge lists.
/// </summary>
internal abstract partial class ResourceStrategy
{
    private static readonly IReadOnlyDictionary<string, ListMergeRule> CommonLists = new Dictionary<string, ListMergeRule>
    {
        ["metadata.finalizers"] = new(null),
        ["metadata.ownerReferences"] = new("uid"),
    };

    public abstract string Storage { get; }

    /// <summary>Whether the main resource ignores status changes (status lives in the /status subresource).</summary>
    public virtual bool HasStatusSubresource => false;

    /// <summary>Whether a create may set status (Nodes: yes; Services: reset to empty).</summary>
    public virtual bool KeepsStatusOnCreate => true;

    public virtual IReadOnlyDictionary<string, ListMergeRule> MergeLists => CommonLists;

    public IReadOnlySet<string> FieldLabels => FieldExtractors.Keys.ToHashSet(StringComparer.Ordinal);

    public virtual IReadOnlyDictionary<string, Func<JsonObject, string?>> FieldExtractors { get; } = MetadataFields();

    public virtual void PrepareForCreate(JsonObject obj, IStrategyContext ctx)
    {
    }

    public virtual void PrepareForUpdate(JsonObject obj, JsonObject old, IStrategyContext ctx)
    {
    }

    public virtual IEnumerable<FieldError> Validate(JsonObject obj, JsonObject? old, ResourceType requestType) => [];

    /// <summary>Allocates server-owned values (cluster IPs, node ports). Runs after validation, last before commit.</summary>
    public virtual void Allocate(JsonObject obj, JsonObject? old, IStrategyContext ctx)
    {
    }

    public virtual IEnumerable<FieldError> ValidateName(string name) =>
        IsDns1123Subdomain(name) ? [] :
        [FieldError.Invalid("metadata.name", JsonNav.Quote(name),
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")];

    protected static Dictionary<string, Func<JsonObject, string?>> MetadataFields() => new(StringComparer.Ordinal)
    {
        ["metadata.name"] = o => o.Name(),
        ["metadata.namespace"] = o => o.Namespace(),
    };

    protected static IReadOnlyDictionary<string, ListMergeRule> WithCommonLists(params (string Path, string? Key)[] lists)
    {
        var all = new Dictionary<string, ListMergeRule>(CommonLists);
        foreach (var (path, key) in lists)
        {
            all[path] = new ListMergeRule(key);
        }

        return all;
    }

    public static bool IsDns1123Subdomain(string name) => name.Length is > 0 and <= 253 && Dns1123Subdomain().IsMatch(name);

    public static bool IsDns1123Label(string name) => name.Length is > 0 and <= 63 && Dns1123Label().IsMatch(name);

    public static bool IsDns1035Label(string name) => name.Length is > 0 and <= 63 && Dns1035Label().IsMatch(name);

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1035Label();
}

internal sealed class LeaseStrategy : ResourceStrategy
{
    public override string Storage => "leases";

    public override IEnumerable<FieldError> Validate(JsonObject obj, JsonObject? old, ResourceType requestType)
    {
        var duration = obj.Obj("spec").Int("leaseDurationSeconds");
        if (duration is <= 0)
        {
            yield return FieldError.Invalid("spec.leaseDurationSeconds", duration.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be greater than 0");
        }
    }
}

internal sealed class NamespaceStrategy : ResourceStrategy
{
    public override string Storage => "namespaces";

    public override IReadOnlyDictionary<string, Func<JsonObject, string?>> FieldExtractors { get; } = Fields();

    public override void PrepareForCreate(JsonObject obj, IStrategyContext ctx)
    {
        obj["status"] = new JsonObject { ["phase"] = "Active" };
        obj["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
        obj.Meta().GetOrAddObject("labels")["kubernetes.io/metadata.name"] = obj.Name();
    }

    public override IEnumerable<FieldError> ValidateName(string name) =>
        IsDns1123Label(name) ? [] :
        [FieldError.Invalid("metadata.name", JsonNav.Quote(name),
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")];

    private static Dictionary<string, Func<JsonObject, string?>> Fields()
    {
        var fields = MetadataFields();
        fields["status.phase"] = o => o.Obj("status").Str("phase");
        return fields;
    }
}
