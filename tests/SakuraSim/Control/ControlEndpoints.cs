using System.Globalization;
using System.Text.Json.Nodes;
using SakuraSim.Faults;
using SakuraSim.Lifecycle;
using SakuraSim.Model;
using SakuraSim.Pipeline;
using SakuraSim.Telemetry;
using SakuraSim.Validation;
using SakuraSim.Wire;

namespace SakuraSim.Control;

/// <summary>
/// Test-only endpoints under <c>/_sim</c>, outside the API root: seeding, inspection, faults, the
/// request log and the clock. Documented in docs/sakura-simulator.md.
/// </summary>
internal static class ControlEndpoints
{
    public static void MapControl(this IEndpointRouteBuilder app, Simulator sim, ILogger logger)
    {
        var control = app.MapGroup("/_sim");
        control.MapPost("/reset", async http =>
        {
            var body = await ControlBody.ReadAsync(http.Request, required: false, http.RequestAborted);
            var seed = body.Bool("seedDefaultTopology") ?? false;
            body.ThrowIfInvalid();
            sim.Reset(seed);
            logger.Reset(seed);
            await ApiResponses.WriteControlAsync(http, 200, new JsonObject { ["reset"] = true, ["seedDefaultTopology"] = seed });
        });

        control.MapGet("/state", http => Locked(http, sim, 200, () => StateSnapshot.Render(sim)));
        control.MapGet("/config", http => ApiResponses.WriteControlAsync(http, 200, ConfigJson(sim)));
        control.MapPut("/config", http => PutConfigAsync(http, sim));

        control.MapPost("/routers", async http =>
        {
            var body = await ControlBody.ReadAsync(http.Request, required: true, http.RequestAborted);
            var zone = body.Zone();
            var name = body.String("name", required: true);
            var mask = body.Int("networkMaskLen", 24, 29) ?? 28;
            var bandwidth = body.Int("bandWidthMbps", 100, 5000) ?? 100;
            var network = body.Address("networkAddress");
            var tags = body.Tags();
            var description = body.String("description") ?? "";
            body.ThrowIfInvalid();
            await Locked(http, sim, 201, () =>
                sim.Renderer.Internet(Topology.AddRouter(sim.State, zone, name!, description, tags, mask, bandwidth, network, sim.Now)));
        });

        control.MapPost("/switches", async http =>
        {
            var body = await ControlBody.ReadAsync(http.Request, required: true, http.RequestAborted);
            var zone = body.Zone();
            var name = body.String("name", required: true);
            var tags = body.Tags();
            var description = body.String("description") ?? "";
            UserSubnet? userSubnet = null;
            if (body.Object("userSubnet") is { } us)
            {
                var sub = new ControlBody(us);
                // Without a default route the API shows "0.0.0.0" (iaas-api-go naked/user_subnet.go).
                var route = sub.Address("defaultRoute") ?? new Ipv4(0);
                var mask = sub.Int("networkMaskLen", 8, 29);
                if (mask is null && sub.Errors.Count == 0)
                {
                    sub.Errors.Add("The property networkMaskLen is required");
                }

                body.Errors.AddRange(sub.Errors.Select(e => "userSubnet: " + e));
                if (mask is { } m)
                {
                    userSubnet = new UserSubnet(route, m);
                }
            }

            body.ThrowIfInvalid();
            await Locked(http, sim, 201, () =>
                sim.Renderer.Switch(Topology.AddSwitch(sim.State, zone, name!, description, tags, userSubnet, sim.Now)));
        });

        control.MapPost("/servers", async http =>
        {
            var body = await ControlBody.ReadAsync(http.Request, required: true, http.RequestAborted);
            var zone = body.Zone();
            var name = body.String("name", required: true);
            var hostName = body.String("hostName") ?? name;
            var tags = body.Tags();
            var description = body.String("description") ?? "";
            var isUp = ParsePower(body, "status") ?? true;
            var plan = ParsePlan(body);
            var availability = ParseAvailability(body);
            var nics = new List<NicSpec>();
            if (body.Array("interfaces") is { } interfaces)
            {
                foreach (var item in interfaces)
                {
                    if (item is not JsonObject nicObj)
                    {
                        body.Errors.Add("interfaces must hold objects {\"switchId\",\"ipAddress\"} or {\"sharedSegment\":true}");
                        continue;
                    }

                    var nic = new ControlBody(nicObj);
                    nics.Add(ParseNic(nic));
                    body.Errors.AddRange(nic.Errors);
                }
            }
            else if (!body.Has("interfaces"))
            {
                nics.Add(ParseNic(body));
            }

            body.ThrowIfInvalid();
            await Locked(http, sim, 201, () =>
                sim.Renderer.Server(Topology.AddServer(sim.State, zone, name!, hostName!, description, tags, nics, isUp, sim.Now, plan, availability)));
        });

        control.MapPost("/servers/{id}/interfaces", async http =>
        {
            var body = await ControlBody.ReadAsync(http.Request, required: true, http.RequestAborted);
            var spec = ParseNic(body);
            body.ThrowIfInvalid();
            var id = RouteId(http);
            await Locked(http, sim, 201, () =>
            {
                var server = sim.State.Servers.GetValueOrDefault(id) ?? throw SakuraApiException.NotFound($"Server {id} was not found");
                return sim.Renderer.Server(Topology.AddNic(sim.State, server, spec));
            });
        });

        control.MapPost("/servers/{id}/health", async http =>
        {
            var body = await ControlBody.ReadAsync(http.Request, required: true, http.RequestAborted);
            var change = HealthChange.Parse(body, addressRequired: false);
            body.ThrowIfInvalid();
            var id = RouteId(http);
            await Locked(http, sim, 200, () =>
            {
                var server = sim.State.Servers.GetValueOrDefault(id) ?? throw SakuraApiException.NotFound($"Server {id} was not found");
                var addresses = server.Interfaces.Where(n => n.Address is not null).Select(n => n.Address!.Value).Distinct().ToList();
                if (change.Address is { } only)
                {
                    addresses = addresses.Contains(only)
                        ? [only]
                        : throw SakuraApiException.BadRequest($"Server {id} has no NIC with the address {only}");
                }

                if (addresses.Count == 0)
                {
                    throw SakuraApiException.BadRequest($"Server {id} has no NIC with an address: no real server can be it");
                }

                return change.Apply(sim.State, server.Zone, addresses);
            });
        });

        control.MapPost("/health", async http =>
        {
            var body = await ControlBody.ReadAsync(http.Request, required: true, http.RequestAborted);
            var zone = body.Zone();
            var change = HealthChange.Parse(body, addressRequired: true);
            body.ThrowIfInvalid();
            await Locked(http, sim, 200, () => change.Apply(sim.State, zone, [change.Address!.Value]));
        });

        control.MapPost("/servers/{id}/power", async http =>
        {
            var isUp = await ReadPowerAsync(http);
            var id = RouteId(http);
            await Locked(http, sim, 200, () =>
            {
                var server = sim.State.Servers.GetValueOrDefault(id) ?? throw SakuraApiException.NotFound($"Server {id} was not found");
                var changed = server with { IsUp = isUp, StatusChangedAt = server.IsUp == isUp ? server.StatusChangedAt : sim.Now };
                sim.State.Servers[id] = changed;
                return sim.Renderer.Server(changed);
            });
        });

        control.MapDelete("/servers/{id}", http => Locked(http, sim, 200, () =>
        {
            var id = RouteId(http);
            return sim.State.Servers.Remove(id)
                ? new JsonObject { ["deleted"] = id }
                : throw SakuraApiException.NotFound($"Server {id} was not found");
        }));

        control.MapPost("/appliances", http => SeedApplianceAsync(http, sim));
        control.MapPost("/appliances/{id}/fail", http => Locked(http, sim, 200, () =>
            SetTerminal(sim, RouteId(http), AppliancePhase.Failed)));
        control.MapPost("/appliances/{id}/power", async http =>
        {
            var isUp = await ReadPowerAsync(http);
            await Locked(http, sim, 200, () =>
                SetTerminal(sim, RouteId(http), isUp ? AppliancePhase.Up : AppliancePhase.Down));
        });
        control.MapDelete("/appliances/{id}", http => Locked(http, sim, 200, () =>
        {
            var id = RouteId(http);
            return sim.State.Appliances.Remove(id)
                ? new JsonObject { ["deleted"] = id }
                : throw SakuraApiException.NotFound($"Appliance {id} was not found");
        }));

        control.MapGet("/requests", http => ApiResponses.WriteControlAsync(http, 200, sim.Requests.ToJson()));
        control.MapDelete("/requests", http =>
        {
            sim.Requests.Clear();
            http.Response.StatusCode = 204;
            return Task.CompletedTask;
        });

        control.MapPost("/clock/advance", async http =>
        {
            var body = await ControlBody.ReadAsync(http.Request, required: true, http.RequestAborted);
            var seconds = body.Number("seconds", 0, 86_400 * 365);
            if (seconds is null && body.Errors.Count == 0)
            {
                body.Errors.Add("The property seconds is required");
            }

            body.ThrowIfInvalid();
            sim.Clock.Advance(TimeSpan.FromSeconds(seconds!.Value));
            await ApiResponses.WriteControlAsync(http, 200, new JsonObject
            {
                ["now"] = WireFormat.Timestamp(sim.Now),
                ["offsetSeconds"] = sim.Clock.Offset.TotalSeconds,
            });
        });
    }

