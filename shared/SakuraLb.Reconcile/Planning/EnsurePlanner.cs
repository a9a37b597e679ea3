using SakuraLb.Reconcile.Annotations;
using SakuraLb.Reconcile.Desired;
using SakuraLb.Reconcile.Nodes;

namespace SakuraLb.Reconcile.Planning;

/// <summary>The Ensure branch of <see cref="Planner"/>: one instance per planning call.</summary>
internal sealed class EnsurePlanner
{
    private readonly PlanInput input;
    private readonly DesiredLoadBalancer desired;
    private readonly LoadBalancerNetwork network;
    private readonly List<PlanStep> steps = [];
    private readonly List<ValidationProblem> warnings;
    private bool replanAfter;

    // The drain this plan writes (null while no running load balancer on the Service's switch decides one).
    private DrainDecision? drain;

    public EnsurePlanner(PlanInput input)
    {
        this.input = input;
        desired = input.Desired ?? throw new ArgumentException("Ensure needs the desired load balancer.", nameof(input));
        network = desired.Network;
        warnings = [.. input.BuildWarnings];
    }

    public Plan Run()
    {
        var (mine, foreign) = Planner.Classify(input);
        Planner.ReportForeign(foreign, warnings);
        if (mine.Count == 0 && foreign.Count > 0)
        {
            var problem = warnings.Last(w => w.Code == ReasonCodes.ForeignOwner);
            return Finish(ServicePhase.Failed, ReasonCodes.ForeignOwner, problem.Message + "; delete or rename it, or check the controller's cluster id", []);
        }

        var failed = mine.Where(Planner.IsFailed).ToList();
        var alive = mine.Where(l => !Planner.IsFailed(l)).ToList();
        var primary = ChoosePrimary(alive);
        var extras = alive.Where(l => l != primary).ToList();

        var held = Mine();
        if (primary is null
            && !held.Any(h => h.SwitchId == network.SwitchId && h.Role == AddressRole.Vip)
            && failed.Where(OnNetworkSwitch).SelectMany(l => l.VipAddresses()).OrderByDescending(InIngress).Cast<Ipv4Address?>().FirstOrDefault() is { } failedVip
            && !OthersReservedOn(network.SwitchId).Contains(failedVip))
        {
            // The Service holds no VIP (the original CCM's appliance, or a store started afresh): reserve the failed
            // appliance's before deleting it, so it stays the Service's even when no replacement can be created yet.
            List<AddressReservation> protect = [new(network.SwitchId, failedVip, input.ServiceUid, AddressRole.Vip)];
            AddReserve(protect, held);
            held = Holding(held, protect);
        }

        foreach (var lb in failed)
        {
            warnings.Add(new ValidationProblem(ReasonCodes.LoadBalancerFailed, $"load balancer {lb.Name} ({lb.Id}) reports Availability failed; it is deleted and created again"));
            steps.AddRange(Planner.Teardown(lb));
        }

        if (primary is null)
        {
            return Create(failed, extras, held, failed.Count > 0 ? ReasonCodes.Recreating : ReasonCodes.Provisioning);
        }

        var current = CurrentVip(primary);
        var ingress = current is null ? [] : new[] { current.Value.ToString() };
        if (Planner.IsTransitional(primary) || primary.InstanceStatus == InstanceStatus.Unknown)
        {
            steps.Add(new WaitUntilUp(primary.Id, primary.Name));
            replanAfter = true;
            return Finish(ServicePhase.Provisioning, ReasonCodes.WaitingForCloud, $"waiting for load balancer {primary.Name} ({primary.Id}) to become available", ingress);
        }

        if (primary.InstanceStatus == InstanceStatus.Cleaning)
        {
            steps.Add(new WaitUntilDown(primary.Id));
            replanAfter = true;
            return Finish(ServicePhase.Provisioning, ReasonCodes.WaitingForCloud, $"load balancer {primary.Name} ({primary.Id}) is shutting down; waiting before starting it again", ingress);
        }

        var changes = ImmutableChanges(primary);
        ValidationProblem? blocked = null;
        if (changes.Count > 0 && desired.Spec.RecreateAllowed)
        {
            var recreate = Recreate(primary, changes, failed, extras, out blocked);
            if (recreate is not null)
            {
                return recreate;
            }
        }

        if (primary.InstanceStatus == InstanceStatus.Down)
        {
            steps.Add(new Report(ServicePhase.Provisioning, ReasonCodes.Booting, $"load balancer {primary.Name} ({primary.Id}) is down; starting it"));
            steps.Add(new Boot(primary.Id));
            steps.Add(new WaitUntilUp(primary.Id, primary.Name));
        }

        return UpdateInPlace(primary, changes, extras, blocked);
    }

