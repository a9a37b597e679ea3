namespace SakuraLb.Reconcile.Addressing;

/// <summary>What one load balancer needs from its network (a router's block, or a switch-type Service's pool).</summary>
public sealed record AddressRequest
{
    public required LoadBalancerNetwork Network { get; init; }

    /// <summary>The Service UID the addresses are for; its own reservations count as free for it.</summary>
    public required string OwnerUid { get; init; }

    /// <summary>Own addresses of the appliance: 1 single, 2 for an HA pair.</summary>
    public int OwnAddressCount { get; init; } = 1;

    /// <summary>spec.loadBalancerIP or the load-balancer-ip annotation.</summary>
    public Ipv4Address? RequestedVip { get; init; }

    /// <summary>Addresses used on the switch by anything else (NICs, other appliances' own IPs and VIPs).</summary>
    public IReadOnlyCollection<Ipv4Address> InUse { get; init; } = [];

    /// <summary>Addresses of nodes and servers (<see cref="Nodes.HostAddresses"/>) with who holds each: in use, and named when requested.</summary>
    public IReadOnlyDictionary<Ipv4Address, string> HostAddresses { get; init; } = new Dictionary<Ipv4Address, string>();

    /// <summary>Reservation rows on the switch (every owner's; other switches are ignored).</summary>
    public IReadOnlyCollection<AddressReservation> Reservations { get; init; } = [];

    /// <summary>VIP to keep if it is still usable (the VIP of an appliance being replaced, or the Service's current ingress IP).</summary>
    public Ipv4Address? PreferredVip { get; init; }

    /// <summary>Own addresses to keep if they are still usable (those of an appliance being replaced).</summary>
    public IReadOnlyCollection<Ipv4Address> PreferredOwn { get; init; } = [];
}

/// <summary>The outcome of a choice: the addresses, or a reason and a message with counts.</summary>
public sealed record AddressChoice
{
    public IReadOnlyList<Ipv4Address> OwnAddresses { get; init; } = [];

    public Ipv4Address? Vip { get; init; }

    public ValidationProblem? Problem { get; init; }

    public bool Succeeded => Problem is null;

    /// <summary>The choice as reservation rows for <paramref name="ownerUid"/>.</summary>
    public IReadOnlyList<AddressReservation> AsReservations(long switchId, string ownerUid) =>
        Vip is null
            ? []
            : [new AddressReservation(switchId, Vip.Value, ownerUid, AddressRole.Vip),
               .. OwnAddresses.Select(a => new AddressReservation(switchId, a, ownerUid, AddressRole.Own))];
}

/// <summary>
/// Chooses a load balancer's own address(es) and VIP. Free = the network's candidate addresses (the
/// assignable range inside the block, minus its reserved addresses), minus what is in use, minus other
/// Services' reservations. Only as many candidates are looked at as are needed, so a large pool costs nothing. The owner's
/// own reservations come first (in their role), then preferred addresses, then the lowest free ones, so a
/// retried allocation returns the same addresses. With <see cref="AddressRequest.OwnAddressCount"/> 0 it
/// chooses a VIP alone (moving the VIP of a running appliance). A requested VIP is never handed out as an own address.
/// </summary>
public static class IpAllocator
{
    public static AddressChoice Choose(AddressRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var network = request.Network;
        var inUse = request.InUse.Concat(request.HostAddresses.Keys).ToHashSet();
        var onSwitch = request.Reservations.Where(r => r is not null && r.SwitchId == network.SwitchId).ToList();
        var reservedByOthers = onSwitch
            .Where(r => !string.Equals(r.OwnerUid, request.OwnerUid, StringComparison.Ordinal))
            .Select(r => r.Address)
            .ToHashSet();
        var mine = onSwitch
            .Where(r => string.Equals(r.OwnerUid, request.OwnerUid, StringComparison.Ordinal))
            .OrderBy(r => r.Address)
            .ToList();

        bool Usable(Ipv4Address a) => network.IsCandidate(a) && !inUse.Contains(a) && !reservedByOthers.Contains(a);

        Ipv4Address vip;
        if (request.RequestedVip is { } requested)
        {
            var problem = CheckRequested(requested, network, inUse, reservedByOthers, request.HostAddresses);
            if (problem is not null)
            {
                return new AddressChoice { Problem = problem };
            }

            vip = requested;
        }
        else
        {
            Ipv4Address? picked = mine.Where(r => r.Role == AddressRole.Vip).Select(r => r.Address).Where(Usable).Cast<Ipv4Address?>().FirstOrDefault()
                ?? (request.PreferredVip is { } preferred && Usable(preferred) ? preferred : null);
            if (picked is null)
            {
                // Own addresses take the lowest free ones first (as the original did: IP1, [IP2], VIP).
                var free = Free(network, Usable, request.OwnAddressCount + 1, exclude: []);
                if (free.Count <= request.OwnAddressCount)
                {
                    return new AddressChoice { Problem = Exhausted(network, inUse, reservedByOthers, request.OwnAddressCount + 1) };
                }

                picked = free[request.OwnAddressCount];
            }

            vip = picked.Value;
        }

        var own = new List<Ipv4Address>();
        void Take(IEnumerable<Ipv4Address> source)
        {
            foreach (var a in source)
            {
                if (own.Count < request.OwnAddressCount && a != vip && !own.Contains(a) && Usable(a))
                {
                    own.Add(a);
                }
            }
        }

        Take(mine.Where(r => r.Role == AddressRole.Own).Select(r => r.Address));
        Take(request.PreferredOwn.Order());
        if (own.Count < request.OwnAddressCount)
        {
            Take(Free(network, Usable, request.OwnAddressCount + 1, exclude: [vip, .. own]));
        }

        if (own.Count < request.OwnAddressCount)
        {
            return new AddressChoice { Problem = Exhausted(network, inUse, reservedByOthers, request.OwnAddressCount + 1) };
        }

        own.Sort();
        return new AddressChoice { OwnAddresses = own, Vip = vip };
    }