    private static long RouteId(HttpContext http)
    {
        var text = http.Request.RouteValues["id"] as string;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw SakuraApiException.NotFound($"'{text}' is not an ID");
    }

    /// <summary>The body of an out-of-band power change: <c>{"status":"up"|"down"}</c>, required.</summary>
    private static async Task<bool> ReadPowerAsync(HttpContext http)
    {
        var body = await ControlBody.ReadAsync(http.Request, required: true, http.RequestAborted);
        var isUp = ParsePower(body, "status");
        if (isUp is null && body.Errors.Count == 0)
        {
            body.Errors.Add("The property status is required (\"up\" or \"down\")");
        }

        body.ThrowIfInvalid();
        return isUp!.Value;
    }

    /// <summary>A NIC spec from <c>switchId</c>/<c>ipAddress</c>, or <c>sharedSegment: true</c> (address optional).</summary>
    private static NicSpec ParseNic(ControlBody body)
    {
        var switchId = body.Id("switchId");
        var address = body.Address("ipAddress");
        var shared = body.Bool("sharedSegment") ?? false;
        if (shared && switchId is not null)
        {
            body.Errors.Add("A NIC is either on the shared segment (sharedSegment) or on a switch (switchId), not both");
        }

        return new NicSpec(switchId, address, shared);
    }