    /// <param name="blocked">Why the opted-in recreate cannot be done (no address or VRID for the new appliance).</param>
    private Plan UpdateInPlace(ObservedLoadBalancer primary, List<string> changes, List<ObservedLoadBalancer> extras, ValidationProblem? blocked)
    {
        var switchId = primary.SwitchId ?? network.SwitchId;
        var sameSwitch = switchId == network.SwitchId;
        var current = CurrentVip(primary);
        var held = Mine();

        Ipv4Address? vip = current;
        if (sameSwitch)
        {
            // Only the VIP may move: the appliance's own addresses stay taken.
            var inUse = input.AddressesInUse.Except(primary.VipAddresses()).Concat(input.HostAddresses.Keys).ToHashSet();
            var others = OthersReservedOn(network.SwitchId);
            if (desired.Spec.RequestedVip is { } requested)
            {
                if (requested != current && IpAllocator.CheckRequested(requested, network, inUse, others, input.HostAddresses) is { } problem)
                {
                    return Finish(ServicePhase.Failed, problem.Code, problem.Message + (current is null ? "" : $"; the load balancer keeps VIP {current}"), Ingress(current));
                }

                vip = requested;
            }
            else if (Restorable(current, held, inUse, others) is { } restored)
            {
                vip = restored;
            }
            else if (current is null || (changes.Count == 0 && !network.IsCandidate(current.Value)))
            {
                // No VIP yet, or one the network no longer offers (a switch-type Service's pool changed around the
                // appliance's own addresses): a new one. While a recreate waits for the opt-in, the VIP stays.
                var choice = IpAllocator.Choose(new AddressRequest
                {
                    Network = network,
                    OwnerUid = input.ServiceUid,
                    OwnAddressCount = 0,
                    InUse = inUse,
                    HostAddresses = input.HostAddresses,
                    Reservations = [.. input.Reservations.Where(r => r is not null)],
                    PreferredVip = PreferredIngress(),
                });
                if (!choice.Succeeded)
                {
                    return Finish(ServicePhase.Failed, choice.Problem!.Code, choice.Problem.Message, []);
                }

                vip = choice.Vip;
            }
        }

        var needed = new List<AddressReservation>();
        needed.AddRange(primary.OwnAddresses().Where(a => a != vip).Select(a => new AddressReservation(switchId, a, input.ServiceUid, AddressRole.Own)));
        if (vip is not null)
        {
            needed.Add(new AddressReservation(switchId, vip.Value, input.ServiceUid, AddressRole.Vip));
        }

        AddReserve(needed, held);

        var tags = LoadBalancerNaming.MergeTags(primary.Tags, desired.Tags);
        if (!tags.ToHashSet(StringComparer.Ordinal).SetEquals(primary.Tags)
            || !string.Equals(primary.Description, desired.Description, StringComparison.Ordinal))
        {
            if (LoadBalancerNaming.ClusterIdsOf(primary.Tags).Count == 0)
            {
                warnings.Add(new ValidationProblem(ReasonCodes.Adopted, $"load balancer {primary.Name} ({primary.Id}) had this Service's name and no cluster tag; it is adopted (tags added)"));
            }

            steps.Add(new UpdateTags(primary.Id, tags, desired.Description));
        }

        // On another switch (a router or switch change waiting for the opt-in) the desired real servers are
        // addresses on the new switch, unreachable from this appliance: its settings stay as they are.
        if (vip is not null && sameSwitch)
        {
            drain = Drain(primary);
            var settings = desired.SettingsFor(vip.Value, [.. drain.Draining.Select(d => Ipv4Address.Parse(d.Address))]);
            if (!SettingsComparer.Equivalent(settings, primary.Vips))
            {
                steps.Add(new UpdateSettings(primary.Id, settings, primary.SettingsHash));
                steps.Add(new ApplyConfig(primary.Id));
            }
        }

        TearDownExtras(extras);
        AddRelease(needed, held);

        if (changes.Count > 0 && blocked is not null)
        {
            var message = $"{string.Join(", ", changes)} cannot be applied: the new load balancer cannot be created ({blocked.Message}); "
                + $"load balancer {primary.Name} ({primary.Id}) keeps running as it is";
            warnings.Add(blocked with { Message = message });
            return Finish(ServicePhase.Ready, blocked.Code, message, Ingress(vip), Summary(primary));
        }

        if (changes.Count > 0)
        {
            var message = $"{string.Join(", ", changes)} cannot be changed on a running load balancer; it keeps its current {(changes.Count == 1 ? "value" : "values")}"
                + (sameSwitch ? ". " : " and settings (its real servers would be on the new switch). ")
                + $"To apply, set {LoadBalancerAnnotations.RecreateAllowed.Key}: \"true\" (the load balancer is deleted and created again: traffic stops for a few minutes)";
            warnings.Add(new ValidationProblem(ReasonCodes.RecreateRequired, message, LoadBalancerAnnotations.RecreateAllowed.Key));
            return Finish(ServicePhase.Ready, ReasonCodes.RecreateRequired, message, Ingress(vip), Summary(primary));
        }

        return Finish(ServicePhase.Ready, ReasonCodes.Ready, $"load balancer {primary.Name} ({primary.Id}) is up with VIP {vip}, {desired.RealServers.Count} real servers{Draining()}", Ingress(vip), Summary(primary));
    }

