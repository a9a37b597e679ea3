using KubeSim.Patching;

namespace KubeSim.Tests.Pure;

public sealed class PatchTests
{
    private const string Doc = """{"metadata":{"name":"web","resourceVersion":"7","finalizers":["a"]},"spec":{"ports":[{"port":80},{"port":443}]}}""";

    [Theory]
    [InlineData("""[{"op":"add","path":"/metadata/labels","value":{"x":"1"}}]""", "/metadata/labels/x", "\"1\"")]
    [InlineData("""[{"op":"add","path":"/metadata/finalizers/-","value":"b"}]""", "/metadata/finalizers/1", "\"b\"")]
    [InlineData("""[{"op":"add","path":"/metadata/finalizers/0","value":"z"}]""", "/metadata/finalizers/0", "\"z\"")]
    [InlineData("""[{"op":"replace","path":"/spec/ports/1/port","value":8443}]""", "/spec/ports/1/port", "8443")]
    [InlineData("""[{"op":"remove","path":"/metadata/finalizers/0"}]""", "/metadata/finalizers", "[]")]
    [InlineData("""[{"op":"test","path":"/metadata/resourceVersion","value":"7"},{"op":"remove","path":"/metadata/finalizers"}]""", "/metadata/finalizers", "<missing>")]
    [InlineData("""[{"op":"copy","from":"/metadata/name","path":"/metadata/labels"}]""", "/metadata/labels", "\"web\"")]
    [InlineData("""[{"op":"move","from":"/metadata/name","path":"/metadata/generateName"}]""", "/metadata/name", "<missing>")]
    [InlineData("""[{"op":"add","path":"/metadata/a~1b","value":1}]""", "/metadata/a~1b", "1")]
    public void JsonPatch_Apply_PerformsOperation(string patch, string pointer, string expected)
    {
        var result = JsonPatch.Apply(JsonNode.Parse(Doc), JsonNode.Parse(patch));
        Assert.Equal(expected, Resolve(result, pointer));
    }

    [Theory]
    [InlineData("""[{"op":"test","path":"/metadata/resourceVersion","value":"6"}]""")]
    [InlineData("""[{"op":"remove","path":"/metadata/labels"}]""")]
    [InlineData("""[{"op":"replace","path":"/spec/missing","value":1}]""")]
    [InlineData("""[{"op":"add","path":"/nothere/x","value":1}]""")]
    [InlineData("""[{"op":"add","path":"/spec/ports/5","value":1}]""")]
    public void JsonPatch_Apply_InapplicableOperation_ThrowsPatchFailed(string patch) =>
        Assert.Throws<PatchFailedException>(() => JsonPatch.Apply(JsonNode.Parse(Doc), JsonNode.Parse(patch)));

    [Theory]
    [InlineData("""{"op":"add"}""")]
    [InlineData("""[{"op":"frobnicate","path":"/a"}]""")]
    [InlineData("""[{"op":"add","path":"/a"}]""")]
    [InlineData("""[{"op":"add","path":"a","value":1}]""")]
    public void JsonPatch_Apply_MalformedPatch_ThrowsMalformed(string patch) =>
        Assert.Throws<MalformedPatchException>(() => JsonPatch.Apply(JsonNode.Parse(Doc), JsonNode.Parse(patch)));

    [Theory]
    [InlineData("""{"metadata":{"labels":{"a":"b"}}}""", "/metadata/labels/a", "\"b\"")]
    [InlineData("""{"metadata":{"finalizers":null}}""", "/metadata/finalizers", "<missing>")]
    [InlineData("""{"spec":{"ports":[{"port":1}]}}""", "/spec/ports", """[{"port":1}]""")]
    [InlineData("""{"metadata":{"name":"x"}}""", "/metadata/resourceVersion", "\"7\"")]
    public void MergePatch_Apply_MergesObjectsAndReplacesLists(string patch, string pointer, string expected) =>
        Assert.Equal(expected, Resolve(MergePatch.Apply(JsonNode.Parse(Doc), JsonNode.Parse(patch)), pointer));

    private static readonly Dictionary<string, ListMergeRule> Lists = new()
    {
        ["spec.ports"] = new("port"),
        ["metadata.finalizers"] = new(null),
    };

    [Theory]
    [InlineData("""{"spec":{"ports":[{"port":80,"name":"http"}]}}""", "/spec/ports", """[{"port":80,"name":"http"},{"port":443}]""")]
    [InlineData("""{"spec":{"ports":[{"port":8080}]}}""", "/spec/ports", """[{"port":80},{"port":443},{"port":8080}]""")]
    [InlineData("""{"spec":{"ports":[{"$patch":"delete","port":80}]}}""", "/spec/ports", """[{"port":443}]""")]
    [InlineData("""{"spec":{"ports":[{"$patch":"replace"},{"port":1}]}}""", "/spec/ports", """[{"port":1}]""")]
    [InlineData("""{"spec":{"$setElementOrder/ports":[{"port":443},{"port":80}],"ports":[{"port":80,"name":"a"}]}}""", "/spec/ports", """[{"port":443},{"port":80,"name":"a"}]""")]
    [InlineData("""{"metadata":{"finalizers":["b","a"]}}""", "/metadata/finalizers", """["a","b"]""")]
    [InlineData("""{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}}""", "/metadata/finalizers", "[]")]
    [InlineData("""{"status":{"loadBalancer":{"ingress":[{"ip":"1.2.3.4"}]}}}""", "/status/loadBalancer/ingress/0/ip", "\"1.2.3.4\"")]
    [InlineData("""{"spec":{"$patch":"replace","type":"ClusterIP"}}""", "/spec", """{"type":"ClusterIP"}""")]
    [InlineData("""{"spec":{"$retainKeys":["type"],"type":"NodePort"}}""", "/spec", """{"type":"NodePort"}""")]
    public void StrategicMergePatch_Apply_MergesKeyedListsAndHonoursDirectives(string patch, string pointer, string expected)
    {
        var result = StrategicMergePatch.Apply(JsonNode.Parse(Doc)!.AsObject(), JsonNode.Parse(patch)!.AsObject(), Lists);
        Assert.Equal(expected, Resolve(result, pointer));
    }

    private static string Resolve(JsonNode? node, string pointer)
    {
        foreach (var raw in pointer.Trim('/').Split('/'))
        {
            var token = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            node = node switch
            {
                JsonObject o => o.TryGetPropertyValue(token, out var v) ? v : null,
                JsonArray a when int.TryParse(token, out var i) && i < a.Count => a[i],
                _ => null,
            };
            if (node is null)
            {
                return "<missing>";
            }
        }

        return node!.ToJsonString();
    }
}
