using System.Text;
using System.Text.Json.Nodes;
using KubeSim.Api;
using KubeSim.Json;

namespace KubeSim.Semantics;

/// <summary>
/// ConfigMap rules of kube-apiserver: keys of <c>data</c> and <c>binaryData</c> are config keys and
/// not shared between the two, <c>binaryData</c> values are base64, everything together stays under
/// 1 MiB, and a ConfigMap marked <c>immutable: true</c> keeps its data and its flag.
/// </summary>
internal sealed class ConfigMapStrategy : ResourceStrategy
{
    private const int MaxSize = 1024 * 1024;
    private const string ImmutableDetail = "field is immutable when `immutable` is set";

    public override string Storage => "configmaps";

    public override IEnumerable<FieldError> Validate(JsonObject obj, JsonObject? old, ResourceType requestType)
    {
        var errors = new List<FieldError>();
        var size = 0;
        var data = obj.StringMap("data");
        foreach (var (key, value) in data)
        {
            errors.AddRange(NameRules.ConfigMapKey(key).Select(m => FieldError.Invalid($"data[{key}]", JsonNav.Quote(key), m)));
            size += Encoding.UTF8.GetByteCount(value);
        }

        foreach (var (key, value) in obj.StringMap("binaryData"))
        {
            errors.AddRange(NameRules.ConfigMapKey(key).Select(m => FieldError.Invalid($"binaryData[{key}]", JsonNav.Quote(key), m)));
            if (data.ContainsKey(key))
            {
                errors.Add(FieldError.Invalid($"binaryData[{key}]", JsonNav.Quote(key), "duplicate of key present in data"));
            }

            try
            {
                size += Convert.FromBase64String(value).Length;
            }
            catch (FormatException)
            {
                // What the API server's JSON decoder says about a []byte field that is not base64.
                throw KubeApiException.BadRequest($"ConfigMap in version \"v1\" cannot be handled as a ConfigMap: illegal base64 data in binaryData[{key}]");
            }
        }

        if (size > MaxSize)
        {
            errors.Add(FieldError.TooLong("", MaxSize));
        }

        if (old is not null && old.Bool("immutable") == true)
        {
            if (obj.Bool("immutable") != true)
            {
                errors.Add(FieldError.Forbidden("immutable", ImmutableDetail));
            }

            if (!JsonNode.DeepEquals(obj["data"], old["data"]))
            {
                errors.Add(FieldError.Forbidden("data", ImmutableDetail));
            }

            if (!JsonNode.DeepEquals(obj["binaryData"], old["binaryData"]))
            {
                errors.Add(FieldError.Forbidden("binaryData", ImmutableDetail));
            }
        }

        return errors;
    }
}
