namespace SakuraLb.Reconcile.Observed;

/// <summary>
/// Where load balancers can go, as read from the cloud: the routers carrying the controller's router tags (for
/// internet Services) and the plain switches carrying its switch tags (for switch-type ones). A Service's
/// selector picks one of them. A caller may leave out the kind no Service at hand asks for.
/// </summary>
public sealed record NetworkCandidates
{
    public IReadOnlyList<RouterNetwork> Routers { get; init; } = [];

    public IReadOnlyList<PlainSwitch> Switches { get; init; } = [];
}