    /// <summary>
    /// Which of the appliance's real servers serve, drain or go: one no longer selected is first kept disabled for the
    /// Service's drain period. A known drain keeps its start; one without a known start (the state was lost) starts
    /// now, so a lost state delays a removal and never hastens it. When the drained servers would push a VIP entry
    /// over the per-VIP limit, the longest-drained go first.
    /// </summary>
    private DrainDecision Drain(ObservedLoadBalancer primary)
    {
        var current = primary.Vips
            .Where(v => v is not null)
            .SelectMany(v => v.Servers)
            .Select(s => Ipv4Address.TryParse(s?.IPAddress?.Trim(), out var a) ? a.ToString() : null)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        var period = desired.Spec.DrainPeriod;
        var decision = RealServerDrain.Decide(
            [.. desired.RealServers.Select(s => s.Address.ToString())],
            current,
            [.. input.Draining.Where(d => d is not null && current.Contains(d.Address))],
            input.Now,
            period);
        var room = Math.Max(0, input.Settings.MaxServersPerVip - desired.RealServers.Count);
        if (decision.Draining.Count <= room)
        {
            return decision;
        }

        var byAge = decision.Draining.OrderBy(d => d.Since).ThenBy(d => d.Address, StringComparer.Ordinal).ToList();
        var over = byAge.Count - room;
        List<DrainingServer> kept = [.. byAge.Skip(over).OrderBy(d => d.Address, StringComparer.Ordinal)];
        return decision with
        {
            Draining = kept,
            Removed = [.. decision.Removed.Concat(byAge.Take(over).Select(d => d.Address)).Order(StringComparer.Ordinal)],
            WakeAt = kept.Count == 0 ? null : kept.Min(d => d.Since) + period,
        };
    }

    private string Draining() =>
        drain is { Draining.Count: > 0 } d ? $", {d.Draining.Count} draining until {d.WakeAt:HH:mm:ss} UTC" : "";

