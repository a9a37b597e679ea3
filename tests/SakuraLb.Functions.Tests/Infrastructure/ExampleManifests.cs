using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace SakuraLb.Functions.Tests.Infrastructure;

/// <summary>
/// The Services of the repository's examples/ manifests as the relay would forward them, so the function app's
/// scenarios run on the same files the whole-system test applies with kubectl.
/// </summary>
internal static class ExampleManifests
{
    /// <summary>The Service of <c>examples/<paramref name="file"/></c> with a new UID.</summary>
    public static ServiceSnapshot Service(string file)
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(Repository.Read("examples/" + file)))
        {
            stream.Load(reader);
        }

        var service = stream.Documents
            .Select(d => (YamlMappingNode)d.RootNode)
            .Single(m => Text(m, "kind") == "Service");
        var metadata = (YamlMappingNode)service["metadata"];
        var spec = (YamlMappingNode)service["spec"];
        var annotations = metadata.Children.TryGetValue(new YamlScalarNode("annotations"), out var a)
            ? ((YamlMappingNode)a).Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value!)
            : [];
        var ports = ((YamlSequenceNode)spec["ports"]).Children
            .Select(p => int.Parse(Text((YamlMappingNode)p, "port")!, CultureInfo.InvariantCulture))
            .ToArray();
        return Snapshots.Service(Snapshots.NewUid(), Text(metadata, "name")!, ports, annotations: annotations, ns: Text(metadata, "namespace") ?? "default")
            with { LoadBalancerIP = Text(spec, "loadBalancerIP") };
    }

    private static string? Text(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;
}
