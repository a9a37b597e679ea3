using System.Globalization;

namespace SakuraLb.Reconcile.Tests.Planning;

/// <summary>
/// A model of the actual state (appliances on one switch, reservations, other used addresses) that
/// applies plan steps the way the activities and the Sakura API would, and refuses what the API refuses
/// (deleting a running appliance, configuring one that is not up, reusing an address or a VRID).
/// </summary>
internal sealed class CloudModel
{
    private long nextId = 900000000001;
    private long? lastCreated;

    public List<ObservedLoadBalancer> LoadBalancers { get; } = [];

    public List<AddressReservation> Reservations { get; } = [];

    /// <summary>Addresses used by servers and other things on the switch.</summary>
    public HashSet<Ipv4Address> OtherInUse { get; } = [];

    public int Applied { get; private set; }

    /// <summary>What the function app would read: the desired router's switch (the fixture's unless <paramref name="desired"/> says otherwise).</summary>
    public PlanInput Input(ServiceIntent intent, string uid, DesiredLoadBalancer? desired, ControllerSettings settings)
    {
        var switchId = desired?.Network.SwitchId ?? Fixtures.SwitchId;
        return new()
        {
            Intent = intent,
            ServiceUid = uid,
            Settings = settings,
            Desired = desired,
            Found = [.. LoadBalancers.Where(l => l.Name == LoadBalancerNaming.Name(uid) || LoadBalancerNaming.ServiceUidsOf(l.Tags).Contains(uid))],
            OnSwitch = [.. LoadBalancers.Where(l => l.SwitchId == switchId)],
            AddressesInUse = [.. OtherInUse.Concat(LoadBalancers.Where(l => l.SwitchId == switchId).SelectMany(l => l.Addresses())).Distinct()],
            Reservations = [.. Reservations],
        };
    }

    public void Apply(Plan plan)
    {
        foreach (var step in plan.Steps)
        {
            Apply(step);
        }
    }

    public void Apply(PlanStep step)
    {
        Applied++;
        switch (step)
        {
            case ReserveAddresses r:
                foreach (var row in r.Addresses)
                {
                    var existing = Reservations.FirstOrDefault(x => x.SwitchId == row.SwitchId && x.Address == row.Address);
                    if (existing is not null && existing.OwnerUid != row.OwnerUid)
                    {
                        throw new InvalidOperationException($"reservation conflict on {row.Address}");
                    }

                    Require(!OtherInUse.Contains(row.Address), $"reserved {row.Address}, which a server on the switch uses");

                    Reservations.Remove(existing!);
                    Reservations.Add(row);
                }

                break;
            case ReleaseAddresses r:
                Reservations.RemoveAll(x => r.Addresses.Any(a => a.SwitchId == x.SwitchId && a.Address == x.Address && a.OwnerUid == x.OwnerUid));
                break;
            case CreateLoadBalancer c:
                Create(c.Spec);
                break;
            case WaitUntilUp w:
                Update(w.LoadBalancerId ?? lastCreated!.Value, lb =>
                {
                    Require(lb.Availability != ApplianceAvailability.Failed, "waiting for a failed appliance");
                    return lb with { Availability = ApplianceAvailability.Available, InstanceStatus = lb.InstanceStatus == InstanceStatus.Down ? InstanceStatus.Down : InstanceStatus.Up };
                });
                break;
            case Boot b:
                Update(b.LoadBalancerId, lb =>
                {
                    Require(lb.InstanceStatus == InstanceStatus.Down, "boot of an appliance that is not down");

                    // Booting takes minutes: the appliance is up only after a wait.
                    return lb with { InstanceStatus = InstanceStatus.Unknown };
                });
                break;
            case UpdateTags t:
                Update(t.LoadBalancerId, lb => lb with { Tags = t.Tags, Description = t.Description });
                break;
            case UpdateSettings s:
                Update(s.LoadBalancerId, lb =>
                {
                    Require(lb.InstanceStatus == InstanceStatus.Up, "settings written to an appliance that is not up");
                    Require(s.SettingsHash == lb.SettingsHash, "stale settings hash");
                    var taken = OtherInUse.Concat(LoadBalancers.Where(l => l.Id != lb.Id && l.SwitchId == lb.SwitchId).SelectMany(l => l.Addresses())).ToHashSet();
                    Require(!s.Settings.Any(v => taken.Contains(v.VirtualIPAddress)), "settings moved the VIP onto an address in use");
                    return lb with { Vips = ToWire(s.Settings), SettingsHash = Hash(s.Settings) };
                });
                break;
            case ApplyConfig a:
                Update(a.LoadBalancerId ?? lastCreated!.Value, lb =>
                {
                    Require(lb.InstanceStatus == InstanceStatus.Up, "config applied on an appliance that is not up");
                    return lb;
                });
                break;
            case ShutDown d:
                Update(d.LoadBalancerId, lb => lb with { InstanceStatus = lb.InstanceStatus == InstanceStatus.Down ? InstanceStatus.Down : InstanceStatus.Cleaning });
                break;
            case WaitUntilDown d:
                Update(d.LoadBalancerId, lb => lb with { InstanceStatus = InstanceStatus.Down });
                break;
            case DeleteLoadBalancer d:
                var target = LoadBalancers.Single(l => l.Id == d.LoadBalancerId);
                Require(target.InstanceStatus is not (InstanceStatus.Up or InstanceStatus.Cleaning), "deleting an appliance that is not down");
                Require(target.Availability != ApplianceAvailability.Migrating, "deleting a migrating appliance");
                LoadBalancers.Remove(target);
                break;
            case Report:
                break;
            default:
                throw new InvalidOperationException("unknown step " + step);
        }
    }

