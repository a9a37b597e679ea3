using SakuraLb.Sakura.Wire;

namespace SakuraLb.Sakura;

/// <summary>
/// The controller's whole view of Sakura Cloud, in one zone. Every search pages until it has every
/// match. Failures are <see cref="SakuraApiException"/> (switch on <see cref="SakuraApiException.Kind"/>),
/// <see cref="TimeoutException"/> for an attempt that did not answer in time, or
/// <see cref="OperationCanceledException"/> when the token is cancelled; 503 and 423 have already been
/// retried. Callers must treat returned records as read-only snapshots.
/// </summary>
public interface ISakuraCloud
{
    /// <summary>
    /// Router+switches matching <paramref name="query"/> (exact name and/or all tags), each with its switch
    /// read in full. Only routers (Internet resources) are returned; a plain switch is not a fallback.
    /// </summary>
    Task<IReadOnlyList<RouterNetwork>> FindRouterNetworksAsync(RouterQuery query, CancellationToken cancellationToken);

    /// <summary>The router+switch owning switch <paramref name="switchId"/>; null if the switch does not exist.</summary>
    Task<RouterNetwork?> GetRouterNetworkBySwitchIdAsync(long switchId, CancellationToken cancellationToken);

    /// <summary>Servers whose name equals one of <paramref name="names"/> exactly (case-sensitive).</summary>
    Task<IReadOnlyList<SakuraServer>> FindServersByNamesAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken);

    /// <summary>Servers with a NIC on switch <paramref name="switchId"/>.</summary>
    Task<IReadOnlyList<SakuraServer>> ListServersOnSwitchAsync(long switchId, CancellationToken cancellationToken);

    /// <summary>Appliances of every class (LB, VPC router, database) on switch <paramref name="switchId"/>, with settings.</summary>
    Task<IReadOnlyList<SakuraAppliance>> ListAppliancesOnSwitchAsync(long switchId, CancellationToken cancellationToken);

    /// <summary>
    /// Load balancers carrying every tag in <paramref name="allTags"/> (AND), with their settings.
    /// At least one tag is required, so this can never mean "every LB of the account".
    /// </summary>
    Task<IReadOnlyList<SakuraAppliance>> FindLoadBalancersByTagsAsync(IReadOnlyCollection<string> allTags, CancellationToken cancellationToken);

    /// <summary>Load balancers named exactly <paramref name="exactName"/> (any availability, failed included).</summary>
    Task<IReadOnlyList<SakuraAppliance>> FindLoadBalancersByNameAsync(string exactName, CancellationToken cancellationToken);

    /// <summary>
    /// One appliance; null on 404. Note that the API also answers 404 for a while right after a create:
    /// a null for an ID you just created means "not visible yet", not "gone".
    /// </summary>
    Task<SakuraAppliance?> GetApplianceAsync(long id, CancellationToken cancellationToken);

    /// <summary>
    /// Creates a load balancer. It starts <c>migrating</c> and boots by itself; wait for
    /// <see cref="Availability.Available"/> and <see cref="InstanceStatus.Up"/> before applying config.
    /// Not idempotent: look the LB up by name before calling again after a lost response.
    /// </summary>
    Task<SakuraAppliance> CreateLoadBalancerAsync(LoadBalancerCreateRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the VIP list (plus tags/description when given). Takes effect only after
    /// <see cref="ApplyConfigAsync"/>. Returns the appliance as stored after the update.
    /// </summary>
    Task<SakuraAppliance> UpdateLoadBalancerSettingsAsync(long id, LoadBalancerSettingsUpdate update, CancellationToken cancellationToken);

    /// <summary>Applies the stored settings (<c>PUT /appliance/{id}/config</c>).</summary>
    Task ApplyConfigAsync(long id, CancellationToken cancellationToken);

    /// <summary>
    /// Powers a stopped appliance on (<c>PUT /appliance/{id}/power</c>). Returns before it is up; an appliance
    /// that is not down answers 409 <c>conflict</c>.
    /// </summary>
    Task BootAsync(long id, CancellationToken cancellationToken);

    /// <summary>Powers the appliance off; <paramref name="force"/> is a hard stop. Returns before it is down.</summary>
    Task ShutdownAsync(long id, bool force, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the appliance (it must be down). Idempotent: true if it was deleted now, false if it was
    /// already gone (404). Any other error is thrown.
    /// </summary>
    Task<bool> DeleteApplianceAsync(long id, CancellationToken cancellationToken);

    /// <summary>Live health of each VIP and real server (meaningful only while the LB is up).</summary>
    Task<IReadOnlyList<LoadBalancerVipStatus>> GetLoadBalancerStatusAsync(long id, CancellationToken cancellationToken);

    /// <summary>What the configured credentials are; a cheap way to check them.</summary>
    Task<AuthStatus> GetAuthStatusAsync(CancellationToken cancellationToken);
}