    /// <summary>Why a requested VIP cannot be used, or null when it can.</summary>
    /// <param name="hosts">Addresses of nodes and servers, with who holds each (named in the refusal).</param>
    public static ValidationProblem? CheckRequested(
        Ipv4Address requested,
        LoadBalancerNetwork network,
        IReadOnlySet<Ipv4Address> inUse,
        IReadOnlySet<Ipv4Address> reservedByOthers,
        IReadOnlyDictionary<Ipv4Address, string>? hosts = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inUse);
        ArgumentNullException.ThrowIfNull(reservedByOthers);
        if (NotAssignable(requested, network) is { } problem)
        {
            return problem;
        }

        if (hosts is not null && hosts.TryGetValue(requested, out var holder))
        {
            return new ValidationProblem(
                ReasonCodes.LoadBalancerIPUnavailable,
                $"the requested load-balancer IP {requested} is an address of {holder}: a load balancer on it would make that host or itself unreachable",
                "spec.loadBalancerIP");
        }

        if (inUse.Contains(requested))
        {
            return new ValidationProblem(
                ReasonCodes.LoadBalancerIPUnavailable,
                $"the requested load-balancer IP {requested} is already in use on {network.SwitchLabel}",
                "spec.loadBalancerIP");
        }

        if (reservedByOthers.Contains(requested))
        {
            return new ValidationProblem(
                ReasonCodes.LoadBalancerIPUnavailable,
                $"the requested load-balancer IP {requested} is reserved by another Service",
                "spec.loadBalancerIP");
        }

        return null;
    }

    /// <summary>
    /// Why a requested VIP can never be used on <paramref name="network"/> (outside its assignable range, or one
    /// of its reserved addresses), or null. Needs no cloud state, so the builder reports it with the spec errors.
    /// </summary>
    internal static ValidationProblem? NotAssignable(Ipv4Address requested, LoadBalancerNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.IsCandidate(requested)
            ? null
            : new ValidationProblem(
                ReasonCodes.LoadBalancerIPUnavailable,
                $"the requested load-balancer IP {requested} is not assignable in {network.Label}: use an address in {network.AssignableText}",
                "spec.loadBalancerIP");
    }

    private static List<Ipv4Address> Free(LoadBalancerNetwork network, Func<Ipv4Address, bool> usable, int wanted, IReadOnlyCollection<Ipv4Address> exclude)
    {
        var result = new List<Ipv4Address>(wanted);
        foreach (var a in network.CandidateAddresses())
        {
            if (usable(a) && !exclude.Contains(a))
            {
                result.Add(a);
                if (result.Count == wanted)
                {
                    break;
                }
            }
        }

        return result;
    }

    /// <summary>The counts, from the sets rather than the candidates: a pool may be far larger than what is in use.</summary>
    private static ValidationProblem Exhausted(LoadBalancerNetwork network, HashSet<Ipv4Address> inUse, HashSet<Ipv4Address> reservedByOthers, int needed)
    {
        var candidates = network.CandidateCount();
        var used = inUse.Count(network.IsCandidate);
        var reserved = reservedByOthers.Count(a => network.IsCandidate(a) && !inUse.Contains(a));
        var free = candidates - used - reserved;
        return new ValidationProblem(
            ReasonCodes.AddressesExhausted,
            $"no free address in {network.Label}: {candidates} assignable, {used} in use, {reserved} reserved by other Services, {free} free; this load balancer needs {needed}");
    }
}