    private static readonly string[] Commitments = ["standard", "dedicatedcpu"];

    private static ServerPlan? ParsePlan(ControlBody body)
    {
        if (body.Object("plan") is not { } obj)
        {
            return null;
        }

        var plan = new ControlBody(obj);
        var cpu = plan.Int("cpu", 1, 512) ?? ServerPlan.Default.Cpu;
        var memory = plan.Int("memoryMB", 1024, 4 * 1024 * 1024) ?? ServerPlan.Default.MemoryMb;
        var generation = plan.Int("generation", 1, 999) ?? ServerPlan.Default.Generation;
        var commitment = plan.String("commitment") ?? ServerPlan.Default.Commitment;
        if (memory % 1024 != 0)
        {
            plan.Errors.Add("The property memoryMB must be a whole number of GB (a multiple of 1024)");
        }

        if (!Commitments.Contains(commitment))
        {
            plan.Errors.Add($"The property commitment must be one of {string.Join(", ", Commitments)}");
        }

        body.Errors.AddRange(plan.Errors.Select(e => "plan: " + e));
        return new ServerPlan(cpu, memory, generation, commitment);
    }

    /// <summary>The values of <c>Availability</c> (the misspelling "transfering" is the API's).</summary>
    private static readonly string[] Availabilities = ["available", "uploading", "failed", "migrating", "transfering", "discontinued"];

    private static string ParseAvailability(ControlBody body)
    {
        var value = body.String("availability") ?? "available";
        if (!Availabilities.Contains(value))
        {
            body.Errors.Add($"The property availability must be one of {string.Join(", ", Availabilities)}");
        }

        return value;
    }

    private static bool? ParsePower(ControlBody body, string key)
    {
        var text = body.String(key);
        switch (text)
        {
            case null:
                return null;
            case "up":
                return true;
            case "down":
                return false;
            default:
                body.Errors.Add($"The property {key} must be \"up\" or \"down\"");
                return null;
        }
    }

    private static Task Locked(HttpContext http, Simulator sim, int status, Func<JsonNode> action)
    {
        JsonNode result;
        lock (sim.Gate)
        {
            result = action();
        }

        return ApiResponses.WriteControlAsync(http, status, result);
    }

