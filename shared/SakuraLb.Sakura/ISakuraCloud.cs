using SakuraLb.Reconcile.Desired;
using SakuraLb.Reconcile.Observed;
using SakuraLb.Reconcile.Planning;

namespace SakuraLb.Sakura;

/// <summary>What to look for when finding routers. Both parts are optional; both must hold.</summary>
/// <param name="Name">Exact name of the router (the Internet resource), or null for any.</param>
/// <param name="Tags">Tags the router must all carry (AND), or null/empty for any.</param>
public sealed record RouterQuery(string? Name = null, IReadOnlyCollection<string>? Tags = null);

/// <summary>
/// Sakura Cloud as the controller sees it, in one zone and in the planner's terms: what it reads comes back
/// as the planner's observed-state records, what it writes goes in as the plan's records. The API's own
/// shapes stay inside this library. Every search pages until it has every match.
/// </summary>
/// <remarks>
/// Failures are <see cref="SakuraApiException"/> (switch on <see cref="SakuraApiException.Kind"/>;
/// <see cref="CloudErrors"/> says which are transient), <see cref="TimeoutException"/> for an attempt that did
/// not answer in time, or <see cref="OperationCanceledException"/> when the token is cancelled; 503 and 423
/// have already been retried.
/// </remarks>
public interface ISakuraCloud
{
    /// <summary>
    /// Routers matching <paramref name="query"/> (exact name and/or all tags), each with its switch's primary block
    /// as the search answer shows it (the assignable range is the block less its reserved addresses, as the API
    /// documents; the answer's reduced switch view does not carry it). A router whose answer lacks the block is read
    /// with its switch. A router whose switch has no usable primary block is left out; a plain switch is never a
    /// fallback. Costs one search (plus one read per router the search answer does not describe).
    /// </summary>
    Task<IReadOnlyList<RouterNetwork>> FindRoutersAsync(RouterQuery query, CancellationToken cancellationToken);

    /// <summary>The router owning switch <paramref name="switchId"/>; null if there is no such switch or it is no usable router's.</summary>
    Task<RouterNetwork?> GetRouterBySwitchIdAsync(long switchId, CancellationToken cancellationToken);

    /// <summary>
    /// Plain switches (no router, not the shared segment) carrying every tag in <paramref name="allTags"/> (AND), where
    /// switch-type load balancers go. At least one tag is required. One search.
    /// </summary>
    Task<IReadOnlyList<PlainSwitch>> FindSwitchesAsync(IReadOnlyCollection<string> allTags, CancellationToken cancellationToken);

