using SakuraLb.Functions.Options;

namespace SakuraLb.Functions.Activities;

/// <summary>The state of one appliance; <see cref="Found"/> false on 404 (gone, or not visible yet after a create).</summary>
public sealed record LoadBalancerState(bool Found, long LoadBalancerId, ApplianceAvailability Availability, InstanceStatus InstanceStatus)
{
    public bool IsUp => Found && Availability == ApplianceAvailability.Available && InstanceStatus == InstanceStatus.Up;

    public bool IsDown => !Found || (Availability != ApplianceAvailability.Migrating && InstanceStatus == InstanceStatus.Down);

    public bool IsFailed => Found && Availability is ApplianceAvailability.Failed or ApplianceAvailability.Discontinued;
}

/// <summary>
/// One poll of an appliance, for the orchestration's waits: read from the account's appliance list, at most one poll
/// interval old and read after our last power call on it, so every Service waiting in that interval shares one list
/// instead of reading its own appliance.
/// </summary>
public sealed class ReadLoadBalancerActivity(ISakuraCloud cloud, ReconcileOptions options)
{
    public const string Name = "ReadLoadBalancer";

    public async Task<LoadBalancerState> RunAsync(LoadBalancerTarget input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var lb = await cloud.PollLoadBalancerAsync(input.LoadBalancerId, options.PollInterval, cancellationToken);
        return lb is null
            ? new LoadBalancerState(false, input.LoadBalancerId, ApplianceAvailability.Unknown, InstanceStatus.Unknown)
            : new LoadBalancerState(true, lb.Id, lb.Availability, lb.InstanceStatus);
    }
}
