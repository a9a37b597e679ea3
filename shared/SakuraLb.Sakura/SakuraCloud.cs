using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SakuraLb.Sakura.Api;
using SakuraLb.Sakura.Telemetry;
using SakuraLb.Sakura.Wire;

namespace SakuraLb.Sakura;

/// <summary>The <see cref="ISakuraCloud"/> implementation over the Refit <see cref="ISakuraApi"/>.</summary>
public sealed class SakuraCloud(ISakuraApi api, IOptions<SakuraClientOptions> options, ILogger<SakuraCloud> logger) : ISakuraCloud
{
    private const string LoadBalancerClass = "loadbalancer";

    // Keeps a name search's query string well under common URL limits (8 KiB request lines).
    private const int MaxNamesQueryLength = 2000;

    private readonly int _pageSize = options.Value.PageSize;

    public async Task<IReadOnlyList<RouterNetwork>> FindRouterNetworksAsync(RouterQuery query, CancellationToken cancellationToken)
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

            var sakuraSwitch = await GetSwitchOrNullAsync(routerSwitch.Id, cancellationToken);
            if (sakuraSwitch is not null)
            {
                result.Add(RouterNetwork.From(sakuraSwitch, router));
            }
        }

        return result;
    }

    public async Task<RouterNetwork?> GetRouterNetworkBySwitchIdAsync(long switchId, CancellationToken cancellationToken)
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

        return RouterNetwork.From(sakuraSwitch, internet);
    }

    public async Task<IReadOnlyList<SakuraServer>> FindServersByNamesAsync(
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

        return [.. found.Values.OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Id)];
    }

    public Task<IReadOnlyList<SakuraServer>> ListServersOnSwitchAsync(long switchId, CancellationToken cancellationToken) =>
        SearchAsync<ServerListEnvelope, SakuraServer>(
            (q, ct) => api.ListSwitchServersAsync(switchId, q, ct), new SearchFilter(), s => s.Id,
            $"/switch/{switchId}/server", cancellationToken);

    public Task<IReadOnlyList<SakuraAppliance>> ListAppliancesOnSwitchAsync(long switchId, CancellationToken cancellationToken) =>
        SearchAsync<ApplianceListEnvelope, SakuraAppliance>(
            (q, ct) => api.ListSwitchAppliancesAsync(switchId, q, ct), new SearchFilter(), a => a.Id,
            $"/switch/{switchId}/appliance", cancellationToken);

    public async Task<IReadOnlyList<SakuraAppliance>> FindLoadBalancersByTagsAsync(
        IReadOnlyCollection<string> allTags, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(allTags);
        var tags = allTags.Where(t => !string.IsNullOrEmpty(t)).Distinct(StringComparer.Ordinal).ToList();
        if (tags.Count == 0)
        {
            throw new ArgumentException("At least one tag is required to find load balancers by tags.", nameof(allTags));
        }

        var filter = new SearchFilter().Partial("Class", LoadBalancerClass).HasAllTags(tags);
        var appliances = await SearchAsync<ApplianceListEnvelope, SakuraAppliance>(
            api.FindAppliancesAsync, filter, a => a.Id, "/appliance", cancellationToken);

        // Ownership rests on these tags, so the AND is checked here as well as by the API.
        return [.. appliances.Where(a => IsLoadBalancer(a) && tags.All(t => a.Tags.Contains(t, StringComparer.Ordinal)))];
    }

    public async Task<IReadOnlyList<SakuraAppliance>> FindLoadBalancersByNameAsync(string exactName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(exactName);
        var filter = new SearchFilter().Partial("Class", LoadBalancerClass).ExactAny("Name", [exactName]);
        var appliances = await SearchAsync<ApplianceListEnvelope, SakuraAppliance>(
            api.FindAppliancesAsync, filter, a => a.Id, "/appliance", cancellationToken);
        return [.. appliances.Where(a => IsLoadBalancer(a) && string.Equals(a.Name, exactName, StringComparison.Ordinal))];
    }

    public Task<SakuraAppliance?> GetApplianceAsync(long id, CancellationToken cancellationToken) =>
        OrNullOn404(async ct => Required((await api.GetApplianceAsync(id, ct)).Appliance, "GET", $"/appliance/{id}"), cancellationToken);

    public async Task<SakuraAppliance> CreateLoadBalancerAsync(LoadBalancerCreateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Name);
        if (request.IPAddresses.Count is < 1 or > 2)
        {
            throw new ArgumentException(
                $"A load balancer needs one address (single) or two (HA pair), got {request.IPAddresses.Count}.", nameof(request));
        }

        var planRef = new IdRef { Id = (long)request.Plan };
        var body = new ApplianceCreateBody
        {
            Class = LoadBalancerClass,
            Name = request.Name,
            Description = request.Description,
            Tags = NormalizeTags(request.Tags),
            Plan = planRef,
            Remark = new ApplianceRemark
            {
                Switch = new IdRef { Id = request.SwitchId },
                Vrrp = new VrrpRemark { Vrid = request.Vrid },
                Network = new NetworkRemark { NetworkMaskLen = request.NetworkMaskLen, DefaultRoute = request.DefaultRoute },
                Servers = [.. request.IPAddresses.Select(ip => new RemarkServer { IPAddress = ip })],
                Plan = planRef,
            },
            Settings = new ApplianceSettings { LoadBalancer = request.VirtualIPAddresses },
        };
        var envelope = await api.CreateApplianceAsync(new ApplianceCreateEnvelope { Appliance = body }, cancellationToken);
        return Required(envelope.Appliance, "POST", "/appliance");
    }

    public async Task<SakuraAppliance> UpdateLoadBalancerSettingsAsync(
        long id, LoadBalancerSettingsUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        var body = new ApplianceUpdateBody
        {
            Settings = new ApplianceSettings { LoadBalancer = update.VirtualIPAddresses },
            SettingsHash = string.IsNullOrEmpty(update.SettingsHash) ? null : update.SettingsHash,
            Tags = update.Tags is null ? null : NormalizeTags(update.Tags),
            Description = update.Description,
        };
        var envelope = await api.UpdateApplianceAsync(id, new ApplianceUpdateEnvelope { Appliance = body }, cancellationToken);
        if (envelope.Appliance is { } updated)
        {
            return updated;
        }

        // Some modify calls answer with flags only; the stored state is one read away.
        return Required((await api.GetApplianceAsync(id, cancellationToken)).Appliance, "GET", $"/appliance/{id}");
    }

    public Task ApplyConfigAsync(long id, CancellationToken cancellationToken) =>
        api.ApplyConfigAsync(id, cancellationToken);

    public Task BootAsync(long id, CancellationToken cancellationToken) =>
        api.BootAsync(id, cancellationToken);

    public Task ShutdownAsync(long id, bool force, CancellationToken cancellationToken) =>
        api.ShutdownAsync(id, new ShutdownRequest { Force = force }, cancellationToken);

    public async Task<bool> DeleteApplianceAsync(long id, CancellationToken cancellationToken)
    {
        try
        {
            await api.DeleteApplianceAsync(id, cancellationToken);
            return true;
        }
        catch (SakuraApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            Logs.DeleteAlreadyGone(logger, id);
            return false;
        }
    }

    public async Task<IReadOnlyList<LoadBalancerVipStatus>> GetLoadBalancerStatusAsync(long id, CancellationToken cancellationToken) =>
        (await api.GetLoadBalancerStatusAsync(id, cancellationToken)).LoadBalancer;

    public Task<AuthStatus> GetAuthStatusAsync(CancellationToken cancellationToken) =>
        api.GetAuthStatusAsync(cancellationToken);

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

    private async Task<IReadOnlyList<T>> SearchAsync<TEnvelope, T>(
        Func<SearchRequest, CancellationToken, Task<TEnvelope>> fetch,
        SearchFilter filter,
        Func<T, long> idOf,
        string path,
        CancellationToken cancellationToken)
        where TEnvelope : IListEnvelope<T>
    {
        var query = new SearchRequest { Filter = filter.Build(), Sort = ["ID"] };
        return await SearchPager.CollectAsync(fetch, query, _pageSize, idOf, path, logger, cancellationToken);
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

    private static bool IsLoadBalancer(SakuraAppliance appliance) =>
        string.Equals(appliance.Class, LoadBalancerClass, StringComparison.OrdinalIgnoreCase);

    private static IReadOnlyList<string> NormalizeTags(IEnumerable<string> tags) =>
        [.. tags.Where(t => !string.IsNullOrEmpty(t)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}
