using System.Diagnostics.CodeAnalysis;

namespace SakuraLb.Model;

/// <summary>
/// Structural checks of a received <see cref="EventBatch"/>, reporting every problem at once with its field
/// path. A missing or null list or map reads as empty (the records coalesce it); a missing string reads
/// as empty and "required" is checked here, not by the JSON layer. Semantic checks (annotations, ports the LB can serve) belong to the reconcile core.
/// </summary>
public static class EventBatchValidator
{
    /// <summary>Longest accepted cluster id; it ends up in a Sakura tag (@k8s.ClusterID=...), so it is kept short.</summary>
    public const int MaxClusterIdLength = 32;

    /// <summary>Longest accepted <see cref="ServiceSnapshot.ResyncRequest"/> (a timestamp is about 20 characters).</summary>
    public const int MaxResyncRequestLength = 256;

    /// <summary>
    /// The one cluster-id rule the relay, the function app and the settings of both share: 1 to
    /// <see cref="MaxClusterIdLength"/> ASCII letters, digits, '-', '_' or '.' (it becomes a Sakura tag and a
    /// storage partition key, so nothing that needs escaping).
    /// </summary>
    public static bool IsValidClusterId(string? clusterId) =>
        !string.IsNullOrEmpty(clusterId)
        && clusterId.Length <= MaxClusterIdLength
        && HasClusterIdCharactersOnly(clusterId);

    internal static bool HasClusterIdCharactersOnly(string clusterId) =>
        clusterId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    public static IReadOnlyList<FieldError> Validate(EventBatch? batch)
    {
        var errors = new List<FieldError>();
        if (!MessageChecks.Header(batch, "an event batch object", errors))
        {
            return errors;
        }

        if (batch.SentAt == default)
        {
            errors.Add(new FieldError("sentAt", "is required"));
        }

        MessageChecks.Each(batch.Services, "services", errors, (service, path) => ValidateService(service, path, errors));

        if (batch.Nodes is not null)
        {
            ValidateNodeSet(batch.Nodes, "nodes", errors);
        }

        return errors;
    }

    private static void ValidateService(ServiceSnapshot service, string path, List<FieldError> errors)
    {
        MessageChecks.Required(service.Uid, $"{path}.uid", errors);
        MessageChecks.Required(service.Namespace, $"{path}.namespace", errors);
        MessageChecks.Required(service.Name, $"{path}.name", errors);
        if (service.Deleted)
        {
            // A tombstone only needs its identity.
            return;
        }

        MessageChecks.Required(service.ResourceVersion, $"{path}.resourceVersion", errors);
        MessageChecks.Required(service.Type, $"{path}.type", errors);
        if (service.ResyncRequest is { Length: > MaxResyncRequestLength } request)
        {
            errors.Add(new FieldError($"{path}.resyncRequest", $"must be at most {MaxResyncRequestLength} characters, got {request.Length}"));
        }

        if (service.HealthCheckNodePort is { } hcnp && hcnp is < 0 or > 65535)
        {
            errors.Add(new FieldError($"{path}.healthCheckNodePort", $"must be between 0 and 65535, got {hcnp}"));
        }

        if (service.Endpoints is { } endpoints)
        {
            MessageChecks.Required(endpoints.Revision, $"{path}.endpoints.revision", errors);
            MessageChecks.Each(endpoints.ReadyNodes, $"{path}.endpoints.readyNodes", errors, (node, nodePath) => MessageChecks.Required(node, nodePath, errors));
            MessageChecks.Each(endpoints.ServingNodes, $"{path}.endpoints.servingNodes", errors, (node, nodePath) => MessageChecks.Required(node, nodePath, errors));
        }

        MessageChecks.Each(service.Ports, $"{path}.ports", errors, (port, portPath) =>
        {
            MessageChecks.Required(port.Protocol, $"{portPath}.protocol", errors);
            if (port.Port is < 1 or > 65535)
            {
                errors.Add(new FieldError($"{portPath}.port", $"must be between 1 and 65535, got {port.Port}"));
            }

            // 0 is legal: allocateLoadBalancerNodePorts=false leaves nodePort unset.
            if (port.NodePort is { } nodePort && nodePort is < 0 or > 65535)
            {
                errors.Add(new FieldError($"{portPath}.nodePort", $"must be between 0 and 65535, got {nodePort}"));
            }
        });
    }

