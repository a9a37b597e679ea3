using System.Globalization;
using System.Text.Json.Nodes;
using KubeSim.Api;
using KubeSim.Json;

namespace KubeSim.Printing;

/// <summary>How much of each object a Table row carries (the <c>includeObject</c> query parameter).</summary>
internal enum TableObjectMode
{
    Metadata,
    Object,
    None,
}

/// <summary>
/// Server-side printing: turns objects into a <c>meta.k8s.io</c> Table with the same columns a real
/// API server prints, so <c>kubectl get svc</c> shows TYPE, CLUSTER-IP, EXTERNAL-IP (or
/// <c>&lt;pending&gt;</c>), PORT(S) and AGE.
/// </summary>
internal static partial class TablePrinter
{
    private sealed record Column(string Name, string Type, string Description, int Priority = 0, string Format = "");

    public static JsonObject ToTable(ResourceType type, IEnumerable<JsonObject> wireObjects, string resourceVersion, string? continueToken,
        DateTimeOffset now, TableObjectMode mode, string tableVersion, bool includeColumns = true)
    {
        var columns = ColumnsFor(type);
        var rows = new JsonArray();
        foreach (var obj in wireObjects)
        {
            var cells = new JsonArray(CellsFor(type, obj, now).Select(Cell).ToArray());
            var row = new JsonObject { ["cells"] = cells };
            switch (mode)
            {
                case TableObjectMode.Object:
                    row["object"] = obj.DeepClone();
                    break;
                case TableObjectMode.Metadata:
                    row["object"] = new JsonObject
                    {
                        ["kind"] = "PartialObjectMetadata",
                        ["apiVersion"] = "meta.k8s.io/" + tableVersion,
                        ["metadata"] = obj["metadata"]?.DeepClone() ?? new JsonObject(),
                    };
                    break;
                case TableObjectMode.None:
                    break;
            }

            rows.Add(row);
        }

        var metadata = new JsonObject { ["resourceVersion"] = resourceVersion };
        if (!string.IsNullOrEmpty(continueToken))
        {
            metadata["continue"] = continueToken;
        }

        var table = new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/" + tableVersion,
            ["metadata"] = metadata,
        };
        if (includeColumns)
        {
            table["columnDefinitions"] = new JsonArray(columns.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name,
                ["type"] = c.Type,
                ["format"] = c.Format,
                ["description"] = c.Description,
                ["priority"] = c.Priority,
            }).ToArray());
        }

        table["rows"] = rows;
        return table;
    }

    private static IReadOnlyList<Column> ColumnsFor(ResourceType type) => type.Storage switch
    {
        "services" =>
        [
            new("Name", "string", "Name must be unique within a namespace.", Format: "name"),
            new("Type", "string", "type determines how the Service is exposed."),
            new("Cluster-IP", "string", "clusterIP is the IP address of the service."),
            new("External-IP", "string", "externalIPs, or the load balancer ingress addresses."),
            new("Port(s)", "string", "The list of ports that are exposed by this service."),
            new("Age", "string", "CreationTimestamp is a timestamp representing the server time when this object was created."),
            new("Selector", "string", "Route service traffic to pods with label keys and values matching this selector.", Priority: 1),
        ],
        "nodes" =>
        [
            new("Name", "string", "Name must be unique within a namespace.", Format: "name"),
            new("Status", "string", "The status of the node"),
            new("Roles", "string", "The roles of the node"),
            new("Age", "string", "CreationTimestamp is a timestamp representing the server time when this object was created."),
            new("Version", "string", "Kubelet Version reported by the node."),
            new("Internal-IP", "string", "List of addresses reachable to the node.", Priority: 1),
            new("External-IP", "string", "List of addresses reachable to the node.", Priority: 1),
            new("OS-Image", "string", "OS Image reported by the node from /etc/os-release.", Priority: 1),
            new("Kernel-Version", "string", "Kernel Version reported by the node.", Priority: 1),
            new("Container-Runtime", "string", "ContainerRuntime Version reported by the node.", Priority: 1),
        ],
        "events" =>
        [
            new("Last Seen", "string", "The time at which the most recent occurrence of this event was recorded."),
            new("Type", "string", "Type of this event (Normal, Warning)."),
            new("Reason", "string", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
            new("Object", "string", "The object this Event is about."),
            new("Subobject", "string", "The field of the object this Event is about.", Priority: 1),
            new("Source", "string", "The component reporting this event.", Priority: 1),
            new("Message", "string", "A human-readable description of the status of this operation."),
            new("First Seen", "string", "The time at which the event was first recorded.", Priority: 1),
            new("Count", "string", "The number of times this event has occurred.", Priority: 1),
            new("Name", "string", "Name must be unique within a namespace.", Priority: 1, Format: "name"),
        ],
        "leases" =>
        [
            new("Name", "string", "Name must be unique within a namespace.", Format: "name"),
            new("Holder", "string", "holderIdentity contains the identity of the holder of a current lease."),
            new("Age", "string", "CreationTimestamp is a timestamp representing the server time when this object was created."),
        ],
        "namespaces" =>
        [
            new("Name", "string", "Name must be unique within a namespace.", Format: "name"),
            new("Status", "string", "The status of the namespace"),
            new("Age", "string", "CreationTimestamp is a timestamp representing the server time when this object was created."),
        ],
        "pods" => PodColumns,
        "deployments" => DeploymentColumns,
        "configmaps" => ConfigMapColumns,
        "endpointslices" => EndpointSliceColumns,
        _ =>
        [
            new("Name", "string", "Name must be unique within a namespace.", Format: "name"),
            new("Created At", "date", "CreationTimestamp is a timestamp representing the server time when this object was created."),
        ],
    };

    // A cell is a string or, where kube-apiserver's printer puts a number (ConfigMap DATA, Deployment UP-TO-DATE), a long.
    private static IReadOnlyList<object> CellsFor(ResourceType type, JsonObject obj, DateTimeOffset now) => type.Storage switch
    {
        "services" => ServiceCells(obj, now),
        "nodes" => NodeCells(obj, now),
        "events" => EventCells(type, obj, now),
        "leases" => [obj.Name(), obj.Obj("spec").Str("holderIdentity") ?? "", Age(obj.Obj("metadata").Str("creationTimestamp"), now)],
        "namespaces" => [obj.Name(), obj.Obj("status").Str("phase") ?? "Active", Age(obj.Obj("metadata").Str("creationTimestamp"), now)],
        "pods" => PodCells(obj, now),
        "deployments" => DeploymentCells(obj, now),
        "configmaps" => ConfigMapCells(obj, now),
        "endpointslices" => EndpointSliceCells(obj, now),
        _ => [obj.Name(), obj.Obj("metadata").Str("creationTimestamp") ?? ""],
    };

    private static JsonNode? Cell(object value) => value switch
    {
        long l => JsonValue.Create(l),
        int i => JsonValue.Create((long)i),
        _ => JsonValue.Create(value.ToString()),
    };

    public static string Age(string? timestamp, DateTimeOffset now) =>
        timestamp is not null && DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? HumanDuration.Format(now - t)
            : "<unknown>";

    private static string[] ServiceCells(JsonObject svc, DateTimeOffset now)
    {
        var spec = svc.Obj("spec");
        var type = spec.Str("type") ?? "ClusterIP";
        var clusterIp = spec.Str("clusterIP");
        var selector = spec.StringMap("selector");
        return
        [
            svc.Name(),
            type,
            string.IsNullOrEmpty(clusterIp) ? "<none>" : clusterIp,
            ExternalIp(svc, type),
            PortsText(spec.Arr("ports")),
            Age(svc.Obj("metadata").Str("creationTimestamp"), now),
            selector.Count == 0 ? "<none>" : string.Join(",", selector.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value)),
        ];
    }

    private static string ExternalIp(JsonObject svc, string type)
    {
        var externalIps = svc.Obj("spec").Arr("externalIPs").StringItems().ToList();
        switch (type)
        {
            case "ClusterIP" or "NodePort":
                return externalIps.Count > 0 ? string.Join(",", externalIps) : "<none>";
            case "LoadBalancer":
                var ingress = svc.Obj("status").Obj("loadBalancer").Arr("ingress")?
                    .Select(i => i.Str("ip") is { Length: > 0 } ip ? ip : i.Str("hostname"))
                    .OfType<string>().Where(s => s.Length > 0).ToList() ?? [];
                var lb = string.Join(",", ingress);
                if (lb.Length > 16)
                {
                    // kubectl's narrow output cuts long ingress lists the same way.
                    lb = lb[..13] + "...";
                }

                var all = new List<string>();
                if (lb.Length > 0)
                {
                    all.AddRange(lb.Split(','));
                }

                all.AddRange(externalIps);
                return all.Count > 0 ? string.Join(",", all) : "<pending>";
            case "ExternalName":
                return svc.Obj("spec").Str("externalName") ?? "";
            default:
                return "<unknown>";
        }
    }

    private static string PortsText(JsonArray? ports)
    {
        if (ports is null || ports.Count == 0)
        {
            return "<none>";
        }

        return string.Join(",", ports.Select(p =>
        {
            var protocol = p.Str("protocol") ?? "TCP";
            var port = p.Int("port") ?? 0;
            var nodePort = p.Int("nodePort") ?? 0;
            return nodePort > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{port}:{nodePort}/{protocol}")
                : string.Create(CultureInfo.InvariantCulture, $"{port}/{protocol}");
        }));
    }

    private static string[] NodeCells(JsonObject node, DateTimeOffset now)
    {
        var status = node.Obj("status");
        var ready = status.Arr("conditions")?.FirstOrDefault(c => c.Str("type") == "Ready")?.Str("status");
        var state = ready switch { "True" => "Ready", "False" => "NotReady", _ => "Unknown" };
        if (node.Obj("spec").Bool("unschedulable") == true)
        {
            state += ",SchedulingDisabled";
        }

        var labels = node.Obj("metadata").StringMap("labels");
        var roles = labels.Keys.Where(k => k.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal))
            .Select(k => k["node-role.kubernetes.io/".Length..])
            .Concat(labels.TryGetValue("kubernetes.io/role", out var r) ? [r] : [])
            .Where(s => s.Length > 0).Order(StringComparer.Ordinal).ToList();
        string Address(string kind) =>
            status.Arr("addresses")?.FirstOrDefault(a => a.Str("type") == kind)?.Str("address") ?? "<none>";
        var info = status.Obj("nodeInfo");
        return
        [
            node.Name(),
            state,
            roles.Count == 0 ? "<none>" : string.Join(",", roles),
            Age(node.Obj("metadata").Str("creationTimestamp"), now),
            info.Str("kubeletVersion") ?? "",
            Address("InternalIP"),
            Address("ExternalIP"),
            info.Str("osImage") ?? "<unknown>",
            info.Str("kernelVersion") ?? "<unknown>",
            info.Str("containerRuntimeVersion") ?? "<unknown>",
        ];
    }

    private static string[] EventCells(ResourceType type, JsonObject ev, DateTimeOffset now)
    {
        // Both event APIs print the same columns; read whichever field names this shape uses.
        var v1 = type.Group == "events.k8s.io";
        var regarding = ev.Obj(v1 ? "regarding" : "involvedObject");
        var series = ev.Obj("series");
        var eventTime = ev.Str("eventTime");
        var last = series.Str("lastObservedTime") ?? ev.Str(v1 ? "deprecatedLastTimestamp" : "lastTimestamp") ?? eventTime
            ?? ev.Obj("metadata").Str("creationTimestamp");
        var first = ev.Str(v1 ? "deprecatedFirstTimestamp" : "firstTimestamp") ?? eventTime;
        var source = ev.Obj(v1 ? "deprecatedSource" : "source");
        var component = source.Str("component") ?? ev.Str(v1 ? "reportingController" : "reportingComponent") ?? "";
        var host = source.Str("host") ?? ev.Str("reportingInstance") ?? "";
        var count = series.Int("count") ?? ev.Int(v1 ? "deprecatedCount" : "count") ?? 1;
        return
        [
            Age(last, now),
            ev.Str("type") ?? "",
            ev.Str("reason") ?? "",
            (regarding.Str("kind") ?? "").ToLowerInvariant() + "/" + (regarding.Str("name") ?? ""),
            regarding.Str("fieldPath") ?? "",
            host.Length > 0 ? component + ", " + host : component,
            ev.Str(v1 ? "note" : "message") ?? "",
            Age(first, now),
            count.ToString(CultureInfo.InvariantCulture),
            ev.Name(),
        ];
    }
}
