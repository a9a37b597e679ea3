namespace SakuraLb.Reconcile.Nodes;

/// <summary>How a Node relates to the zone's servers.</summary>
public enum ServerMatchKind
{
    /// <summary>Exactly one server: by the id in the Node's providerID, or (without one) by its exact name.</summary>
    Found,

    /// <summary>No providerID and no server of exactly the Node's name.</summary>
    NotFound,

    /// <summary>No providerID and several servers of the Node's name.</summary>
    Ambiguous,

    /// <summary>The providerID names a server that is not in the list (deleted, or in another zone).</summary>
    Missing,

    /// <summary>The providerID is not <c>sakuracloud://&lt;server id&gt;</c>.</summary>
    Foreign,
}

/// <summary>The outcome of matching one Node: <paramref name="Server"/> when found, the id its providerID names, and the name's server count.</summary>
public sealed record ServerMatch(ServerMatchKind Kind, CloudServer? Server = null, long? ServerId = null, int SameName = 0);

/// <summary>
/// The zone's servers by id and by name, to match Nodes. A providerID, once set, decides (a renamed server stays
/// its Node's); without one the name must be exactly the server's and unique in the zone, so a Node never gets
/// another server's data.
/// </summary>
public sealed class ServerIndex
{
    private readonly Dictionary<long, CloudServer> byId = [];
    private readonly Dictionary<string, List<CloudServer>> byName = new(StringComparer.Ordinal);

    public ServerIndex(IEnumerable<CloudServer> servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        foreach (var server in servers.Where(s => s is not null && s.Id > 0))
        {
            if (!byId.TryAdd(server.Id, server))
            {
                continue;
            }

            if (!byName.TryGetValue(server.Name, out var list))
            {
                byName[server.Name] = list = [];
            }

            list.Add(server);
        }
    }

    public int Count => byId.Count;

    public bool Contains(long serverId) => byId.ContainsKey(serverId);

    public ServerMatch Match(NodeSnapshot node)
    {
        ArgumentNullException.ThrowIfNull(node);
        switch (ProviderIds.Classify(node.ProviderId, out var id))
        {
            case ProviderIdKind.Sakura:
                return byId.TryGetValue(id, out var byProvider)
                    ? new ServerMatch(ServerMatchKind.Found, byProvider, id)
                    : new ServerMatch(ServerMatchKind.Missing, null, id);
            case ProviderIdKind.Foreign:
                return new ServerMatch(ServerMatchKind.Foreign);
        }

        var named = byName.GetValueOrDefault(node.Name) ?? [];
        return named.Count switch
        {
            0 => new ServerMatch(ServerMatchKind.NotFound),
            1 => new ServerMatch(ServerMatchKind.Found, named[0], named[0].Id, 1),
            _ => new ServerMatch(ServerMatchKind.Ambiguous, SameName: named.Count),
        };
    }

    /// <summary>The ids of the servers sharing <paramref name="name"/>, for messages.</summary>
    public IReadOnlyList<long> IdsNamed(string name) =>
        [.. (byName.GetValueOrDefault(name) ?? []).Select(s => s.Id).Order()];
}
