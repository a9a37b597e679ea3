using CsCheck;
using static SakuraLb.Reconcile.Tests.Fixtures;

namespace SakuraLb.Reconcile.Tests.Addressing;

public sealed class IpAllocatorTests
{
    private static AddressRequest Request(int own = 1, string? requested = null, string[]? inUse = null, AddressReservation[]? reservations = null) => new()
    {
        Network = Router,
        OwnerUid = Uid,
        OwnAddressCount = own,
        RequestedVip = requested is null ? null : Ip(requested),
        InUse = [.. (inUse ?? []).Select(Ip)],
        Reservations = reservations ?? [],
    };

    private static AddressReservation Reserved(string ip, string owner = "other", AddressRole role = AddressRole.Vip, long switchId = SwitchId) =>
        new(switchId, Ip(ip), owner, role);

    [Fact]
    public void Choose_EmptyBlock_TakesLowestForOwnThenVip()
    {
        var choice = IpAllocator.Choose(Request());

        Assert.True(choice.Succeeded);
        Assert.Equal([Ip("203.0.113.100")], choice.OwnAddresses);
        Assert.Equal(Ip("203.0.113.101"), choice.Vip);
    }

    [Fact]
    public void Choose_HighAvailability_TakesTwoOwnAddresses()
    {
        var choice = IpAllocator.Choose(Request(own: 2));

        Assert.Equal([Ip("203.0.113.100"), Ip("203.0.113.101")], choice.OwnAddresses);
        Assert.Equal(Ip("203.0.113.102"), choice.Vip);
    }

    [Fact]
    public void Choose_SkipsInUseAndOthersReservations_ButNotOtherSwitches()
    {
        var choice = IpAllocator.Choose(Request(
            inUse: ["203.0.113.100", "203.0.113.102"],
            reservations: [Reserved("203.0.113.101"), Reserved("203.0.113.103", switchId: 999)]));

        Assert.Equal([Ip("203.0.113.103")], choice.OwnAddresses);
        Assert.Equal(Ip("203.0.113.104"), choice.Vip);
    }

    [Fact]
    public void Choose_RequestedVip_IsNeverAlsoAnOwnAddress()
    {
        // The original handed free[0] out as IP1 even when it was the requested VIP.
        var choice = IpAllocator.Choose(Request(own: 2, requested: "203.0.113.100"));

        Assert.Equal(Ip("203.0.113.100"), choice.Vip);
        Assert.Equal([Ip("203.0.113.101"), Ip("203.0.113.102")], choice.OwnAddresses);
    }

    [Fact]
    public void Choose_Retry_ReturnsTheOwnersReservationsInTheirRoles()
    {
        var mine = new[] { Reserved("203.0.113.107", Uid, AddressRole.Own), Reserved("203.0.113.105", Uid, AddressRole.Vip) };

        var choice = IpAllocator.Choose(Request(reservations: mine));

        Assert.Equal([Ip("203.0.113.107")], choice.OwnAddresses);
        Assert.Equal(Ip("203.0.113.105"), choice.Vip);
        Assert.Equal(mine.OrderBy(r => r.Role).ToList(), choice.AsReservations(SwitchId, Uid).OrderBy(r => r.Role).ToList());
    }

    [Fact]
    public void Choose_PreferredVip_IsKeptWhenFree()
    {
        var choice = IpAllocator.Choose(Request() with { PreferredVip = Ip("203.0.113.109"), PreferredOwn = [Ip("203.0.113.108")] });

        Assert.Equal(Ip("203.0.113.109"), choice.Vip);
        Assert.Equal([Ip("203.0.113.108")], choice.OwnAddresses);
    }

    [Fact]
    public void Choose_VipOnly_ChoosesOneAddress()
    {
        var choice = IpAllocator.Choose(Request(own: 0, inUse: ["203.0.113.100"]));

        Assert.Empty(choice.OwnAddresses);
        Assert.Equal(Ip("203.0.113.101"), choice.Vip);
    }

