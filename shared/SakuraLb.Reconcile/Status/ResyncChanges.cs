using SakuraLb.Reconcile.Planning;

namespace SakuraLb.Reconcile.Status;

/// <summary>
/// What a reconcile changed in the cloud, in words, for the answer to a resync a user asked for: "no change", or
/// the steps that ran, in order, each kind once ("created load balancer; updated real servers"). Waits and
/// progress reports change nothing and are left out. Pure.
/// </summary>
public static class ResyncChanges
{
    public const string None = "no change";

    public static string Describe(IEnumerable<PlanStep> completed)
    {
        ArgumentNullException.ThrowIfNull(completed);
        var words = completed.Select(Of).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        return words.Count == 0 ? None : string.Join("; ", words);
    }

    private static string? Of(PlanStep step) => step switch
    {
        ReserveAddresses => "reserved addresses",
        ReleaseAddresses => "released addresses",
        CreateLoadBalancer => "created load balancer",
        Boot => "booted load balancer",
        UpdateTags => "updated tags",
        UpdateSettings => "updated VIPs and real servers",
        ApplyConfig => "applied configuration",
        ShutDown => "shut down load balancer",
        DeleteLoadBalancer => "deleted load balancer",
        _ => null,
    };
}
