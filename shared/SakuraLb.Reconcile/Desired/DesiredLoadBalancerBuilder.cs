using SakuraLb.Reconcile.Annotations;
using SakuraLb.Reconcile.Nodes;

namespace SakuraLb.Reconcile.Desired;

/// <summary>
/// Service + cloud context → the desired load balancer. One pass collects every problem: annotation and
/// port errors, router or switch selection, a requested VIP outside the assignable range; node problems are
/// warnings.
/// </summary>
public static class DesiredLoadBalancerBuilder
{
    public static BuildResult Build(ServiceSnapshot service, ControllerSettings settings, BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var parsed = LoadBalancerSpecParser.Parse(service, settings);
        var errors = new List<ValidationProblem>(parsed.Errors);
        var warnings = new List<ValidationProblem>(parsed.Warnings);

        var request = parsed.Network ?? new NetworkRequest(LoadBalancerType.Internet, settings.RequiredRouterTags);
        var network = SelectNetwork(request, context, out var networkProblem);
        if (networkProblem is not null)
        {
            errors.Add(networkProblem);
        }

        if (network is not null && parsed.Spec?.RequestedVip is { } requested && IpAllocator.NotAssignable(requested, network) is { } unassignable)
        {
            errors.Add(unassignable);
        }

        if (errors.Count > 0 || parsed.Spec is null || network is null)
        {
            return new BuildResult(null, errors, warnings);
        }

        var spec = parsed.Spec;
        var endpointNodes = LocalEndpoints.Filter(service, context.Nodes);
        var selection = RealServerSelector.Select(endpointNodes.Nodes, context.Servers, network, settings.MaxServersPerVip, spec.ServiceUid);
        if (endpointNodes.Warning is { } endpointWarning)
        {
            warnings.Add(endpointWarning);
        }

        // "No node can be a real server" would only repeat, less precisely, that no node runs an endpoint.
        warnings.AddRange(selection.Warnings.Where(w => !(endpointNodes.Warning?.Code == ReasonCodes.NoReadyEndpoints && w.Code == ReasonCodes.NoEligibleNodes)));

        return new BuildResult(
            new DesiredLoadBalancer
            {
                Spec = spec,
                Name = LoadBalancerNaming.Name(spec.ServiceUid),
                Description = LoadBalancerNaming.Description(spec.Namespace, spec.Name),
                Tags = LoadBalancerNaming.Tags(settings.ClusterId, spec.Name, spec.ServiceUid, settings.OwnerId),
                Network = network,
                RealServers = selection.Servers,
            },
            errors,
            warnings);
    }

    /// <summary>
    /// The network <paramref name="request"/> names among the candidates: the one router, or the one plain switch
    /// with the Service's ranges, carrying every requested tag; or the reason there is not exactly one. Null
    /// without a problem when the switch is found but the Service's ranges are unusable (already reported).
    /// </summary>
    public static LoadBalancerNetwork? SelectNetwork(NetworkRequest request, BuildContext candidates, out ValidationProblem? problem)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(candidates);
        if (request.Type == LoadBalancerType.Internet)
        {
            return SelectRouter(candidates.Routers, request.Tags, out problem);
        }

        var plainSwitch = SelectOne(candidates.Switches, s => s.Id, s => s.Tags, s => s.Name, request.Tags, SwitchSelection, out problem);
        return plainSwitch is null ? null : request.Ranges?.On(plainSwitch);
    }

    /// <summary>The one router carrying every tag in <paramref name="requiredTags"/>, or the reason there is not exactly one.</summary>
    public static RouterNetwork? SelectRouter(IReadOnlyList<RouterNetwork> routers, IReadOnlyList<string> requiredTags, out ValidationProblem? problem) =>
        SelectOne(routers, r => r.Id, r => r.Tags, r => r.Name, requiredTags, RouterSelection, out problem);

    private static T? SelectOne<T>(
        IReadOnlyList<T> candidates,
        Func<T, long> idOf,
        Func<T, IReadOnlyList<string>> tagsOf,
        Func<T, string> nameOf,
        IReadOnlyList<string> requiredTags,
        TagSelection selection,
        out ValidationProblem? problem)
        where T : class
    {
        var matching = candidates
            .Where(c => c is not null && requiredTags.All(t => tagsOf(c).Contains(t, StringComparer.Ordinal)))
            .DistinctBy(idOf)
            .OrderBy(idOf)
            .ToList();
        var tags = string.Join(", ", requiredTags);
        switch (matching.Count)
        {
            case 1:
                problem = null;
                return matching[0];
            case 0:
                problem = selection.NotFound(tags);
                return null;
            default:
                problem = selection.Ambiguous(matching.Count, tags, string.Join(", ", matching.Select(nameOf)));
                return null;
        }
    }

    private static readonly TagSelection RouterSelection = new(
        ReasonCodes.RouterNotFound, ReasonCodes.AmbiguousRouter, "router+switch", "routers",
        "tag the router the cluster's nodes are on", LoadBalancerAnnotations.RouterSelector.Key);

    private static readonly TagSelection SwitchSelection = new(
        ReasonCodes.SwitchNotFound, ReasonCodes.AmbiguousSwitch, "plain switch", "plain switches",
        "tag the switch the nodes' private NICs are on", LoadBalancerAnnotations.SwitchSelector.Key);

    /// <summary>What a selection by tags looks for, and the two problems it reports when there is not exactly one.</summary>
    private sealed record TagSelection(string NotFoundCode, string AmbiguousCode, string One, string Many, string TagHint, string AnnotationKey)
    {
        public ValidationProblem NotFound(string tags) =>
            new(NotFoundCode, $"no {One} carries all of the tags [{tags}]; {TagHint}, or fix {AnnotationKey}", AnnotationKey);

        public ValidationProblem Ambiguous(int count, string tags, string names) =>
            new(AmbiguousCode, $"{count} {Many} carry all of the tags [{tags}] ({names}); set {AnnotationKey} to a tag only one of them carries", AnnotationKey);
    }
}
