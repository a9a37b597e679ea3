using SakuraLb.Model;
using SakuraLb.Reconcile.Addressing;
using SakuraLb.Reconcile.Nodes;
using SakuraLb.Reconcile.Observed;

namespace SakuraLb.Reconcile.Desired;

/// <summary>
/// Service + cloud context → the desired load balancer. One pass collects every problem: annotation and
/// port errors, router selection, a requested VIP outside the router's range; node problems are warnings.
/// </summary>
public static class DesiredLoadBalancerBuilder
{
    public static BuildResult Build(ServiceSnapshot service, ControllerSettings settings, BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var parsed = LoadBalancerSpecParser.Parse(service, settings);
        var errors = new List<ValidationProblem>(parsed.Errors);
        var warnings = new List<ValidationProblem>(parsed.Warnings);

        var routerTags = parsed.Spec?.RouterTags ?? settings.RouterTags;
        var router = SelectRouter(context.Routers, routerTags, out var routerProblem);
        if (routerProblem is not null)
        {
            errors.Add(routerProblem);
        }

        if (router is not null && parsed.Spec?.RequestedVip is { } requested && IpAllocator.NotAssignable(requested, router) is { } unassignable)
        {
            errors.Add(unassignable);
        }

        if (errors.Count > 0 || parsed.Spec is null || router is null)
        {
            return new BuildResult(null, errors, warnings);
        }

        var spec = parsed.Spec;
        var selection = RealServerSelector.Select(context.Nodes, context.Servers, router, settings.MaxServersPerVip, spec.ServiceUid);
        warnings.AddRange(selection.Warnings);

        return new BuildResult(
            new DesiredLoadBalancer
            {
                Spec = spec,
                Name = LoadBalancerNaming.Name(spec.ServiceUid),
                Description = LoadBalancerNaming.Description(spec.Namespace, spec.Name),
                Tags = LoadBalancerNaming.Tags(settings.ClusterId, spec.Name, spec.ServiceUid),
                Router = router,
                RealServers = selection.Servers,
            },
            errors,
            warnings);
    }

    /// <summary>The one router carrying every tag in <paramref name="requiredTags"/>, or the reason there is not exactly one.</summary>
    public static RouterNetwork? SelectRouter(IReadOnlyList<RouterNetwork> routers, IReadOnlyList<string> requiredTags, out ValidationProblem? problem)
    {
        var matching = routers
            .Where(r => r is not null && requiredTags.All(t => r.Tags.Contains(t, StringComparer.Ordinal)))
            .DistinctBy(r => r.Id)
            .OrderBy(r => r.Id)
            .ToList();
        var tags = string.Join(", ", requiredTags);
        switch (matching.Count)
        {
            case 1:
                problem = null;
                return matching[0];
            case 0:
                problem = new ValidationProblem(
                    ReasonCodes.RouterNotFound,
                    $"no router+switch carries all of the tags [{tags}]; tag the router the cluster's nodes are on, or fix k8s.usacloud.jp/router-selector",
                    Annotations.LoadBalancerAnnotations.RouterSelector.Key);
                return null;
            default:
                problem = new ValidationProblem(
                    ReasonCodes.AmbiguousRouter,
                    $"{matching.Count} routers carry all of the tags [{tags}] ({string.Join(", ", matching.Select(r => r.Name))}); set k8s.usacloud.jp/router-selector to a tag only one of them carries",
                    Annotations.LoadBalancerAnnotations.RouterSelector.Key);
                return null;
        }
    }
}
