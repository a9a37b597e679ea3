using System.Text.Json.Nodes;
using SakuraSim.Lifecycle;
using SakuraSim.Model;
using SakuraSim.Pipeline;
using SakuraSim.Validation;
using SakuraSim.Wire;

namespace SakuraSim.Api;

/// <summary>The load-balancer appliance: find, create, read, update, delete, config, power, status.</summary>
internal static class ApplianceEndpoints
{
    private const string Accepted = "Accepted";

    public static void Map(RouteGroupBuilder api, Simulator sim)
    {
        api.MapGet("/appliance", http =>
        {
            var zone = ApiRoutes.RequireZone(http);
            // Lists include an appliance once its post-create 404 window is over, like reads do.
            return ApiRoutes.ListAsync(http, sim, "Appliances",
                s => s.AppliancesIn(zone).Where(a => sim.Now >= a.NotFoundUntil).Select(sim.PeekAppliance),
                (r, x) => r.Appliance(x),
                a => sim.ObserveAppliance(zone, a.Id, isRead: false));
        });
        api.MapPost("/appliance", http => CreateAsync(http, sim));
        api.MapGet("/appliance/{id}", http => WithApplianceAsync(http, sim, isRead: true, a =>
            (200, ApiResponses.Single("Appliance", sim.Renderer.Appliance(a)))));
        api.MapPut("/appliance/{id}", http => UpdateAsync(http, sim));
        api.MapDelete("/appliance/{id}", http => WithApplianceAsync(http, sim, isRead: false, a => Delete(sim, a)));
        api.MapPut("/appliance/{id}/config", http => WithApplianceAsync(http, sim, isRead: false, a => ApplyConfig(sim, a)));
        api.MapGet("/appliance/{id}/power", http => WithApplianceAsync(http, sim, isRead: true, a =>
            (200, new JsonObject { ["Instance"] = new JsonObject { ["Status"] = a.Lifecycle.InstanceStatus }, ["is_ok"] = true })));
        api.MapPut("/appliance/{id}/power", http => WithApplianceAsync(http, sim, isRead: false, a => Boot(sim, a)));
        api.MapDelete("/appliance/{id}/power", http => ShutdownAsync(http, sim));
        api.MapPut("/appliance/{id}/reset", http => WithApplianceAsync(http, sim, isRead: false, a => Reset(sim, a)));
        api.MapGet("/appliance/{id}/status", http => WithApplianceAsync(http, sim, isRead: true, a => Status(sim, a)));
    }

    private static async Task CreateAsync(HttpContext http, Simulator sim)
    {
        var zone = ApiRoutes.RequireZone(http);
        var body = await JsonRead.ReadBodyAsync(http.Request, http.RequestAborted);
        var appliance = LoadBalancerRequests.ApplianceOf(body);
        var settings = sim.Settings;
        var request = LoadBalancerRequests.ParseCreate(appliance, settings.Limits);
        var outcome = CreationOutcomes.Of(http);
        JsonObject response;
        lock (sim.Gate)
        {
            var state = sim.State;
            if (state.FindSharedSegment(zone, request.SwitchId) is not null)
            {
                throw SakuraApiException.BadRequest($"Remark.Switch.ID {request.SwitchId} is the shared segment: a load balancer needs a switch or a router+switch");
            }

            var sw = state.FindSwitch(zone, request.SwitchId)
                ?? throw SakuraApiException.NotFound($"Switch {request.SwitchId} (Remark.Switch.ID) was not found in zone {zone}");
            AddressRules.Check(state, sw, request.IpAddresses, request.Settings, applianceId: null, settings.IpClashCheck);

            var now = sim.Now;
            var scaled = settings.Scaled;
            var record = new ApplianceRecord(
                state.NextId(IdKind.Appliance),
                zone,
                "loadbalancer",
                request.Name,
                request.Description,
                request.Tags,
                request.Icon,
                request.PlanId,
                request.SwitchId,
                request.Vrid,
                request.NetworkMaskLen,
                request.DefaultRoute,
                request.IpAddresses,
                request.Settings,
                AppliedSettings: null,
                now,
                now + scaled.NotFoundAfterCreate,
                // The create response itself shows "migrating", so that phase counts as seen.
                ApplianceLifecycle.Start(now, now, observed: true, LifecycleTimings.CreatePlan(scaled, outcome)),
                state.NextHostName(zone),
                RawBody: null);
            state.Appliances[record.Id] = record;
            response = ApiResponses.Single("Appliance", sim.Renderer.Appliance(record), Accepted);
        }

        await ApiResponses.WriteAsync(http, 201, response);
    }