    public ObservedLoadBalancer Add(ObservedLoadBalancer lb)
    {
        var added = lb with { Id = lb.Id == 0 ? nextId++ : lb.Id };
        LoadBalancers.Add(added);
        return added;
    }

    private void Create(LoadBalancerCreation spec)
    {
        var used = OtherInUse.Concat(LoadBalancers.Where(l => l.SwitchId == spec.SwitchId).SelectMany(l => l.Addresses())).ToHashSet();
        Require(!spec.OwnAddresses.Append(spec.Vip).Any(used.Contains), "created with an address in use");
        Require(!LoadBalancers.Any(l => l.SwitchId == spec.SwitchId && l.Vrid == spec.Vrid), "VRID already used on the switch");
        Require(spec.OwnAddresses.Count == (spec.HighAvailability ? 2 : 1), "own address count does not match HA");
        var id = nextId++;
        lastCreated = id;
        LoadBalancers.Add(new ObservedLoadBalancer
        {
            Id = id,
            Name = spec.Name,
            Description = spec.Description,
            Tags = spec.Tags,
            Availability = ApplianceAvailability.Migrating,
            InstanceStatus = InstanceStatus.Unknown,
            SwitchId = spec.SwitchId,
            Vrid = spec.Vrid,
            OwnIps = [.. spec.OwnAddresses.Select(a => a.ToString())],
            PlanId = (int)spec.Plan,
            NetworkMaskLen = spec.NetworkMaskLen,
            DefaultRoute = spec.DefaultRoute?.ToString(),
            Vips = ToWire(spec.Settings),
            SettingsHash = Hash(spec.Settings),
        });
    }

    private void Update(long id, Func<ObservedLoadBalancer, ObservedLoadBalancer> change)
    {
        var index = LoadBalancers.FindIndex(l => l.Id == id);
        Require(index >= 0, $"appliance {id} does not exist");
        LoadBalancers[index] = change(LoadBalancers[index]);
    }

    private static void Require(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException(what);
        }
    }

    /// <summary>The settings as the API returns them: strings for numbers and flags, entries in API order.</summary>
    public static IReadOnlyList<ObservedVip> ToWire(IEnumerable<VipSetting> settings) =>
        [.. settings.Reverse().Select(s => new ObservedVip
        {
            VirtualIPAddress = s.VirtualIPAddress.ToString(),
            Port = s.Port.ToString(CultureInfo.InvariantCulture),
            DelayLoop = s.DelayLoopSeconds.ToString(CultureInfo.InvariantCulture),
            SorryServer = s.SorryServer?.ToString() ?? "",
            Description = "",
            Servers = [.. s.Servers.Reverse().Select(r => new ObservedRealServer
            {
                IPAddress = r.IPAddress.ToString(),
                Port = r.Port.ToString(CultureInfo.InvariantCulture),
                Enabled = r.Enabled ? "True" : "False",
                HealthCheck = new ObservedHealthCheck
                {
                    Protocol = r.HealthCheck.WireProtocol,
                    Path = r.HealthCheck.Path,
                    Status = r.HealthCheck.Status?.ToString(CultureInfo.InvariantCulture),
                    Retry = r.HealthCheck.Retry?.ToString(CultureInfo.InvariantCulture),
                    ConnectTimeout = r.HealthCheck.ConnectTimeoutSeconds?.ToString(CultureInfo.InvariantCulture),
                },
            })],
        })];

    private static string Hash(IEnumerable<VipSetting> settings) =>
        string.Join(";", settings.Select(s => $"{s.VirtualIPAddress}:{s.Port}:{s.Servers.Count}")).GetHashCode(StringComparison.Ordinal).ToString("x", CultureInfo.InvariantCulture);
}