    [Theory]
    [InlineData("203.0.113.99", "not assignable")]
    [InlineData("203.0.113.111", "not assignable")]
    [InlineData("203.0.113.97", "not assignable")]
    [InlineData("198.51.100.10", "not assignable")]
    [InlineData("203.0.113.104", "in use")]
    [InlineData("203.0.113.105", "reserved by another Service")]
    public void Choose_UnusableRequestedVip_ReportsWhy(string requested, string reason)
    {
        var choice = IpAllocator.Choose(Request(requested: requested, inUse: ["203.0.113.104"], reservations: [Reserved("203.0.113.105")]));

        Assert.False(choice.Succeeded);
        Assert.Equal(ReasonCodes.LoadBalancerIPUnavailable, choice.Problem!.Code);
        Assert.Contains(reason, choice.Problem.Message, StringComparison.Ordinal);
        Assert.Contains(requested, choice.Problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Choose_Exhausted_ReportsCountsAndRouter()
    {
        var inUse = Enumerable.Range(100, 9).Select(i => $"203.0.113.{i}").ToArray();

        var choice = IpAllocator.Choose(Request(own: 2, inUse: inUse, reservations: [Reserved("203.0.113.110")]));

        Assert.False(choice.Succeeded);
        Assert.Equal(ReasonCodes.AddressesExhausted, choice.Problem!.Code);
        Assert.Equal(
            "no free address in router k8s-router: 11 assignable, 9 in use, 1 reserved by other Services, 1 free; this load balancer needs 3",
            choice.Problem.Message);
    }

    [Fact]
    public void Choose_NodeAddressesTheCloudDoesNotReport_AreNeverHandedOut()
    {
        var choice = IpAllocator.Choose(Request(own: 2) with
        {
            HostAddresses = new Dictionary<Ipv4Address, string> { [Ip("203.0.113.100")] = "node w1", [Ip("203.0.113.102")] = "server w2" },
        });

        Assert.Equal([Ip("203.0.113.101"), Ip("203.0.113.103")], choice.OwnAddresses);
        Assert.Equal(Ip("203.0.113.104"), choice.Vip);
    }

    [Fact]
    public void Choose_RequestedVipIsANodeAddress_IsRefusedNamingTheNode()
    {
        var choice = IpAllocator.Choose(Request(requested: "203.0.113.105") with
        {
            HostAddresses = new Dictionary<Ipv4Address, string> { [Ip("203.0.113.105")] = "node worker-3" },
        });

        Assert.Equal(ReasonCodes.LoadBalancerIPUnavailable, choice.Problem!.Code);
        Assert.Contains("203.0.113.105 is an address of node worker-3", choice.Problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Choose_ExactlyEnough_Succeeds()
    {
        var inUse = Enumerable.Range(100, 9).Select(i => $"203.0.113.{i}").ToArray();

        var choice = IpAllocator.Choose(Request(inUse: inUse));

        Assert.Equal([Ip("203.0.113.109")], choice.OwnAddresses);
        Assert.Equal(Ip("203.0.113.110"), choice.Vip);
    }

    private static readonly Gen<AddressRequest> RequestGen =
        from prefix in Gen.Int[24, 29]
        from hostOffset in Gen.UInt[0x0A000000u, 0xDF000000u]
        from minOffset in Gen.Int[0, 20]
        from span in Gen.Int[0, 80]
        from own in Gen.Int[0, 2]
        from useRequested in Gen.Bool
        from requestedOffset in Gen.Int[-5, 100]
        from inUseOffsets in Gen.Int[-5, 100].Array[0, 40]
        from reservedOffsets in Gen.Int[-5, 100].Array[0, 20]
        from reservedMine in Gen.Bool.Array[20]
        from nodeOffsets in Gen.Int[-5, 100].Array[0, 10]
        select MakeRequest(prefix, hostOffset, minOffset, span, own, useRequested ? requestedOffset : null, inUseOffsets, reservedOffsets, reservedMine, nodeOffsets);

    private static AddressRequest MakeRequest(int prefix, uint seed, int minOffset, int span, int own, int? requestedOffset, int[] inUse, int[] reserved, bool[] mine, int[] nodes)
    {
        var block = new Ipv4Block(new Ipv4Address(seed), prefix);
        var min = block.Network.Add(minOffset);
        var router = Router with
        {
            Block = block,
            DefaultRoute = block.Network.Add(1),
            AssignableRange = new Ipv4Range(min, min.Add(span)),
        };
        return new AddressRequest
        {
            Network = router,
            OwnerUid = Uid,
            OwnAddressCount = own,
            RequestedVip = requestedOffset is { } r ? block.Network.Add(r) : null,
            InUse = [.. inUse.Select(o => block.Network.Add(o))],
            HostAddresses = nodes.Distinct().ToDictionary(o => block.Network.Add(o), o => $"node n{o}"),
            Reservations = [.. reserved.Select((o, i) => new AddressReservation(SwitchId, block.Network.Add(o), mine[i % mine.Length] ? Uid : "other", i % 2 == 0 ? AddressRole.Vip : AddressRole.Own))],
        };
    }

    [Fact]
    public void Choose_Property_ChosenAddressesAreFreeInRangeAndNeverReserved()
    {
        RequestGen.Sample(request =>
        {
            var choice = IpAllocator.Choose(request);
            if (!choice.Succeeded)
            {
                return choice.Problem!.Code is ReasonCodes.AddressesExhausted or ReasonCodes.LoadBalancerIPUnavailable;
            }

            var router = (RouterNetwork)request.Network;
            var forbidden = new HashSet<Ipv4Address>(request.InUse.Concat(request.HostAddresses.Keys));
            forbidden.UnionWith(request.Reservations.Where(r => r.OwnerUid != request.OwnerUid).Select(r => r.Address));
            forbidden.UnionWith([router.Block.Network, router.Block.Broadcast, router.Block.Network.Add(1), router.Block.Network.Add(2), router.Block.Network.Add(3), router.DefaultRoute]);
            var chosen = choice.OwnAddresses.Append(choice.Vip!.Value).ToList();
            return chosen.Count == request.OwnAddressCount + 1
                && chosen.Distinct().Count() == chosen.Count
                && chosen.All(a => router.AssignableRange.Contains(a) && router.Block.Contains(a) && !forbidden.Contains(a))
                && (request.RequestedVip is null || choice.Vip == request.RequestedVip)
                && (request.RequestedVip is not { } requested || !choice.OwnAddresses.Contains(requested));
        }, iter: 2000);
    }

    [Fact]
    public void Choose_Property_FailsOnlyWhenNotEnoughFreeAddresses()
    {
        RequestGen.Where(r => r.RequestedVip is null).Sample(request =>
        {
            var choice = IpAllocator.Choose(request);
            var others = request.Reservations.Where(r => r.OwnerUid != request.OwnerUid).Select(r => r.Address).ToHashSet();
            var free = request.Network.CandidateAddresses().Count(a => !request.InUse.Contains(a) && !request.HostAddresses.ContainsKey(a) && !others.Contains(a));
            return choice.Succeeded == (free >= request.OwnAddressCount + 1);
        }, iter: 2000);
    }

    [Fact]
    public void Choose_Property_RequestedVipFailsOnlyWhenUnusableOrTooFewOthersAreFree()
    {
        RequestGen.Where(r => r.RequestedVip is not null).Sample(request =>
        {
            var choice = IpAllocator.Choose(request);
            var requested = request.RequestedVip!.Value;
            var others = request.Reservations.Where(r => r.OwnerUid != request.OwnerUid).Select(r => r.Address).ToHashSet();
            bool Free(Ipv4Address a) => !request.InUse.Contains(a) && !request.HostAddresses.ContainsKey(a) && !others.Contains(a);
            var usable = request.Network.CandidateAddresses().Contains(requested) && Free(requested);
            var freeForOwn = request.Network.CandidateAddresses().Count(a => a != requested && Free(a));
            return choice.Problem?.Code switch
            {
                null => usable && freeForOwn >= request.OwnAddressCount,
                ReasonCodes.LoadBalancerIPUnavailable => !usable,
                ReasonCodes.AddressesExhausted => usable && freeForOwn < request.OwnAddressCount,
                _ => false,
            };
        }, iter: 2000);
    }

    [Fact]
    public void Choose_Property_IsDeterministic()
    {
        RequestGen.Sample(request => IpAllocator.Choose(request).AsReservations(SwitchId, Uid).SequenceEqual(IpAllocator.Choose(request).AsReservations(SwitchId, Uid)), iter: 500);
    }

    private static readonly SwitchNetwork Private = new SwitchRanges(new(Ip("10.240.0.0"), 16), new(Ip("10.240.100.0"), 24), Ip("10.240.0.1")).On(PrivateSwitch);

    private static AddressRequest OnPrivate(int own = 1, string? requested = null, IEnumerable<string>? inUse = null, AddressReservation[]? reservations = null) =>
        Request(own, requested, [.. inUse ?? []], reservations) with { Network = Private };

    [Fact]
    public void Choose_OnASwitch_TakesThePoolsFirstAddressesAsTheOriginalDid()
    {
        var single = IpAllocator.Choose(OnPrivate());
        var pair = IpAllocator.Choose(OnPrivate(own: 2));

        Assert.Equal([Ip("10.240.100.1")], single.OwnAddresses);
        Assert.Equal(Ip("10.240.100.2"), single.Vip);
        Assert.Equal([Ip("10.240.100.1"), Ip("10.240.100.2")], pair.OwnAddresses);
        Assert.Equal(Ip("10.240.100.3"), pair.Vip);
    }

    [Fact]
    public void Choose_OnASwitch_SearchesTheWholePoolNotJustAsManyAddressesAsThePrefixLength()
    {
        // The original tried the pool's network address + 1 .. + (prefix length - 1): 23 addresses of a /24.
        var taken = Enumerable.Range(1, 200).Select(i => $"10.240.100.{i}");

        var choice = IpAllocator.Choose(OnPrivate(inUse: taken, reservations: [Reserved("10.240.100.201", switchId: PrivateSwitchId)]));

        Assert.Equal([Ip("10.240.100.202")], choice.OwnAddresses);
        Assert.Equal(Ip("10.240.100.203"), choice.Vip);
    }

    [Fact]
    public void Choose_OnASwitch_ReservationsOfTheRouterSwitchDoNotCount()
    {
        var choice = IpAllocator.Choose(OnPrivate(reservations: [Reserved("10.240.100.1"), Reserved("10.240.100.2", switchId: PrivateSwitchId)]));

        Assert.Equal([Ip("10.240.100.1")], choice.OwnAddresses);
        Assert.Equal(Ip("10.240.100.3"), choice.Vip);
    }

    [Fact]
    public void Choose_OnASwitch_ExhaustedPoolIsCountedWithoutWalkingIt()
    {
        var tiny = new SwitchRanges(new(Ip("10.0.0.0"), 8), new(Ip("10.240.100.0"), 30), null).On(PrivateSwitch);

        var choice = IpAllocator.Choose(OnPrivate(own: 2) with { Network = tiny });

        Assert.Equal(
            "no free address in switch k8s-private: 2 assignable, 0 in use, 0 reserved by other Services, 2 free; this load balancer needs 3",
            choice.Problem!.Message);
    }

    [Theory]
    [InlineData("10.240.0.1", "not assignable in switch k8s-private")]
    [InlineData("10.240.101.1", "not assignable in switch k8s-private")]
    [InlineData("10.240.100.9", "in use on switch k8s-private")]
    public void Choose_OnASwitch_UnusableRequestedVip_ReportsWhy(string requested, string reason)
    {
        var choice = IpAllocator.Choose(OnPrivate(requested: requested, inUse: ["10.240.100.9"]));

        Assert.Equal(ReasonCodes.LoadBalancerIPUnavailable, choice.Problem!.Code);
        Assert.Contains(reason, choice.Problem.Message, StringComparison.Ordinal);
    }

    /// <summary>Any network of /8–/29, a pool inside it down to a /32, a gateway maybe in the pool, addresses in use and reserved around the pool.</summary>
    private static readonly Gen<AddressRequest> SwitchRequestGen =
        from networkPrefix in Gen.Int[8, 29]
        from extra in Gen.Int[0, 24]
        from seed in Gen.UInt[0x0A000000u, 0xDF000000u]
        from poolSeed in Gen.UInt
        from own in Gen.Int[0, 2]
        from gatewayOffset in Gen.Int[-2, 12]
        from useRequested in Gen.Bool
        from requestedOffset in Gen.Int[-2, 40]
        from inUseOffsets in Gen.Int[-2, 40].Array[0, 30]
        from reservedOffsets in Gen.Int[-2, 40].Array[0, 15]
        from reservedMine in Gen.Bool.Array[15]
        select MakeSwitchRequest(networkPrefix, Math.Min(32, networkPrefix + extra), seed, poolSeed, own, gatewayOffset, useRequested ? requestedOffset : null, inUseOffsets, reservedOffsets, reservedMine);

    private static AddressRequest MakeSwitchRequest(int networkPrefix, int poolPrefix, uint seed, uint poolSeed, int own, int gatewayOffset, int? requestedOffset, int[] inUse, int[] reserved, bool[] mine)
    {
        var network = new Ipv4Block(new Ipv4Address(seed), networkPrefix);
        var hostBits = 32 - networkPrefix;
        var inside = hostBits == 0 ? 0u : poolSeed & (uint.MaxValue >> (32 - hostBits));
        var pool = new Ipv4Block(network.Network.Add(inside), poolPrefix);
        Ipv4Address? gateway = gatewayOffset < 0 ? null : pool.Network.Add(gatewayOffset);
        if (gateway is { } g && (!network.Contains(g) || g == network.Network || g == network.Broadcast))
        {
            gateway = null;
        }

        return new AddressRequest
        {
            Network = new SwitchRanges(network, pool, gateway).On(PrivateSwitch),
            OwnerUid = Uid,
            OwnAddressCount = own,
            RequestedVip = requestedOffset is { } r ? pool.Network.Add(r) : null,
            InUse = [.. inUse.Select(o => pool.Network.Add(o))],
            Reservations = [.. reserved.Select((o, i) => new AddressReservation(PrivateSwitchId, pool.Network.Add(o), mine[i] ? Uid : "other", i % 2 == 0 ? AddressRole.Vip : AddressRole.Own))],
        };
    }

    [Fact]
    public void Choose_Property_OnASwitch_ChosenAddressesAreInThePoolFreeAndUnreserved()
    {
        SwitchRequestGen.Sample(request =>
        {
            var network = (SwitchNetwork)request.Network;
            var choice = IpAllocator.Choose(request);
            var othersReserved = request.Reservations.Where(r => r.OwnerUid != request.OwnerUid).Select(r => r.Address).ToHashSet();
            if (!choice.Succeeded)
            {
                // Failing is right only when the pool (searched to its end) has too few free addresses or the VIP is unusable.
                var enough = network.CandidateCount() - request.InUse.Distinct().Count(network.IsCandidate)
                    - othersReserved.Count(a => network.IsCandidate(a) && !request.InUse.Contains(a)) >= request.OwnAddressCount + 1;
                return choice.Problem!.Code switch
                {
                    ReasonCodes.AddressesExhausted => !enough || request.RequestedVip is not null,
                    ReasonCodes.LoadBalancerIPUnavailable => request.RequestedVip is not null,
                    _ => false,
                };
            }

            var pool = SwitchRanges.HostRange(network.Pool);
            var chosen = choice.OwnAddresses.Append(choice.Vip!.Value).ToList();
            return chosen.Count == request.OwnAddressCount + 1
                && chosen.Distinct().Count() == chosen.Count
                && chosen.All(a => pool.Contains(a)
                    && network.Block.Contains(a)
                    && a != network.Block.Network && a != network.Block.Broadcast && a != network.Gateway
                    && !request.InUse.Contains(a)
                    && !othersReserved.Contains(a))
                && (request.RequestedVip is null || choice.Vip == request.RequestedVip);
        }, iter: 3000);
    }

    [Fact]
    public void VridChooser_Choose_LowestFreeOnTheSameSwitch()
    {
        ObservedLoadBalancer Lb(long id, int? vrid, long switchId = SwitchId) => new() { Id = id, Vrid = vrid, SwitchId = switchId };

        Assert.Equal(1, VridChooser.Choose([], SwitchId));
        Assert.Equal(3, VridChooser.Choose([Lb(1, 1), Lb(2, 2), Lb(3, 4), Lb(4, 3, switchId: 7)], SwitchId));
        Assert.Equal(2, VridChooser.Choose([Lb(1, 1), Lb(2, 2), Lb(3, null)], SwitchId, ignoreIds: [2]));
        Assert.Null(VridChooser.Choose(Enumerable.Range(1, 255).Select(i => Lb(i, i)), SwitchId));
    }
}
