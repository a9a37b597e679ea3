using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SakuraLb.Reconcile.Desired;
using SakuraLb.Reconcile.Observed;
using SakuraLb.Reconcile.Planning;
using SakuraLb.Sakura.Api;
using SakuraLb.Sakura.Mapping;
using SakuraLb.Sakura.Telemetry;
using SakuraLb.Sakura.Wire;

namespace SakuraLb.Sakura;

/// <summary>
/// The <see cref="ISakuraCloud"/> implementation over the Refit <see cref="ISakuraApi"/>: builds the searches and
/// bodies, pages, reads 404 as "absent" where the contract says so, and maps through <see cref="WireMapper"/>.
/// </summary>
internal sealed class SakuraCloud(
    ISakuraApi api,
    IOptions<SakuraClientOptions> options,
    SharedApplianceList applianceList,
    SharedServerLists serverLists,
    ILogger<SakuraCloud> logger) : ISakuraCloud
{
    // Keeps a name search's query string well under common URL limits (8 KiB request lines).
    private const int MaxNamesQueryLength = 2000;

    // One power operation at a time in this process, as the official Go client does: the API answers concurrent
    // power calls with 409/423 more often than it queues them.
    private static readonly SemaphoreSlim PowerGate = new(1, 1);

    private readonly int pageSize = options.Value.PageSize;

    public async Task<IReadOnlyList<RouterNetwork>> FindRoutersAsync(RouterQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = new SearchFilter();
        if (!string.IsNullOrEmpty(query.Name))
        {
            filter.ExactAny("Name", [query.Name]);
        }

        var tags = query.Tags ?? [];
        filter.HasAllTags(tags);
        var routers = await SearchAsync<InternetListEnvelope, SakuraInternet>(
            api.FindInternetAsync, filter, i => i.Id, "/internet", cancellationToken);

        var result = new List<RouterNetwork>();
        foreach (var router in routers.Where(r => Matches(r, query.Name, tags)))
        {
            if (router.Switch is not { Id: > 0 } routerSwitch)
            {
                continue;
            }

            // The search answer's reduced switch view carries the blocks: the switch is read only when it does not.
            if (WireMapper.ToRouter(router) is { } fromSearch)
            {
                result.Add(fromSearch);
            }
            else if (await GetSwitchOrNullAsync(routerSwitch.Id, cancellationToken) is { } sakuraSwitch
                && WireMapper.ToRouter(sakuraSwitch, router) is { } network)
            {
                result.Add(network);
            }
        }

        return result;
    }

    public async Task<RouterNetwork?> GetRouterBySwitchIdAsync(long switchId, CancellationToken cancellationToken)
    {
        var sakuraSwitch = await GetSwitchOrNullAsync(switchId, cancellationToken);
        if (sakuraSwitch is null)
        {
            return null;
        }

        SakuraInternet? internet = null;
        if (sakuraSwitch.Internet?.Id is { } internetId and > 0)
        {
            internet = await OrNullOn404(
                async ct => (await api.GetInternetAsync(internetId, ct)).Internet, cancellationToken);
        }

        return WireMapper.ToRouter(sakuraSwitch, internet);
    }

    public async Task<IReadOnlyList<PlainSwitch>> FindSwitchesAsync(IReadOnlyCollection<string> allTags, CancellationToken cancellationToken)
    {
        var tags = RequiredTags(allTags);
        var switches = await SearchAsync<SwitchListEnvelope, SakuraSwitch>(
            api.FindSwitchesAsync, new SearchFilter().HasAllTags(tags), s => s.Id, "/switch", cancellationToken);

        // The AND is checked here as well as by the API: a switch without a tag must never host a Service's LB.
        return [.. switches
            .Where(s => tags.All(t => s.Tags.Contains(t, StringComparer.Ordinal)))
            .Select(WireMapper.ToPlainSwitch)
            .OfType<PlainSwitch>()];
    }

    public async Task<SwitchView> ReadSwitchAsync(LoadBalancerNetwork network, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        var servers = await SwitchServersAsync(network.SwitchId, cancellationToken);
        serverLists.Replace(network.SwitchId, servers);
        return await SwitchViewAsync(network, servers, cancellationToken);
    }

    public async Task<SwitchView> ReadSwitchAsync(LoadBalancerNetwork network, long serversVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        var servers = await serverLists.GetAsync(network.SwitchId, serversVersion, ct => SwitchServersAsync(network.SwitchId, ct), cancellationToken);
        return await SwitchViewAsync(network, servers, cancellationToken);
    }

    private Task<IReadOnlyList<SakuraServer>> SwitchServersAsync(long switchId, CancellationToken cancellationToken) =>
        SearchAsync<ServerListEnvelope, SakuraServer>(
            (q, ct) => api.ListSwitchServersAsync(switchId, q, ct), new SearchFilter(), s => s.Id,
            $"/switch/{switchId}/server", cancellationToken);

    private async Task<SwitchView> SwitchViewAsync(LoadBalancerNetwork network, IReadOnlyList<SakuraServer> servers, CancellationToken cancellationToken)
    {
        var switchId = network.SwitchId;
        var appliances = await AppliancesOnAsync(switchId, cancellationToken);
        return new SwitchView(
            switchId,
            [.. servers.Select(WireMapper.ToCloudServer)],
            [.. appliances.Where(WireMapper.IsLoadBalancer).Select(WireMapper.ToObserved)],
            UsedAddresses.Collect(network, servers, appliances));
    }

    public async Task<IReadOnlyList<CloudServer>> ListServersAsync(CancellationToken cancellationToken)
    {
        var servers = await SearchAsync<ServerListEnvelope, SakuraServer>(
            api.FindServersAsync, new SearchFilter(), s => s.Id, "/server", cancellationToken);
        return [.. servers.Select(WireMapper.ToCloudServer)];
    }

    public async Task<IReadOnlyList<CloudServer>> FindServersByNamesAsync(
        IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(names);
        var wanted = names.Where(n => !string.IsNullOrEmpty(n)).ToHashSet(StringComparer.Ordinal);
        var found = new Dictionary<long, SakuraServer>();
        foreach (var chunk in ChunkByQueryLength(wanted.Order(StringComparer.Ordinal)))
        {
            var filter = new SearchFilter().ExactAny("Name", chunk);
            var servers = await SearchAsync<ServerListEnvelope, SakuraServer>(
                api.FindServersAsync, filter, s => s.Id, "/server", cancellationToken);

            // The API's exact match is trusted but verified: a partial match here would map a node to the wrong server.
            foreach (var server in servers.Where(s => s.Name is not null && wanted.Contains(s.Name)))
            {
                found[server.Id] = server;
            }
        }

        return [.. found.Values.OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Id).Select(WireMapper.ToCloudServer)];
    }

    public async Task<IReadOnlyList<ObservedLoadBalancer>> FindLoadBalancersByTagsAsync(
        IReadOnlyCollection<string> allTags, CancellationToken cancellationToken)
    {
        var tags = RequiredTags(allTags);

        // Ownership rests on these tags, so the AND is checked here as well as by the API.
        var appliances = await FindLoadBalancersAsync(LoadBalancers().HasAllTags(tags), cancellationToken);
        return [.. appliances.Where(a => tags.All(t => a.Tags.Contains(t, StringComparer.Ordinal))).Select(WireMapper.ToObserved)];
    }

    public async Task<IReadOnlyList<ObservedLoadBalancer>> FindLoadBalancersByNameAsync(string exactName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(exactName);
        var appliances = await FindLoadBalancersAsync(LoadBalancers().ExactAny("Name", [exactName]), cancellationToken);
        return [.. appliances.Where(a => string.Equals(a.Name, exactName, StringComparison.Ordinal)).Select(WireMapper.ToObserved)];
    }

    public async Task<ObservedLoadBalancer?> GetLoadBalancerAsync(long id, CancellationToken cancellationToken)
    {
        // A 404 leaves the shared list alone: right after a create it means "not visible yet", not "gone".
        var appliance = await OrNullOn404(async ct => (SakuraAppliance?)await ReadApplianceAsync(id, ct), cancellationToken);
        if (appliance is null)
        {
            return null;
        }

        applianceList.Put(appliance);
        return WireMapper.ToObserved(appliance);
    }

    public async Task<IReadOnlyList<ObservedLoadBalancer>> ListLoadBalancersAsync(TimeSpan? maxAge, CancellationToken cancellationToken) =>
        [.. (await AllAppliancesAsync(cancellationToken, maxAge)).Where(WireMapper.IsLoadBalancer).Select(WireMapper.ToObserved)];

    public async Task<ObservedLoadBalancer?> PollLoadBalancerAsync(long id, TimeSpan maxAge, CancellationToken cancellationToken) =>
        (await AllAppliancesAsync(cancellationToken, maxAge, id)).Where(a => a.Id == id && WireMapper.IsLoadBalancer(a)).Select(WireMapper.ToObserved).FirstOrDefault();

    public async Task<ObservedLoadBalancer> CreateLoadBalancerAsync(LoadBalancerCreation creation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(creation);
        ArgumentException.ThrowIfNullOrWhiteSpace(creation.Name);
        if (creation.OwnAddresses.Count is < 1 or > 2)
        {
            throw new ArgumentException(
                $"A load balancer needs one address (single) or two (HA pair), got {creation.OwnAddresses.Count}.", nameof(creation));
        }

        using var priority = RequestPriorities.Enter(RequestPriority.Create);
        try
        {
            var envelope = await api.CreateApplianceAsync(new ApplianceCreateEnvelope { Appliance = WireMapper.ToCreateBody(creation) }, cancellationToken);
            var made = Required(envelope.Appliance, "POST", "/appliance");
            applianceList.Put(made);
            return WireMapper.ToObserved(made);
        }
        catch (Exception ex) when (IsOutcomeUnknown(ex))
        {
            applianceList.Invalidate();

            // The create may have happened: what it made is found by name and tags, never made a second time here.
            if (await FindCreatedAsync(creation, cancellationToken) is { } made)
            {
                Logs.CreateOutcomeFound(logger, creation.Name, made.Id);
                return made;
            }

            Logs.CreateOutcomeUnknown(logger, creation.Name, ex.Message);
            throw;
        }
        catch
        {
            // Cancelled or refused: the list may still miss an appliance the request made, so it is read again.
            applianceList.Invalidate();
            throw;
        }
    }

    public async Task<ObservedLoadBalancer> UpdateSettingsAsync(
        long id, IReadOnlyList<VipSetting> settings, string? settingsHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);

        // A settings write is how a gone node's real server leaves the load balancer: ahead of creates.
        using var priority = RequestPriorities.Enter(RequestPriority.Removal);
        return await UpdateAsync(id, WireMapper.ToWire(settings), settingsHash, tags: null, description: null, cancellationToken);
    }

    public async Task<ObservedLoadBalancer> UpdateTagsAsync(
        long id, IReadOnlyList<string> tags, string description, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tags);
        using var priority = RequestPriorities.Enter(RequestPriority.Cosmetic);

        // The update replaces the VIP list too: the current one is sent back as it is, with its hash, so a
        // concurrent settings change is refused (409) instead of being undone. A 404 here means the LB is gone.
        var current = await ReadApplianceAsync(id, cancellationToken);
        return await UpdateAsync(id, current.VirtualIPAddresses, current.SettingsHash, tags, description, cancellationToken);
    }

    public Task ApplyConfigAsync(long id, CancellationToken cancellationToken) =>
        WithPriorityAsync(RequestPriority.Removal, () => api.ApplyConfigAsync(id, cancellationToken));

    public Task BootAsync(long id, CancellationToken cancellationToken) =>
        WithPriorityAsync(RequestPriority.Create, () => PowerAsync(id, ct => api.BootAsync(id, ct), cancellationToken));

    public Task ShutdownAsync(long id, bool force, CancellationToken cancellationToken) =>
        WithPriorityAsync(RequestPriority.Removal, () => PowerAsync(id, ct => api.ShutdownAsync(id, new ShutdownRequest { Force = force ? true : null }, ct), cancellationToken));

    /// <summary>Every appliance of the account, from the list shared in the process (<see cref="SharedApplianceList"/>).</summary>
    private Task<IReadOnlyList<SakuraAppliance>> AllAppliancesAsync(CancellationToken cancellationToken, TimeSpan? maxAge = null, long? readAfterPowerOf = null) =>
        applianceList.GetAsync(
            ct => SearchAsync<ApplianceListEnvelope, SakuraAppliance>(api.FindAppliancesAsync, new SearchFilter(), a => a.Id, "/appliance", ct),
            cancellationToken,
            maxAge,
            readAfterPowerOf);

    public async Task<bool> DeleteLoadBalancerAsync(long id, CancellationToken cancellationToken)
    {
        using var priority = RequestPriorities.Enter(RequestPriority.Removal);
        try
        {
            await api.DeleteApplianceAsync(id, cancellationToken);
            applianceList.Remove(id);
            return true;
        }
        catch (SakuraApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            Logs.DeleteAlreadyGone(logger, id);
            applianceList.Remove(id);
            return false;
        }
        catch
        {
            applianceList.Invalidate();
            throw;
        }
    }

    public async Task<IReadOnlyList<VipHealth>> GetLoadBalancerHealthAsync(long id, CancellationToken cancellationToken)
    {
        using var priority = RequestPriorities.Enter(RequestPriority.Health);
        return [.. (await api.GetLoadBalancerStatusAsync(id, cancellationToken)).LoadBalancer.Select(WireMapper.ToHealth)];
    }

    public async Task<AccessInfo> GetAuthStatusAsync(CancellationToken cancellationToken) =>
        WireMapper.ToAccessInfo(await api.GetAuthStatusAsync(cancellationToken));

    /// <summary>Runs <paramref name="call"/> with its requests queued at <paramref name="priority"/> (<see cref="RequestPriorities"/>).</summary>
    private static async Task WithPriorityAsync(RequestPriority priority, Func<Task> call)
    {
        using var scope = RequestPriorities.Enter(priority);
        await call();
    }

    /// <summary>True when a write may or may not have been carried out: a 504 to it, or no answer at all.</summary>
    internal static bool IsOutcomeUnknown(Exception exception) => exception switch
    {
        SakuraApiException api => api.Kind == SakuraErrorKind.OutcomeUnknown,
        TimeoutException or HttpRequestException => true,
        _ => false,
    };

    /// <summary>Splits names into groups whose escaped length fits one query string.</summary>
    internal static IEnumerable<IReadOnlyList<string>> ChunkByQueryLength(IEnumerable<string> names, int maxLength = MaxNamesQueryLength)
    {
        var chunk = new List<string>();
        var length = 0;
        foreach (var name in names)
        {
            // Each name costs its escaped form, the JSON quotes and comma, and their own escaping (%22, %2C).
            var cost = SearchFilter.Escape(name).Length + 9;
            if (chunk.Count > 0 && length + cost > maxLength)
            {
                yield return chunk;
                chunk = [];
                length = 0;
            }

            chunk.Add(name);
            length += cost;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    private async Task<ObservedLoadBalancer> UpdateAsync(
        long id,
        IReadOnlyList<LoadBalancerVip> vips,
        string? settingsHash,
        IReadOnlyList<string>? tags,
        string? description,
        CancellationToken cancellationToken)
    {
        var body = new ApplianceUpdateBody
        {
            Settings = new ApplianceSettings { LoadBalancer = vips },
            SettingsHash = string.IsNullOrEmpty(settingsHash) ? null : settingsHash,
            Tags = tags is null ? null : WireMapper.NormalizeTags(tags),
            Description = description,
        };
        try
        {
            var envelope = await api.UpdateApplianceAsync(
                id, new ApplianceUpdateEnvelope { Appliance = body, OriginalSettingsHash = body.SettingsHash }, cancellationToken);

            // Some modify calls answer with flags only; the stored state is one read away.
            var stored = envelope.Appliance ?? await ReadApplianceAsync(id, cancellationToken);
            applianceList.Put(stored);
            return WireMapper.ToObserved(stored);
        }
        catch
        {
            applianceList.Invalidate();
            throw;
        }
    }

    /// <summary>The distinct non-empty tags; at least one, so a tag search can never mean "all of the account's".</summary>
    private static List<string> RequiredTags(IReadOnlyCollection<string> allTags)
    {
        ArgumentNullException.ThrowIfNull(allTags);
        var tags = allTags.Where(t => !string.IsNullOrEmpty(t)).Distinct(StringComparer.Ordinal).ToList();
        return tags.Count > 0 ? tags : throw new ArgumentException("At least one tag is required for a search by tags.", nameof(allTags));
    }

    /// <summary>The usable load balancer a create of <paramref name="creation"/> made, if it is visible: same name, every tag.</summary>
    private async Task<ObservedLoadBalancer?> FindCreatedAsync(LoadBalancerCreation creation, CancellationToken cancellationToken)
    {
        var tags = WireMapper.NormalizeTags(creation.Tags);
        return (await FindLoadBalancersByNameAsync(creation.Name, cancellationToken))
            .Where(lb => tags.All(t => lb.Tags.Contains(t, StringComparer.Ordinal))
                && lb.Availability is not (ApplianceAvailability.Failed or ApplianceAvailability.Discontinued))
            .OrderBy(lb => lb.Id)
            .FirstOrDefault();
    }

    /// <summary>A power call; its effect is not in its answer, so polls of the appliance read the shared list again after it.</summary>
    private async Task PowerAsync(long id, Func<CancellationToken, Task> call, CancellationToken cancellationToken)
    {
        await PowerGate.WaitAsync(cancellationToken);
        try
        {
            await call(cancellationToken);
        }
        finally
        {
            applianceList.Powered(id);
            PowerGate.Release();
        }
    }

    /// <summary>A search for load balancers only (<see cref="FindLoadBalancersAsync"/> checks the class again).</summary>
    private static SearchFilter LoadBalancers() => new SearchFilter().Partial("Class", WireMapper.LoadBalancerClass);

    private async Task<IEnumerable<SakuraAppliance>> FindLoadBalancersAsync(SearchFilter filter, CancellationToken cancellationToken)
    {
        var appliances = await SearchAsync<ApplianceListEnvelope, SakuraAppliance>(
            api.FindAppliancesAsync, filter, a => a.Id, "/appliance", cancellationToken);
        return appliances.Where(WireMapper.IsLoadBalancer);
    }

    /// <summary>
    /// The appliances of every class on switch <paramref name="switchId"/>, picked from the account's whole appliance
    /// list (shared with concurrent callers) the way the original controller did, rather than from
    /// <c>GET /switch/{id}/appliance</c>, whose list shape no official client relies on. An item that does not say
    /// which switch it is on is logged: its addresses are unknown, not absent.
    /// </summary>
    private async Task<IReadOnlyList<SakuraAppliance>> AppliancesOnAsync(long switchId, CancellationToken cancellationToken)
    {
        var all = await AllAppliancesAsync(cancellationToken);
        var onSwitch = new List<SakuraAppliance>();
        foreach (var appliance in all.Where(a => a is not null))
        {
            if (ApplianceSwitches.IsOn(appliance, switchId))
            {
                onSwitch.Add(appliance);
                if (ApplianceSwitches.MissingAddressFields(appliance) is { } missing)
                {
                    Logs.ApplianceAddressesUnknown(logger, appliance.Id, appliance.Class, switchId, missing);
                }
            }
            else if (ApplianceSwitches.IsUnknown(appliance))
            {
                Logs.ApplianceSwitchUnknown(logger, appliance.Id, appliance.Class, switchId);
            }
        }

        return onSwitch;
    }

    private async Task<SakuraAppliance> ReadApplianceAsync(long id, CancellationToken cancellationToken) =>
        Required((await api.GetApplianceAsync(id, cancellationToken)).Appliance, "GET", $"/appliance/{id}");

    private async Task<IReadOnlyList<T>> SearchAsync<TEnvelope, T>(
        Func<SearchRequest, CancellationToken, Task<TEnvelope>> fetch,
        SearchFilter filter,
        Func<T, long> idOf,
        string path,
        CancellationToken cancellationToken)
        where TEnvelope : ListEnvelope<T>
    {
        var query = new SearchRequest { Filter = filter.Build(), Sort = ["ID"] };
        return await SearchPager.CollectAsync(fetch, query, pageSize, idOf, path, logger, cancellationToken);
    }

    private async Task<SakuraSwitch?> GetSwitchOrNullAsync(long switchId, CancellationToken cancellationToken) =>
        await OrNullOn404(async ct => Required((await api.GetSwitchAsync(switchId, ct)).Switch, "GET", $"/switch/{switchId}"), cancellationToken);

    private static async Task<T?> OrNullOn404<T>(Func<CancellationToken, Task<T?>> call, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await call(cancellationToken);
        }
        catch (SakuraApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static T Required<T>(T? value, string method, string path)
        where T : class =>
        value ?? throw new SakuraApiException(
            HttpStatusCode.OK, null, $"the response has no {typeof(T).Name} object", null, method, path,
            SakuraErrorKind.InvalidResponse);

    private static bool Matches(SakuraInternet router, string? name, IReadOnlyCollection<string> tags) =>
        (string.IsNullOrEmpty(name) || string.Equals(router.Name, name, StringComparison.Ordinal))
        && tags.All(t => router.Tags.Contains(t, StringComparer.Ordinal));
}