    /// <summary>
    /// The servers and load balancers on the network's switch, and every address in use in its block (a router's
    /// primary block, or a switch-type Service's network): two paged lists, the switch's servers and the account's
    /// appliances of every class (the latter shared by concurrent callers).
    /// </summary>
    Task<SwitchView> ReadSwitchAsync(LoadBalancerNetwork network, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="ReadSwitchAsync(LoadBalancerNetwork, CancellationToken)"/>, but the switch's servers come from one read shared by every caller that passes
    /// the same switch and <paramref name="serversVersion"/> for <c>Sakura:ServerListDuration</c>: the plans of a burst
    /// read them once. The version is the caller's node set (its sequence), so a node set that changed reads them again:
    /// a joining node's server is seen by the first plan that knows the node. A read by
    /// <see cref="ReadSwitchAsync(LoadBalancerNetwork, CancellationToken)"/> replaces the shared one.
    /// </summary>
    Task<SwitchView> ReadSwitchAsync(LoadBalancerNetwork network, long serversVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Every server of the zone, with its zone, plan, power state and NICs: one search, read page by page
    /// (<c>Sakura:PageSize</c> per request). The node controller's one read per pass.
    /// </summary>
    Task<IReadOnlyList<CloudServer>> ListServersAsync(CancellationToken cancellationToken);

    /// <summary>Servers whose name equals one of <paramref name="names"/> exactly (case-sensitive).</summary>
    Task<IReadOnlyList<CloudServer>> FindServersByNamesAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken);

    /// <summary>Load balancers named exactly <paramref name="exactName"/> (any availability, failed included), with settings.</summary>
    Task<IReadOnlyList<ObservedLoadBalancer>> FindLoadBalancersByNameAsync(string exactName, CancellationToken cancellationToken);

    /// <summary>
    /// Load balancers carrying every tag in <paramref name="allTags"/> (AND), with their settings.
    /// At least one tag is required, so this can never mean "every LB of the account".
    /// </summary>
    Task<IReadOnlyList<ObservedLoadBalancer>> FindLoadBalancersByTagsAsync(IReadOnlyCollection<string> allTags, CancellationToken cancellationToken);

    /// <summary>
    /// One load balancer; null on 404. The API also answers 404 for a while right after a create: a null for an
    /// ID you just created means "not visible yet", not "gone".
    /// </summary>
    Task<ObservedLoadBalancer?> GetLoadBalancerAsync(long id, CancellationToken cancellationToken);

    /// <summary>
    /// Every load balancer of the account, with settings, from the appliance list shared in the process (the one
    /// <see cref="ReadSwitchAsync(LoadBalancerNetwork, CancellationToken)"/> reads): at most <c>Sakura:ApplianceListDuration</c> old, or
    /// <paramref name="maxAge"/> when that is shorter; our own writes are in it. One paged list serves every caller
    /// in that time, so the Services waiting for their load balancers to come up share one read per poll. A load
    /// balancer just created may be missing for a while, as with <see cref="GetLoadBalancerAsync"/>'s 404.
    /// </summary>
    Task<IReadOnlyList<ObservedLoadBalancer>> ListLoadBalancersAsync(TimeSpan? maxAge, CancellationToken cancellationToken);

    /// <summary>
    /// One load balancer from the same shared list, for the waits on it: at most <paramref name="maxAge"/> old, and read
    /// after our last power call on it (whose answer does not show the new state); null when the list does not hold it.
    /// A power call leaves the list to everyone else, so a burst of shutdowns is polled with one list read per round.
    /// </summary>
    Task<ObservedLoadBalancer?> PollLoadBalancerAsync(long id, TimeSpan maxAge, CancellationToken cancellationToken);

    /// <summary>
    /// Creates a load balancer (a single one, or an HA pair with two own addresses) with the planned settings.
    /// It starts migrating and boots by itself; wait until it is available and up before applying config.
    /// Not idempotent. When the answer is a 504 or never comes, the load balancer it made (same name, every tag) is
    /// looked up and returned; if none is visible yet the error is rethrown (transient, <see cref="SakuraErrorKind.OutcomeUnknown"/>
    /// for a 504), and the caller must look it up by name again before calling this a second time.
    /// </summary>
    Task<ObservedLoadBalancer> CreateLoadBalancerAsync(LoadBalancerCreation creation, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the VIP list. <paramref name="settingsHash"/> (the one read before) makes a concurrent change a 409
    /// <see cref="SakuraErrorKind.Conflict"/>. Takes effect only after <see cref="ApplyConfigAsync"/>. Returns the
    /// load balancer as stored after the update.
    /// </summary>
    Task<ObservedLoadBalancer> UpdateSettingsAsync(long id, IReadOnlyList<VipSetting> settings, string? settingsHash, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces tags and description, leaving the VIP list as it is. A concurrent settings change is a 409
    /// <see cref="SakuraErrorKind.Conflict"/>; a load balancer that is gone a 404 <see cref="SakuraErrorKind.NotFound"/>.
    /// Returns the load balancer as stored after the update.
    /// </summary>
    Task<ObservedLoadBalancer> UpdateTagsAsync(long id, IReadOnlyList<string> tags, string description, CancellationToken cancellationToken);

    /// <summary>Makes the stored settings take effect (<c>PUT /appliance/{id}/config</c>).</summary>
    Task ApplyConfigAsync(long id, CancellationToken cancellationToken);

    /// <summary>
    /// Powers a stopped load balancer on (<c>PUT /appliance/{id}/power</c>). Returns before it is up; one that is
    /// not down answers 409 <see cref="SakuraErrorKind.Conflict"/>.
    /// </summary>
    Task BootAsync(long id, CancellationToken cancellationToken);

    /// <summary>Powers the load balancer off; <paramref name="force"/> is a hard stop. Returns before it is down.</summary>
    Task ShutdownAsync(long id, bool force, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the load balancer (it must be down, else 409 <see cref="SakuraErrorKind.PowerMustBeDown"/>).
    /// Idempotent: true if it was deleted now, false if it was already gone (404).
    /// </summary>
    Task<bool> DeleteLoadBalancerAsync(long id, CancellationToken cancellationToken);

    /// <summary>Live health of each VIP and real server (meaningful only while the load balancer is up).</summary>
    Task<IReadOnlyList<VipHealth>> GetLoadBalancerHealthAsync(long id, CancellationToken cancellationToken);

    /// <summary>Whose the configured credentials are and what they may do; a cheap way to check them.</summary>
    Task<AccessInfo> GetAuthStatusAsync(CancellationToken cancellationToken);
}