    private static void ValidateNodeSet(NodeSetSnapshot set, string path, List<FieldError> errors)
    {
        MessageChecks.Required(set.ResourceVersion, $"{path}.resourceVersion", errors);
        if (!set.Complete)
        {
            errors.Add(new FieldError($"{path}.complete", "must be true: protocol version 1 sends the whole node set"));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        MessageChecks.Each(set.Nodes, $"{path}.nodes", errors, (node, nodePath) =>
        {
            MessageChecks.Required(node.Name, $"{nodePath}.name", errors);
            if (!string.IsNullOrEmpty(node.Name) && !seen.Add(node.Name))
            {
                errors.Add(new FieldError($"{nodePath}.name", $"node '{node.Name}' appears more than once"));
            }

            MessageChecks.Each(node.Addresses, $"{nodePath}.addresses", errors, (address, addressPath) =>
            {
                MessageChecks.Required(address.Type, $"{addressPath}.type", errors);
                MessageChecks.Required(address.Address, $"{addressPath}.address", errors);
            });
            MessageChecks.Each(node.Taints, $"{nodePath}.taints", errors, (taint, taintPath) => MessageChecks.Required(taint.Key, $"{taintPath}.key", errors));
        });
    }
}

/// <summary>Structural checks of a received <see cref="ResyncRequest"/>.</summary>
public static class ResyncRequestValidator
{
    public static IReadOnlyList<FieldError> Validate(ResyncRequest? request)
    {
        var errors = new List<FieldError>();
        if (!MessageChecks.Header(request, "a resync request object", errors))
        {
            return errors;
        }

        if (!string.IsNullOrEmpty(request.Name) && string.IsNullOrEmpty(request.Namespace))
        {
            errors.Add(new FieldError("namespace", "is required when name is given"));
        }

        return errors;
    }
}

/// <summary>Structural checks of a received <see cref="TeardownRequest"/>: a confirmation must repeat the cluster id exactly.</summary>
public static class TeardownRequestValidator
{
    public static IReadOnlyList<FieldError> Validate(TeardownRequest? request)
    {
        var errors = new List<FieldError>();
        if (!MessageChecks.Header(request, "a teardown request object", errors))
        {
            return errors;
        }

        if (request.Confirm is not null && !string.Equals(request.Confirm, request.ClusterId, StringComparison.Ordinal))
        {
            errors.Add(new FieldError("confirm", "must equal clusterId to delete, or be left out for a dry run"));
        }

        return errors;
    }
}

internal static class MessageChecks
{
    /// <summary>
    /// What every relay message is checked for first: a body at all (<paramref name="what"/> names it), then its
    /// protocol version and cluster id. False when there is no body, and so nothing more to check.
    /// </summary>
    public static bool Header([NotNullWhen(true)] IRelayMessage? message, string what, List<FieldError> errors)
    {
        if (message is null)
        {
            errors.Add(new FieldError("$", $"the body must be {what}"));
            return false;
        }

        Version(message.Version, errors);
        ClusterId(message.ClusterId, errors);
        return true;
    }

    public static void Version(int version, List<FieldError> errors)
    {
        if (version != ProtocolVersion.Current)
        {
            errors.Add(new FieldError(
                "version",
                $"unsupported protocol version {version}; this side speaks version {ProtocolVersion.Current}"));
        }
    }

    public static void ClusterId(string? clusterId, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty(clusterId))
        {
            errors.Add(new FieldError("clusterId", "is required"));
            return;
        }

        if (clusterId.Length > EventBatchValidator.MaxClusterIdLength)
        {
            errors.Add(new FieldError(
                "clusterId",
                $"must be at most {EventBatchValidator.MaxClusterIdLength} characters, got {clusterId.Length}"));
        }

        if (!EventBatchValidator.HasClusterIdCharactersOnly(clusterId))
        {
            errors.Add(new FieldError("clusterId", "may contain only ASCII letters, digits, '-', '_' and '.'"));
        }
    }

    /// <summary>
    /// Checks every element of a list at its own path (<c>nodes[3]</c>): a null element is reported as such, any
    /// other is handed to <paramref name="check"/> with its path.
    /// </summary>
    public static void Each<T>(IReadOnlyList<T?> items, string path, List<FieldError> errors, Action<T, string> check)
        where T : class
    {
        for (var i = 0; i < items.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            if (items[i] is { } item)
            {
                check(item, itemPath);
            }
            else
            {
                errors.Add(new FieldError(itemPath, "must not be null"));
            }
        }
    }

    public static void Required(string? value, string path, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors.Add(new FieldError(path, "is required"));
        }
    }
}
