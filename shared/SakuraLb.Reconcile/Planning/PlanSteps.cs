using System.Text.Json.Serialization;
using SakuraLb.Reconcile.Desired;
using SakuraLb.Reconcile.Nodes;

namespace SakuraLb.Reconcile.Planning;

/// <summary>
/// One effect for an activity to perform. Every step is idempotent by contract: running it twice, or
/// after a lost response, leaves the same state (e.g. create first looks for an appliance with the name).
/// A null LoadBalancerId means "the appliance the CreateLoadBalancer step of this plan made".
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(ReserveAddresses), "reserveAddresses")]
[JsonDerivedType(typeof(ReleaseAddresses), "releaseAddresses")]
[JsonDerivedType(typeof(CreateLoadBalancer), "createLoadBalancer")]
[JsonDerivedType(typeof(WaitUntilUp), "waitUntilUp")]
[JsonDerivedType(typeof(Boot), "boot")]
[JsonDerivedType(typeof(UpdateTags), "updateTags")]
[JsonDerivedType(typeof(UpdateSettings), "updateSettings")]
[JsonDerivedType(typeof(ApplyConfig), "applyConfig")]
[JsonDerivedType(typeof(ShutDown), "shutDown")]
[JsonDerivedType(typeof(WaitUntilDown), "waitUntilDown")]
[JsonDerivedType(typeof(DeleteLoadBalancer), "deleteLoadBalancer")]
[JsonDerivedType(typeof(Report), "report")]
public abstract record PlanStep;

/// <summary>Write reservation rows (compare-and-swap; a row already held by this owner is updated, one held by another owner fails the step).</summary>
public sealed record ReserveAddresses(IReadOnlyList<AddressReservation> Addresses) : PlanStep;

/// <summary>Delete reservation rows of this owner (missing rows are fine).</summary>
public sealed record ReleaseAddresses(IReadOnlyList<AddressReservation> Addresses) : PlanStep;

/// <summary>POST /appliance. The appliance boots by itself.</summary>
public sealed record CreateLoadBalancer(LoadBalancerCreation Spec) : PlanStep;

/// <summary>Poll (durable timer) until Availability is available and Instance.Status is up.</summary>
public sealed record WaitUntilUp(long? LoadBalancerId, string Name) : PlanStep;

/// <summary>PUT /appliance/{id}/power.</summary>
public sealed record Boot(long LoadBalancerId) : PlanStep;

/// <summary>PUT /appliance/{id} with Tags and Description only.</summary>
public sealed record UpdateTags(long LoadBalancerId, IReadOnlyList<string> Tags, string Description) : PlanStep;

/// <summary>PUT /appliance/{id} with Settings and the SettingsHash that was read (optimistic concurrency).</summary>
public sealed record UpdateSettings(long LoadBalancerId, IReadOnlyList<VipSetting> Settings, string? SettingsHash) : PlanStep;

/// <summary>PUT /appliance/{id}/config: settings take effect only after this.</summary>
public sealed record ApplyConfig(long? LoadBalancerId) : PlanStep;

/// <summary>DELETE /appliance/{id}/power with Force (an appliance that is already down counts as done).</summary>
public sealed record ShutDown(long LoadBalancerId) : PlanStep;

/// <summary>Poll (durable timer) until Instance.Status is down.</summary>
public sealed record WaitUntilDown(long LoadBalancerId) : PlanStep;

/// <summary>DELETE /appliance/{id} (404 counts as done).</summary>
public sealed record DeleteLoadBalancer(long LoadBalancerId) : PlanStep;

/// <summary>Publish an intermediate status (before a long wait) so the user sees progress.</summary>
public sealed record Report(ServicePhase Phase, string ReasonCode, string Message) : PlanStep;

/// <summary>Everything POST /appliance needs.</summary>
public sealed record LoadBalancerCreation
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    public required IReadOnlyList<string> Tags { get; init; }

    public LoadBalancerPlan Plan { get; init; }

    public bool HighAvailability { get; init; }

    /// <summary>Remark.Switch.ID: the router's switch, or the plain switch of a switch-type load balancer.</summary>
    public long SwitchId { get; init; }

    public int NetworkMaskLen { get; init; }

    /// <summary>Remark.Network.DefaultRoute; none for a switch-type load balancer without a gateway.</summary>
    public Ipv4Address? DefaultRoute { get; init; }

    public int Vrid { get; init; }

    /// <summary>Remark.Servers[].IPAddress: one, or two for HA, ascending.</summary>
    public required IReadOnlyList<Ipv4Address> OwnAddresses { get; init; }

    public Ipv4Address Vip { get; init; }

    public required IReadOnlyList<VipSetting> Settings { get; init; }
}

/// <summary>What the Service's status should say once the plan has run.</summary>
public sealed record PlanOutcome(
    ServicePhase Phase,
    string ReasonCode,
    string Message,
    IReadOnlyList<string> IngressIps,
    bool FinalizerReleasable,
    IReadOnlyList<ValidationProblem> Warnings,
    LoadBalancerSummary? LoadBalancer = null);

/// <summary>
/// The ordered steps and the outcome. <see cref="ReplanAfter"/>: the plan ends in a wait for a cloud
/// transition it could not plan past; read the actual state again and plan again.
/// </summary>
public sealed record Plan(IReadOnlyList<PlanStep> Steps, PlanOutcome Outcome, bool ReplanAfter)
{
    /// <summary>
    /// The drain of the running load balancer's real servers as this plan writes it; null when the plan did not
    /// decide one (no running load balancer on the Service's switch), and the previous state still holds. While
    /// <see cref="DrainDecision.WakeAt"/> is set, plan again then: the drained servers are due for removal.
    /// </summary>
    public DrainDecision? Drain { get; init; }

    /// <summary>True when nothing differs: no effect to perform (Report steps are not effects).</summary>
    public bool IsNoOp => Steps.All(s => s is Report);
}