    private static async Task UpdateAsync(HttpContext http, Simulator sim)
    {
        var zone = ApiRoutes.RequireZone(http);
        var id = ApiRoutes.RequireId(http, "Appliance");
        var body = await JsonRead.ReadBodyAsync(http.Request, http.RequestAborted);
        var appliance = LoadBalancerRequests.ApplianceOf(body);
        var originalHash = LoadBalancerRequests.OriginalSettingsHashOf(body);
        var settings = sim.Settings;
        JsonObject response;
        lock (sim.Gate)
        {
            var current = sim.ObserveAppliance(zone, id, isRead: false);
            RequireCreated(current);
            if (!current.IsLoadBalancer)
            {
                throw SakuraApiException.BadRequest($"The simulator does not update {current.Class} appliances");
            }

            var update = LoadBalancerRequests.ParseUpdate(appliance, current, settings.Limits);
            if (originalHash is not null && originalHash != ResourceRenderer.SettingsHash(current.StoredSettings))
            {
                throw new SakuraApiException("original_hash_mismatch",
                    $"OriginalSettingsHash {originalHash} is not the hash of the current settings: they were changed since you read them");
            }

            if (update.Settings is { } newSettings)
            {
                var sw = sim.State.Switches.GetValueOrDefault(current.SwitchId);
                if (sw is not null)
                {
                    AddressRules.Check(sim.State, sw, current.IpAddresses, newSettings, current.Id, settings.IpClashCheck);
                }
            }

            var updated = current with
            {
                Name = update.Name ?? current.Name,
                Description = update.Description ?? current.Description,
                Tags = update.Tags ?? current.Tags,
                Icon = update.IconSent ? update.Icon : current.Icon,
                StoredSettings = update.Settings ?? current.StoredSettings,
            };
            sim.State.Appliances[id] = updated;
            response = ApiResponses.Single("Appliance", sim.Renderer.Appliance(updated), true);
        }

        await ApiResponses.WriteAsync(http, 200, response);
    }

    private static (int, JsonObject) Delete(Simulator sim, ApplianceRecord appliance)
    {
        RequireCreated(appliance);
        if (appliance.Lifecycle.Phase is not (AppliancePhase.Down or AppliancePhase.Failed))
        {
            throw new SakuraApiException("server_power_must_be_down",
                $"Appliance {appliance.Id} is {appliance.Lifecycle.InstanceStatus}: shut it down and wait until it is down before deleting it");
        }

        var wire = sim.Renderer.Appliance(appliance);
        sim.State.Appliances.Remove(appliance.Id);
        return (200, ApiResponses.Single("Appliance", wire, true));
    }

    private static (int, JsonObject) ApplyConfig(Simulator sim, ApplianceRecord appliance)
    {
        RequireCreated(appliance);
        RequireUp(appliance, "apply the configuration");
        sim.State.Appliances[appliance.Id] = appliance with { AppliedSettings = appliance.StoredSettings };
        return (200, ApiResponses.Flag(Accepted));
    }

