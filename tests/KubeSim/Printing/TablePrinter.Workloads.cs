using System.Globalization;
using System.Text.Json.Nodes;
using KubeSim.Json;
using KubeSim.Semantics;

namespace KubeSim.Printing;

/// <summary>Columns and cells of Pods, Deployments, ConfigMaps and EndpointSlices, as kube-apiserver's printers fill them.</summary>
internal static partial class TablePrinter
{
    private const string AgeDescription = "CreationTimestamp is a timestamp representing the server time when this object was created.";
    private const string NameDescription = "Name must be unique within a namespace.";

    private static readonly Column[] PodColumns =
    [
        new("Name", "string", NameDescription, Format: "name"),
        new("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
        new("Status", "string", "The aggregate status of the containers in this pod."),
        new("Restarts", "string", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
        new("Age", "string", AgeDescription),
        new("IP", "string", "podIP address allocated to the pod.", Priority: 1),
        new("Node", "string", "NodeName indicates in which node this pod is scheduled.", Priority: 1),
        new("Nominated Node", "string", "nominatedNodeName is set only when this pod preempts other pods on the node.", Priority: 1),
        new("Readiness Gates", "string", "If specified, all readiness gates will be evaluated for pod readiness.", Priority: 1),
    ];

    private static readonly Column[] DeploymentColumns =
    [
        new("Name", "string", NameDescription, Format: "name"),
        new("Ready", "string", "Number of the pod with ready state"),
        new("Up-to-date", "string", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
        new("Available", "string", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
        new("Age", "string", AgeDescription),
        new("Containers", "string", "Names of each container in the template.", Priority: 1),
        new("Images", "string", "Images referenced by each container in the template.", Priority: 1),
        new("Selector", "string", "Label selector for pods.", Priority: 1),
    ];

    private static readonly Column[] ConfigMapColumns =
    [
        new("Name", "string", NameDescription, Format: "name"),
        new("Data", "string", "Data contains the configuration data."),
        new("Age", "string", AgeDescription),
    ];

    private static readonly Column[] EndpointSliceColumns =
    [
        new("Name", "string", NameDescription, Format: "name"),
        new("AddressType", "string", "addressType specifies the type of address carried by this EndpointSlice."),
        new("Ports", "string", "ports specifies the list of network ports exposed by each endpoint in this slice."),
        new("Endpoints", "string", "endpoints is a list of unique endpoints in this slice."),
        new("Age", "string", AgeDescription),
    ];

    private static object[] PodCells(JsonObject pod, DateTimeOffset now)
    {
        var spec = pod.Obj("spec");
        var status = pod.Obj("status");
        var phase = status.Str("phase") ?? "";
        var reason = status.Str("reason") is { Length: > 0 } r ? r : phase;
        var restarts = 0L;
        var ready = 0;
        DateTimeOffset? lastRestart = null;
        var statuses = status.Arr("containerStatuses")?.OfType<JsonObject>().ToList() ?? [];
        for (var i = statuses.Count - 1; i >= 0; i--)
        {
            var container = statuses[i];
            restarts += container.Int("restartCount") ?? 0;
            if (ParseTime(container.Obj("lastState").Obj("terminated").Str("finishedAt")) is { } finished && (lastRestart is null || finished > lastRestart))
            {
                lastRestart = finished;
            }

            var state = container.Obj("state");
            var terminated = state.Obj("terminated");
            if (state.Obj("waiting").Str("reason") is { Length: > 0 } waiting)
            {
                reason = waiting;
            }
            else if (terminated is not null)
            {
                reason = terminated.Str("reason") is { Length: > 0 } why ? why
                    : terminated.Int("signal") is { } signal and not 0 ? string.Create(CultureInfo.InvariantCulture, $"Signal:{signal}")
                    : string.Create(CultureInfo.InvariantCulture, $"ExitCode:{terminated.Int("exitCode") ?? 0}");
            }
            else if (container.Bool("ready") == true && state.Obj("running") is not null)
            {
                ready++;
            }
        }

        if (pod.Obj("metadata")?["deletionTimestamp"] is not null && phase is not ("Succeeded" or "Failed"))
        {
            reason = status.Str("reason") == "NodeLost" ? "Unknown" : "Terminating";
        }

        var restartText = restarts != 0 && lastRestart is { } last
            ? string.Create(CultureInfo.InvariantCulture, $"{restarts} ({HumanDuration.Format(now - last)} ago)")
            : restarts.ToString(CultureInfo.InvariantCulture);
        var gates = spec.Arr("readinessGates")?.OfType<JsonObject>().ToList() ?? [];
        var conditions = status.Arr("conditions")?.OfType<JsonObject>().ToList() ?? [];
        var trueGates = gates.Count(g => conditions.FirstOrDefault(c => c.Str("type") == g.Str("conditionType"))?.Str("status") == "True");
        return
        [
            pod.Name(),
            string.Create(CultureInfo.InvariantCulture, $"{ready}/{spec.Arr("containers")?.Count ?? 0}"),
            reason,
            restartText,
            Age(pod.Obj("metadata").Str("creationTimestamp"), now),
            status.Arr("podIPs")?.FirstOrDefault().Str("ip") is { Length: > 0 } ip ? ip : "<none>",
            spec.Str("nodeName") is { Length: > 0 } node ? node : "<none>",
            status.Str("nominatedNodeName") is { Length: > 0 } nominated ? nominated : "<none>",
            gates.Count == 0 ? "<none>" : string.Create(CultureInfo.InvariantCulture, $"{trueGates}/{gates.Count}"),
        ];
    }

    private static object[] DeploymentCells(JsonObject deployment, DateTimeOffset now)
    {
        var spec = deployment.Obj("spec");
        var status = deployment.Obj("status");
        var containers = spec.Obj("template").Obj("spec").Arr("containers")?.OfType<JsonObject>().ToList() ?? [];
        return
        [
            deployment.Name(),
            string.Create(CultureInfo.InvariantCulture, $"{status.Int("readyReplicas") ?? 0}/{spec.Int("replicas") ?? 0}"),
            status.Int("updatedReplicas") ?? 0,
            status.Int("availableReplicas") ?? 0,
            Age(deployment.Obj("metadata").Str("creationTimestamp"), now),
            string.Join(",", containers.Select(c => c.Str("name") ?? "")),
            string.Join(",", containers.Select(c => c.Str("image") ?? "")),
            NameRules.FormatSelector(spec.Obj("selector")),
        ];
    }

    private static object[] ConfigMapCells(JsonObject configMap, DateTimeOffset now) =>
    [
        configMap.Name(),
        (long)(configMap.Obj("data")?.Count ?? 0) + (configMap.Obj("binaryData")?.Count ?? 0),
        Age(configMap.Obj("metadata").Str("creationTimestamp"), now),
    ];

    private static object[] EndpointSliceCells(JsonObject slice, DateTimeOffset now)
    {
        var ports = slice.Arr("ports")?.OfType<JsonObject>()
            .Select(p => p.Int("port") is { } n ? n.ToString(CultureInfo.InvariantCulture) : p.Str("name") ?? "*") ?? [];
        var addresses = slice.Arr("endpoints")?.OfType<JsonObject>().SelectMany(e => e.Arr("addresses").StringItems()) ?? [];
        return
        [
            slice.Name(),
            slice.Str("addressType") ?? "",
            FirstThree(ports.ToList()),
            FirstThree(addresses.ToList()),
            Age(slice.Obj("metadata").Str("creationTimestamp"), now),
        ];
    }

    // kubectl's listWithMoreString: at most three items, then "+ N more...", and <unset> for none.
    private static string FirstThree(IReadOnlyList<string> items)
    {
        const int Max = 3;
        var shown = string.Join(",", items.Take(Max));
        if (items.Count > Max)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{shown} + {items.Count - Max} more...");
        }

        return shown.Length == 0 ? "<unset>" : shown;
    }

    private static DateTimeOffset? ParseTime(string? timestamp) =>
        timestamp is not null && DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}