    /// <summary>
    /// Tear the appliance down and create it again, or null (with the reason) when the new one could not be
    /// created: then nothing is torn down, since the running appliance is better than none.
    /// </summary>
    private Plan? Recreate(ObservedLoadBalancer primary, List<string> changes, List<ObservedLoadBalancer> failed, List<ObservedLoadBalancer> extras, out ValidationProblem? blocked)
    {
        var held = Mine();
        var protect = new List<AddressReservation>();
        if (OnNetworkSwitch(primary))
        {
            // Hold the running appliance's addresses while it is gone, so the VIP survives the recreate.
            var current = CurrentVip(primary);
            protect.AddRange(primary.OwnAddresses()
                .Where(a => a != current)
                .Select(a => new AddressReservation(network.SwitchId, a, input.ServiceUid, AddressRole.Own)));
            if (current is not null)
            {
                protect.Add(new AddressReservation(network.SwitchId, current.Value, input.ServiceUid, AddressRole.Vip));
            }
        }

        var heldAfter = Holding(held, protect);
        List<ObservedLoadBalancer> replaced = [.. failed, primary];
        var allocation = Allocate(replaced, heldAfter);
        blocked = allocation.Problem;
        if (blocked is not null)
        {
            return null;
        }

        AddReserve(protect, held);
        steps.Add(new Report(ServicePhase.Provisioning, ReasonCodes.Recreating, $"recreating load balancer {primary.Name} ({primary.Id}): {string.Join(", ", changes)}"));
        steps.AddRange(Planner.Teardown(primary));
        return Create(allocation, extras, heldAfter, ReasonCodes.Recreating);
    }

    private Plan Create(List<ObservedLoadBalancer> replaced, List<ObservedLoadBalancer> extras, List<AddressReservation> held, string reasonCode)
    {
        var allocation = Allocate(replaced, held);
        return allocation.Problem is { } problem
            ? Finish(ServicePhase.Failed, problem.Code, problem.Message, [])
            : Create(allocation, extras, held, reasonCode);
    }

    /// <summary>The new appliance's addresses and VRID, taking over what <paramref name="replaced"/> (torn down first) frees.</summary>
    private Allocation Allocate(List<ObservedLoadBalancer> replaced, List<AddressReservation> held)
    {
        var onSwitch = replaced.Where(l => (l.SwitchId ?? network.SwitchId) == network.SwitchId).ToList();
        var freed = onSwitch.SelectMany(l => l.Addresses()).ToHashSet();
        var preferredVip = onSwitch.SelectMany(l => l.VipAddresses()).OrderByDescending(InIngress).Cast<Ipv4Address?>().FirstOrDefault() ?? PreferredIngress();
        var choice = IpAllocator.Choose(new AddressRequest
        {
            Network = network,
            OwnerUid = input.ServiceUid,
            OwnAddressCount = desired.OwnAddressCount,
            RequestedVip = desired.Spec.RequestedVip,
            InUse = input.AddressesInUse.Where(a => !freed.Contains(a)).ToList(),
            HostAddresses = input.HostAddresses,
            Reservations = [.. input.Reservations.Where(r => r is not null && !string.Equals(r.OwnerUid, input.ServiceUid, StringComparison.Ordinal)), .. held],
            PreferredVip = preferredVip,
            PreferredOwn = [.. onSwitch.SelectMany(l => l.OwnAddresses())],
        });
        if (!choice.Succeeded)
        {
            return new Allocation(choice, 0, choice.Problem);
        }

        var vrid = VridChooser.Choose(input.OnSwitch, network.SwitchId, [.. replaced.Select(l => l.Id)]);
        return vrid is null
            ? new Allocation(choice, 0, new ValidationProblem(ReasonCodes.VridExhausted, $"every VRRP id 1–{VridChooser.MaxVrid} is used by a load balancer on {network.SwitchLabel}; delete unused load balancers there"))
            : new Allocation(choice, vrid.Value, null);
    }

