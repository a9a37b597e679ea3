using static SakuraLb.Reconcile.Tests.Fixtures;

namespace SakuraLb.Reconcile.Tests.Planning;

/// <summary>Planning for the fixture Service against a <see cref="CloudModel"/>.</summary>
internal static class PlanningFixtures
{
    /// <summary>The plan that ensures <paramref name="desired"/> (by default the fixture Service's on the router).</summary>
    public static Plan PlanEnsure(CloudModel cloud, DesiredLoadBalancer? desired = null) =>
        Planner.Plan(cloud.Input(ServiceIntent.Ensure, Uid, desired ?? BuildDesired(), Settings));

    public static Plan PlanCleanup(CloudModel cloud) =>
        Planner.Plan(cloud.Input(ServiceIntent.Cleanup, Uid, null, Settings));

    /// <summary>The step kinds of a plan, in order.</summary>
    public static List<string> Kinds(Plan plan) => [.. plan.Steps.Select(s => s.GetType().Name)];

    /// <summary>A model where the Service's load balancer was created and is up, as the planner itself would make it.</summary>
    public static CloudModel Converged(DesiredLoadBalancer? desired = null)
    {
        var cloud = new CloudModel();
        cloud.Apply(PlanEnsure(cloud, desired));
        Assert.Empty(PlanEnsure(cloud, desired).Steps);
        return cloud;
    }
}