    /// <summary>Out-of-band state changes: someone failed, stopped or started the appliance outside the API.</summary>
    private static JsonObject SetTerminal(Simulator sim, long id, AppliancePhase phase)
    {
        var appliance = (sim.State.Appliances.GetValueOrDefault(id) ?? throw SakuraApiException.NotFound($"Appliance {id} was not found"))
            .At(sim.Now, observe: false);
        // Started out of band, it boots like any appliance: with the stored settings.
        var booted = phase == AppliancePhase.Up && appliance.Lifecycle.Phase != AppliancePhase.Up;
        var changed = appliance with
        {
            Lifecycle = appliance.Lifecycle.Then(sim.Now, [new PlannedPhase(phase, null)]),
            NotFoundUntil = sim.Now < appliance.NotFoundUntil ? sim.Now : appliance.NotFoundUntil,
            AppliedSettings = booted ? appliance.StoredSettings : appliance.AppliedSettings,
        };
        sim.State.Appliances[id] = changed;
        return sim.Renderer.Appliance(changed);
    }

    private static readonly Dictionary<string, AppliancePhase> SeedStates = new(StringComparer.Ordinal)
    {
        ["migrating"] = AppliancePhase.Migrating,
        ["booting"] = AppliancePhase.Booting,
        ["up"] = AppliancePhase.Up,
        ["cleaning"] = AppliancePhase.Cleaning,
        ["down"] = AppliancePhase.Down,
        ["failed"] = AppliancePhase.Failed,
    };

    /// <summary>
    /// Plants an appliance "created by someone else": the body's appliance is taken as is (shape
    /// checked, the create limits and address rules are not), in the chosen state.
    /// </summary>
    private static async Task SeedApplianceAsync(HttpContext http, Simulator sim)
    {
        var body = await ControlBody.ReadAsync(http.Request, required: true, http.RequestAborted);
        var zone = body.Zone();
        var stateName = body.String("state") ?? "up";
        if (!SeedStates.TryGetValue(stateName, out var phase))
        {
            body.Errors.Add($"The property state must be one of {string.Join(", ", SeedStates.Keys)}");
        }

        var appliedDefault = phase is AppliancePhase.Up or AppliancePhase.Cleaning or AppliancePhase.Down;
        var applied = body.Bool("settingsApplied") ?? appliedDefault;
        var raw = body.Raw["appliance"] as JsonObject;
        if (raw is null)
        {
            body.Errors.Add("The property appliance is required (the Appliance object, as in POST /appliance)");
        }

        body.ThrowIfInvalid();
        var cls = JsonRead.GetString(raw!["Class"]) ?? "loadbalancer";
        await Locked(http, sim, 201, () =>
        {
            var now = sim.Now;
            var scaled = sim.Settings.Scaled;
            IReadOnlyList<PlannedPhase> plan = phase switch
            {
                AppliancePhase.Migrating => LifecycleTimings.CreatePlan(scaled, CreationOutcome.Up),
                AppliancePhase.Booting => LifecycleTimings.BootPlan(scaled),
                AppliancePhase.Cleaning => LifecycleTimings.ShutdownPlan(scaled),
                _ => [new PlannedPhase(phase, null)],
            };
            var lifecycle = ApplianceLifecycle.Start(now, now, observed: false, plan);
            var record = cls == "loadbalancer"
                ? SeedLoadBalancer(sim.State, zone, raw, lifecycle, applied, now)
                : SeedRaw(sim.State, zone, cls, raw, lifecycle, now);
            sim.State.Appliances[record.Id] = record;
            return sim.Renderer.Appliance(record);
        });
    }

    private static ApplianceRecord SeedLoadBalancer(SimState state, string zone, JsonObject raw, ApplianceLifecycle lifecycle, bool applied, DateTimeOffset now)
    {
        var request = LoadBalancerRequests.ParseCreate(raw, new LbLimits(int.MaxValue, int.MaxValue));
        _ = state.FindSwitch(zone, request.SwitchId)
            ?? throw SakuraApiException.NotFound($"Switch {request.SwitchId} (Remark.Switch.ID) was not found in zone {zone}");
        return new ApplianceRecord(
            state.NextId(IdKind.Appliance), zone, "loadbalancer", request.Name, request.Description, request.Tags, request.Icon,
            request.PlanId, request.SwitchId, request.Vrid, request.NetworkMaskLen, request.DefaultRoute, request.IpAddresses,
            request.Settings, applied ? request.Settings : null, now, now, lifecycle, state.NextHostName(zone), RawBody: null);
    }

