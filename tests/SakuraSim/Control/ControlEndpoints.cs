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
                var route = sub.Address("defaultRoute", required: true);
                var mask = sub.Int("networkMaskLen", 8, 29);
                body.Errors.AddRange(sub.Errors.Select(e => "userSubnet: " + e));
                if (route is { } r && mask is { } m)
                {
                    userSubnet = new UserSubnet(r, m);
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
            var nics = new List<(long?, Ipv4?)>();
            if (body.Array("interfaces") is { } interfaces)
            {
                foreach (var item in interfaces)
                {
                    if (item is not JsonObject nicObj)
                    {
                        body.Errors.Add("interfaces must hold objects {\"switchId\",\"ipAddress\"}");
                        continue;
                    }

                    var nic = new ControlBody(nicObj);
                    nics.Add((nic.Id("switchId"), nic.Address("ipAddress")));
                    body.Errors.AddRange(nic.Errors);
                }
            }
            else if (!body.Has("interfaces"))
            {
                nics.Add((body.Id("switchId"), body.Address("ipAddress")));
            }

            body.ThrowIfInvalid();
            await Locked(http, sim, 201, () =>
                sim.Renderer.Server(Topology.AddServer(sim.State, zone, name!, hostName!, description, tags, nics, isUp, sim.Now)));
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
        var appliance = sim.State.Appliances.GetValueOrDefault(id) ?? throw SakuraApiException.NotFound($"Appliance {id} was not found");
        var current = appliance.Lifecycle.At(sim.Now);
        var changed = appliance with
        {
            Lifecycle = current.Then(sim.Now, [new PlannedPhase(phase, null)]),
            NotFoundUntil = sim.Now < appliance.NotFoundUntil ? sim.Now : appliance.NotFoundUntil,
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

    /// <summary>VPC routers and databases are served back as given; only the IDs and state are the simulator's.</summary>
    private static ApplianceRecord SeedRaw(SimState state, string zone, string cls, JsonObject raw, ApplianceLifecycle lifecycle, DateTimeOffset now)
    {
        var errors = new List<string>();
        var tags = JsonRead.GetStringList(raw, "Tags", errors) ?? [];
        if (errors.Count > 0)
        {
            throw SakuraApiException.BadRequest(errors);
        }

        var remarkSwitch = JsonRead.GetObject(JsonRead.GetObject(raw, "Remark"), "Switch")?["ID"];
        var nicSwitch = (raw["Interfaces"] as JsonArray)?.FirstOrDefault() is JsonObject nic ? JsonRead.GetObject(nic, "Switch")?["ID"] : null;
        long switchId = 0;
        if ((JsonRead.TryGetId(remarkSwitch, out var rid) || JsonRead.TryGetId(nicSwitch, out rid)) && rid != 0)
        {
            switchId = state.FindSwitch(zone, rid)?.Id ?? throw SakuraApiException.NotFound($"Switch {rid} was not found in zone {zone}");
        }

        return new ApplianceRecord(
            state.NextId(IdKind.Appliance), zone, cls, JsonRead.GetString(raw["Name"]) ?? cls, JsonRead.GetString(raw["Description"]) ?? "",
            tags, null, 0, switchId, 0, 0, null, [], LbSettings.Empty, null, now, now, lifecycle, state.NextHostName(zone),
            (JsonObject)raw.DeepClone());
    }

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