    private Plan Create(Allocation allocation, List<ObservedLoadBalancer> extras, List<AddressReservation> held, string reasonCode)
    {
        var (choice, vrid, _) = allocation;
        var vip = choice.Vip!.Value;
        var needed = choice.AsReservations(network.SwitchId, input.ServiceUid);
        AddReserve(needed, held);
        var spec = desired.Spec;
        steps.Add(new Report(
            ServicePhase.Provisioning,
            reasonCode,
            $"creating load balancer {desired.Name} ({spec.Plan.ToString().ToLowerInvariant()}, {(spec.HighAvailability ? "HA pair" : "single")}) with VIP {vip} on {network.Label}"));
        steps.Add(new CreateLoadBalancer(new LoadBalancerCreation
        {
            Name = desired.Name,
            Description = desired.Description,
            Tags = desired.Tags,
            Plan = spec.Plan,
            HighAvailability = spec.HighAvailability,
            SwitchId = network.SwitchId,
            NetworkMaskLen = network.Block.PrefixLength,
            DefaultRoute = network.Gateway,
            Vrid = vrid,
            OwnAddresses = choice.OwnAddresses,
            Vip = vip,
            Settings = desired.SettingsFor(vip),
        }));
        steps.Add(new WaitUntilUp(null, desired.Name));

        // Not needed for correctness (the API runs the create-time settings when the appliance boots, and the next
        // pass compares the stored settings anyway): one cheap PUT that makes sure the running config is the stored one.
        steps.Add(new ApplyConfig(null));
        TearDownExtras(extras);
        AddRelease(needed, held);
        return Finish(ServicePhase.Ready, ReasonCodes.Ready, $"load balancer {desired.Name} is up with VIP {vip}, {desired.RealServers.Count} real servers", [vip.ToString()]);
    }

    private bool OnNetworkSwitch(ObservedLoadBalancer lb) => (lb.SwitchId ?? network.SwitchId) == network.SwitchId;

    /// <summary>The rows held once <paramref name="protect"/> is reserved (a protected row replaces a held one at its address).</summary>
    private static List<AddressReservation> Holding(List<AddressReservation> held, List<AddressReservation> protect) =>
        [.. held.Where(h => !protect.Any(p => p.SwitchId == h.SwitchId && p.Address == h.Address)).Concat(protect)];

    private void TearDownExtras(List<ObservedLoadBalancer> extras)
    {
        if (extras.Count == 0)
        {
            return;
        }

        warnings.Add(new ValidationProblem(ReasonCodes.DuplicateLoadBalancer, $"extra load balancers of this Service are deleted: {string.Join(", ", extras.Select(l => $"{l.Name} ({l.Id})"))}"));
        foreach (var extra in extras)
        {
            if (Planner.IsTransitional(extra))
            {
                steps.Add(new WaitUntilUp(extra.Id, extra.Name));
                replanAfter = true;
            }
            else
            {
                steps.AddRange(Planner.Teardown(extra));
            }
        }
    }

    private void AddReserve(IReadOnlyList<AddressReservation> needed, List<AddressReservation> held)
    {
        var reserve = needed.Where(n => !held.Any(h => h.SwitchId == n.SwitchId && h.Address == n.Address && h.Role == n.Role)).ToList();
        if (reserve.Count > 0)
        {
            steps.Add(new ReserveAddresses(reserve));
        }
    }

    private void AddRelease(IReadOnlyList<AddressReservation> needed, List<AddressReservation> held)
    {
        var release = held.Where(h => !needed.Any(n => n.SwitchId == h.SwitchId && n.Address == h.Address)).ToList();
        if (release.Count > 0)
        {
            steps.Add(new ReleaseAddresses(release));
        }
    }

    private List<string> ImmutableChanges(ObservedLoadBalancer lb)
    {
        var changes = new List<string>();
        if (lb.PlanId != (int)desired.Spec.Plan)
        {
            changes.Add($"plan ({PlanName(lb.PlanId)} → {PlanName((int)desired.Spec.Plan)})");
        }

        var own = lb.OwnAddresses().Count;
        if (own is 1 or 2 && own != desired.OwnAddressCount)
        {
            changes.Add(desired.Spec.HighAvailability ? "HA (single → HA pair)" : "HA (HA pair → single)");
        }

        if (lb.SwitchId is { } switchId && switchId != network.SwitchId)
        {
            changes.Add($"{(network is RouterNetwork ? "router" : "switch")} (switch {switchId} → {network.Name}, switch {network.SwitchId})");
            return changes;
        }

        // On the same switch the network can still differ: a switch-type Service's ranges or gateway changed.
        // Remark.Network is read together (mask and route); without it there is nothing to compare.
        if (lb.NetworkMaskLen is { } mask)
        {
            if (mask != network.Block.PrefixLength)
            {
                changes.Add($"network mask (/{mask} → /{network.Block.PrefixLength})");
            }

            var gateway = Ipv4Address.TryParse(lb.DefaultRoute?.Trim(), out var route) && route.Value != 0 ? route : (Ipv4Address?)null;
            if (gateway != network.Gateway)
            {
                changes.Add($"default gateway ({gateway?.ToString() ?? "none"} → {network.Gateway?.ToString() ?? "none"})");
            }
        }

        var outside = lb.OwnAddresses().Where(a => !network.IsCandidate(a)).ToList();
        if (outside.Count > 0)
        {
            changes.Add($"addresses ({string.Join(", ", outside)} outside {network.AssignableText})");
        }

        return changes;
    }