    /// <summary>
    /// VPC routers and databases are served back as given; the IDs, state and switch views are the
    /// simulator's. The appliance sits on the switch of <c>Remark.Switch.ID</c> (none: the shared segment,
    /// as a standard VPC router) and on the switch of each NIC in <c>Interfaces</c>. A database given
    /// without <c>Interfaces</c> gets its one NIC on its switch at <c>Remark.Servers[0].IPAddress</c>.
    /// </summary>
    private static ApplianceRecord SeedRaw(SimState state, string zone, string cls, JsonObject raw, ApplianceLifecycle lifecycle, DateTimeOffset now)
    {
        var errors = new List<string>();
        var tags = JsonRead.GetStringList(raw, "Tags", errors) ?? [];
        if (errors.Count > 0)
        {
            throw SakuraApiException.BadRequest(errors);
        }

        var body = (JsonObject)raw.DeepClone();
        var remark = JsonRead.GetObject(body, "Remark");
        long switchId = 0;
        if (JsonRead.TryGetId(JsonRead.GetObject(remark, "Switch")?["ID"], out var rid) && rid != 0)
        {
            switchId = RequireSwitch(state, zone, rid);
        }

        if (cls == "database" && !body.ContainsKey("Interfaces") && switchId != 0)
        {
            var first = (remark?["Servers"] as JsonArray)?.FirstOrDefault() as JsonObject;
            body["Interfaces"] = new JsonArray(new JsonObject
            {
                ["IPAddress"] = null,
                ["UserIPAddress"] = JsonRead.GetString(first?["IPAddress"]),
                ["HostName"] = null,
                ["Switch"] = new JsonObject { ["ID"] = switchId },
            });
        }

        var others = new List<long>();
        var assigned = new List<Ipv4>();
        foreach (var nic in (body["Interfaces"] as JsonArray ?? []).OfType<JsonObject>())
        {
            // {"Switch":{"Scope":"shared"}}: the zone's shared segment, with an address it assigns.
            if (JsonRead.GetObject(nic, "Switch") is { } nicSwitchObj && nicSwitchObj["ID"] is null
                && JsonRead.GetString(nicSwitchObj["Scope"]) == "shared")
            {
                var shared = state.SharedSegmentOf(zone);
                nicSwitchObj["ID"] = shared.Id;
                if (JsonRead.GetString(nic["IPAddress"]) is null)
                {
                    var address = Topology.NextSharedAddress(state, shared, assigned);
                    assigned.Add(address);
                    nic["IPAddress"] = address.ToString();
                }
            }

            if (JsonRead.TryGetId(JsonRead.GetObject(nic, "Switch")?["ID"], out var nicSwitch) && nicSwitch != 0)
            {
                var id = RequireSwitch(state, zone, nicSwitch);
                if (id != switchId && !others.Contains(id))
                {
                    others.Add(id);
                }
            }
        }

        return new ApplianceRecord(
            state.NextId(IdKind.Appliance), zone, cls, JsonRead.GetString(raw["Name"]) ?? cls, JsonRead.GetString(raw["Description"]) ?? "",
            tags, null, 0, switchId, 0, 0, null, [], LbSettings.Empty, null, now, now, lifecycle, state.NextHostName(zone), body)
        {
            OtherSwitchIds = others,
        };
    }

    /// <summary>A user switch of the zone or the zone's shared segment.</summary>
    private static long RequireSwitch(SimState state, string zone, long id) =>
        state.FindSwitch(zone, id)?.Id
        ?? state.FindSharedSegment(zone, id)?.Id
        ?? throw SakuraApiException.NotFound($"Switch {id} was not found in zone {zone}");