    private static (int, JsonObject) Boot(Simulator sim, ApplianceRecord appliance)
    {
        RequireCreated(appliance);
        if (appliance.Lifecycle.Phase != AppliancePhase.Down)
        {
            throw new SakuraApiException("conflict", $"Appliance {appliance.Id} cannot be booted while {Describe(appliance)}");
        }

        var lifecycle = appliance.Lifecycle.Then(sim.Now, LifecycleTimings.BootPlan(sim.Settings.Scaled));
        sim.State.Appliances[appliance.Id] = appliance with { Lifecycle = lifecycle };
        return (200, ApiResponses.Flag(Accepted));
    }

    private static async Task ShutdownAsync(HttpContext http, Simulator sim)
    {
        // The body is optional ({"Force":true} for a forced stop); a bad one is still a 400.
        var body = await JsonRead.ReadBodyAsync(http.Request, http.RequestAborted);
        if (body is not null and not JsonObject)
        {
            throw SakuraApiException.BadRequest("The request body must be an object such as {\"Force\":true}");
        }

        if (body is JsonObject obj && obj["Force"] is { } force && !JsonRead.TryGetFlag(force, out _))
        {
            throw SakuraApiException.BadRequest("The property Force must be a boolean");
        }

        await WithApplianceAsync(http, sim, isRead: false, appliance =>
        {
            RequireCreated(appliance);
            if (appliance.Lifecycle.Phase != AppliancePhase.Up)
            {
                throw new SakuraApiException("conflict", $"Appliance {appliance.Id} cannot be shut down while {Describe(appliance)}");
            }

            var lifecycle = appliance.Lifecycle.Then(sim.Now, LifecycleTimings.ShutdownPlan(sim.Settings.Scaled));
            sim.State.Appliances[appliance.Id] = appliance with { Lifecycle = lifecycle };
            return (200, ApiResponses.Flag(Accepted));
        });
    }

    /// <summary>A reset reboots the running appliance at once, which then runs its stored settings like any boot.</summary>
    private static (int, JsonObject) Reset(Simulator sim, ApplianceRecord appliance)
    {
        RequireCreated(appliance);
        RequireUp(appliance, "be reset");
        sim.State.Appliances[appliance.Id] = appliance with { AppliedSettings = appliance.StoredSettings };
        return (200, ApiResponses.Flag(Accepted));
    }

    private static (int, JsonObject) Status(Simulator sim, ApplianceRecord appliance)
    {
        if (!appliance.IsLoadBalancer)
        {
            throw SakuraApiException.NotFound($"Appliance {appliance.Id} is a {appliance.Class}, not a load balancer");
        }

        RequireCreated(appliance);
        RequireUp(appliance, "report status");
        var list = sim.Renderer.Status(appliance);
        return (200, new JsonObject
        {
            ["Total"] = list.Count,
            ["From"] = 0,
            ["Count"] = list.Count,
            ["LoadBalancer"] = list,
            ["is_ok"] = true,
        });
    }

    private static void RequireCreated(ApplianceRecord appliance)
    {
        if (appliance.Lifecycle.Phase == AppliancePhase.Migrating)
        {
            throw new SakuraApiException("still_creating", $"Appliance {appliance.Id} is still being created (migrating)");
        }
    }

    private static void RequireUp(ApplianceRecord appliance, string action)
    {
        if (appliance.Lifecycle.Phase != AppliancePhase.Up)
        {
            throw new SakuraApiException("conflict", $"Appliance {appliance.Id} cannot {action} while {Describe(appliance)}");
        }
    }

    private static string Describe(ApplianceRecord appliance) =>
        $"{appliance.Lifecycle.Availability}/{appliance.Lifecycle.InstanceStatus}";

    private static Task WithApplianceAsync(HttpContext http, Simulator sim, bool isRead, Func<ApplianceRecord, (int Status, JsonObject Body)> action)
    {
        var zone = ApiRoutes.RequireZone(http);
        var id = ApiRoutes.RequireId(http, "Appliance");
        (int Status, JsonObject Body) result;
        lock (sim.Gate)
        {
            result = action(sim.ObserveAppliance(zone, id, isRead));
        }

        return ApiResponses.WriteAsync(http, result.Status, result.Body);
    }
}
