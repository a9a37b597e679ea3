using SakuraLb.Kubectl.Output;
using SakuraLb.Kubectl.Views;

namespace SakuraLb.Kubectl.Commands;

/// <summary>
/// <c>kubectl sakuralb nodes [NODE]</c>: every Node with its Sakura server (from the providerID the controller set),
/// zone, instance type, addresses, initialisation and lifecycle state, and the controller's last Event about it.
/// </summary>
internal static class NodesCommand
{
    /// <summary>The relay's Events name it as their reporting controller (the relay's default Relay:ReportingController).</summary>
    public const string ReportingController = "k8s.usacloud.jp/sakuralb-relay";

    public static IReadOnlyList<FlagSpec> Flags { get; } = [Formats.OutputFlag];

    public static async Task<int> RunAsync(CommandLine line, KubeContext kube, TextWriter stdout, CancellationToken cancellationToken)
    {
        var format = Formats.Of(line);
        if (line.Positional.Count > 1)
        {
            throw PluginException.Usage("nodes takes at most one NODE");
        }

        var nodes = (await kube.Client.CoreV1.ListNodeAsync(cancellationToken: cancellationToken)).Items
            .Where(n => line.Positional.Count == 0 || n.Metadata?.Name == line.Positional[0])
            .ToList();
        if (line.Positional.Count == 1 && nodes.Count == 0)
        {
            throw PluginException.Failed($"nodes \"{line.Positional[0]}\" not found");
        }

        var events = await LastEventsAsync(kube, cancellationToken);
        var rows = nodes.Select(n => NodeRow.From(n, events.GetValueOrDefault(n.Metadata?.Name ?? ""))).OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        if (format != "table")
        {
            await stdout.WriteAsync(Formats.Structured(format, "NodeStatusList", rows));
            return ExitCodes.Ok;
        }

        if (rows.Count == 0)
        {
            await stdout.WriteLineAsync("No Nodes found.");
            return ExitCodes.Ok;
        }

        await stdout.WriteAsync(Table.Render(
            ["NAME", "SERVER", "PROVIDER ID", "ZONE", "INSTANCE TYPE", "INTERNAL IP", "STATE", "READY", "LAST EVENT"],
            rows.Select(r => (IReadOnlyList<string?>)[r.Name, r.Server, r.ProviderId, r.Zone, r.InstanceType, string.Join(",", r.InternalIps), r.State, r.Ready, r.LastEvent])));
        return ExitCodes.Ok;
    }

    /// <summary>The newest Event of the controller per Node name (Node Events live in every namespace a recorder chose; the relay uses default).</summary>
    private static async Task<Dictionary<string, Corev1Event>> LastEventsAsync(KubeContext kube, CancellationToken cancellationToken)
    {
        var list = await kube.Client.CoreV1.ListEventForAllNamespacesAsync(fieldSelector: "involvedObject.kind=Node", cancellationToken: cancellationToken);
        return list.Items
            .Where(e => e.InvolvedObject?.Name is not null && (e.ReportingComponent == ReportingController || e.Source?.Component == ReportingController))
            .GroupBy(e => e.InvolvedObject.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(When).Last(), StringComparer.Ordinal);
    }

    private static DateTime When(Corev1Event e) => e.LastTimestamp ?? e.EventTime ?? e.FirstTimestamp ?? e.Metadata?.CreationTimestamp ?? DateTime.MinValue;
}