    private static JsonObject ConfigJson(Simulator sim)
    {
        var s = sim.Settings;
        return new JsonObject
        {
            ["timeScale"] = s.TimeScale,
            ["rateLimitPerSecond"] = sim.RateLimiter.PerSecond,
            ["maxVipsPerLoadBalancer"] = s.MaxVips,
            ["maxServersPerVip"] = s.MaxServersPerVip,
            ["ipClashCheck"] = s.IpClashCheck,
            ["defaultPageSize"] = s.DefaultPageSize,
            ["lifecycle"] = new JsonObject
            {
                ["migratingSeconds"] = s.Timings.Migrating.TotalSeconds,
                ["bootSeconds"] = s.Timings.Boot.TotalSeconds,
                ["shutdownSeconds"] = s.Timings.Shutdown.TotalSeconds,
                ["notFoundAfterCreateSeconds"] = s.Timings.NotFoundAfterCreate.TotalSeconds,
            },
            ["faults"] = sim.Faults.ToJson(),
            ["accessTokens"] = WireFormat.Strings(sim.CredentialTokens()),
        };
    }

    /// <summary>Partial update: only the keys present change; <c>faults</c> replaces the whole list.</summary>
    private static async Task PutConfigAsync(HttpContext http, Simulator sim)
    {
        var body = await ControlBody.ReadAsync(http.Request, required: true, http.RequestAborted);
        var current = sim.Settings;
        var timeScale = body.Number("timeScale", 0, 1_000_000);
        var rate = body.Int("rateLimitPerSecond", 0, int.MaxValue);
        var maxVips = body.Int("maxVipsPerLoadBalancer", 1, int.MaxValue);
        var maxServers = body.Int("maxServersPerVip", 1, int.MaxValue);
        var clash = body.Bool("ipClashCheck");
        var pageSize = body.Int("defaultPageSize", 0, int.MaxValue);
        var seed = body.Int("randomSeed", int.MinValue, int.MaxValue);
        var timings = current.Timings;
        if (body.Object("lifecycle") is { } lifecycleObj)
        {
            var lc = new ControlBody(lifecycleObj);
            var max = 86_400.0;
            timings = new LifecycleTimings(
                Seconds(lc.Number("migratingSeconds", 0, max)) ?? timings.Migrating,
                Seconds(lc.Number("bootSeconds", 0, max)) ?? timings.Boot,
                Seconds(lc.Number("shutdownSeconds", 0, max)) ?? timings.Shutdown,
                Seconds(lc.Number("notFoundAfterCreateSeconds", 0, max)) ?? timings.NotFoundAfterCreate);
            body.Errors.AddRange(lc.Errors.Select(e => "lifecycle: " + e));
        }

        List<FaultRule>? faults = null;
        if (body.Has("faults"))
        {
            if (body.Raw["faults"] is not JsonArray array)
            {
                body.Errors.Add("The property faults must be an array ([] clears)");
            }
            else
            {
                faults = [];
                for (var i = 0; i < array.Count; i++)
                {
                    if (FaultRule.Parse(array[i], i, body.Errors) is { } rule)
                    {
                        faults.Add(rule);
                    }
                }
            }
        }

        var credentials = new List<(string, string)>();
        if (body.Array("addCredentials") is { } creds)
        {
            foreach (var item in creds)
            {
                var c = item is JsonObject o ? new ControlBody(o) : null;
                var token = c?.String("token", required: true);
                var secret = c?.String("secret", required: true);
                if (string.IsNullOrEmpty(token) || string.IsNullOrEmpty(secret))
                {
                    body.Errors.Add("addCredentials must hold objects {\"token\",\"secret\"} with non-empty strings");
                    continue;
                }

                credentials.Add((token, secret));
            }
        }

        body.ThrowIfInvalid();
        sim.Settings = current with
        {
            TimeScale = timeScale ?? current.TimeScale,
            MaxVips = maxVips ?? current.MaxVips,
            MaxServersPerVip = maxServers ?? current.MaxServersPerVip,
            IpClashCheck = clash ?? current.IpClashCheck,
            DefaultPageSize = pageSize ?? current.DefaultPageSize,
            Timings = timings,
        };
        if (rate is { } r)
        {
            sim.RateLimiter.PerSecond = r;
        }

        if (faults is not null)
        {
            sim.Faults.Replace(faults, seed);
        }
        else if (seed is { } newSeed)
        {
            sim.Faults.Reseed(newSeed);
        }

        foreach (var (token, secret) in credentials)
        {
            sim.AddCredential(token, secret);
        }

        await ApiResponses.WriteControlAsync(http, 200, ConfigJson(sim));
    }

    private static TimeSpan? Seconds(double? value) => value is { } v ? TimeSpan.FromSeconds(v) : null;
}