    private ObservedLoadBalancer? ChoosePrimary(List<ObservedLoadBalancer> alive) =>
        alive
            .OrderByDescending(l => l.VipAddresses().Any(InIngress))
            .ThenByDescending(l => l.Availability == ApplianceAvailability.Available)
            .ThenByDescending(l => l.InstanceStatus == InstanceStatus.Up)
            .ThenBy(l => l.Id)
            .FirstOrDefault();

    private Ipv4Address? CurrentVip(ObservedLoadBalancer lb)
    {
        var vips = lb.VipAddresses();
        return vips.Count == 0 ? null : vips.OrderByDescending(InIngress).First();
    }

    private bool InIngress(Ipv4Address address) =>
        desired.Spec.CurrentIngress.Any(i => Ipv4Address.TryParse(i?.Trim(), out var a) && a == address);

    /// <summary>
    /// The VIP this Service holds (its VIP reservation on the network's switch, else its ingress IP) when the
    /// appliance shows another one or none: someone changed it behind our back, and the address it shows
    /// may belong to something else. Null when the current VIP is the Service's own, when the Service holds
    /// none, or when the held one has been taken since.
    /// </summary>
    private Ipv4Address? Restorable(Ipv4Address? current, List<AddressReservation> held, HashSet<Ipv4Address> inUse, HashSet<Ipv4Address> others)
    {
        var candidates = held
            .Where(r => r.SwitchId == network.SwitchId && r.Role == AddressRole.Vip)
            .Select(r => r.Address)
            .Concat(Ipv4Address.ParseAll(desired.Spec.CurrentIngress))
            .ToList();
        if (current is { } vip && candidates.Contains(vip))
        {
            return null;
        }

        return candidates
            .Where(a => IpAllocator.CheckRequested(a, network, inUse, others) is null)
            .Cast<Ipv4Address?>()
            .FirstOrDefault();
    }

    private Ipv4Address? PreferredIngress() =>
        Ipv4Address.ParseAll(desired.Spec.CurrentIngress).Cast<Ipv4Address?>().FirstOrDefault();

    private List<AddressReservation> Mine() => Planner.Mine(input);

    private HashSet<Ipv4Address> OthersReservedOn(long switchId) =>
        input.Reservations
            .Where(r => r is not null && r.SwitchId == switchId && !string.Equals(r.OwnerUid, input.ServiceUid, StringComparison.Ordinal))
            .Select(r => r.Address)
            .ToHashSet();

    private static string[] Ingress(Ipv4Address? vip) => vip is null ? [] : [vip.Value.ToString()];

    private static string PlanName(int id) => id switch
    {
        1 => "standard",
        2 => "premium",
        _ => $"plan {id}",
    };

    /// <summary>Addresses and VRID for a new appliance, or the problem that prevents one.</summary>
    private sealed record Allocation(AddressChoice Choice, int Vrid, ValidationProblem? Problem);

    private Plan Finish(ServicePhase phase, string reasonCode, string message, IReadOnlyList<string> ingress, LoadBalancerSummary? loadBalancer = null) =>
        new(steps, new PlanOutcome(phase, reasonCode, message, ingress, false, warnings, loadBalancer), replanAfter) { Drain = drain };

    /// <summary>
    /// The running load balancer as it will be once this plan's steps ran: its own plan and pairing (a change of
    /// either waits for a recreate), the desired real servers.
    /// </summary>
    private LoadBalancerSummary Summary(ObservedLoadBalancer primary) => new()
    {
        Id = primary.Id,
        Name = primary.Name,
        Plan = PlanName(primary.PlanId),
        HighAvailability = primary.OwnAddresses().Count > 1,
        RealServers = [.. desired.RealServers.Select(r => new RealServerSummary(r.NodeName, r.Address.ToString()))],
    };
}
