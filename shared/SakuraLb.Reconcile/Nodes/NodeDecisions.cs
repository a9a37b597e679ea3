using System.Globalization;

namespace SakuraLb.Reconcile.Nodes;

/// <summary>What one pass of the node controller starts from.</summary>
public sealed record NodeDecisionInput
{
    /// <summary>The cluster's node set as the relay forwarded it.</summary>
    public IReadOnlyList<NodeSnapshot> Nodes { get; init; } = [];

    /// <summary>Every server of the zone, or null when the read failed (then nothing new is decided and nothing is deleted).</summary>
    public IReadOnlyList<CloudServer>? Servers { get; init; }

    /// <summary>The previous pass's results (for <see cref="NodeResult.Since"/>, and kept as they are when the read failed).</summary>
    public IReadOnlyList<NodeResult> Previous { get; init; } = [];

    /// <summary>Nodes whose server earlier reads missed, and since when.</summary>
    public IReadOnlyList<VanishedServer> Vanished { get; init; } = [];

    public DateTimeOffset Now { get; init; }

    public NodeRules Rules { get; init; } = new();
}

/// <summary>The outcome of one pass: a result per Node it has something to say about, the updated missing-server records, and counts for the log.</summary>
public sealed record NodeDecision(
    IReadOnlyList<NodeResult> Results,
    IReadOnlyList<VanishedServer> Vanished,
    IReadOnlyList<string> Deleting,
    string? DeletionRefused,
    int Initializing,
    int Waiting);

/// <summary>
/// The node controller's decisions, pure: which server is each Node's (<see cref="ServerIndex"/>), what the Node
/// should carry (<see cref="NodeAddressing"/>, <see cref="NodeLabels"/>, the two taints), and which Nodes go
/// (<see cref="NodeDeletionGuard"/>). Everything a user set is kept: the provider id, labels and (on Nodes that are
/// initialised already) addresses are only filled in where missing.
/// </summary>
public static class NodeDecisions
{
    public static NodeDecision Decide(NodeDecisionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var rules = input.Rules;
        var live = input.Nodes
            .Where(n => n is not null && n.Name.Length > 0 && n.DeletionTimestamp is null)
            .DistinctBy(n => n.Name, StringComparer.Ordinal)
            .OrderBy(n => n.Name, StringComparer.Ordinal)
            .ToList();
        var previous = input.Previous.Where(r => r is not null).ToDictionary(r => (r.Name, r.Uid));
        if (input.Servers is null)
        {
            return ReadFailed(input, live, previous);
        }

        var index = new ServerIndex(input.Servers);
        var vanished = Vanished(input, live, index, out var ours, out var missing);
        var confirmed = vanished
            .Where(v => input.Now - v.FirstMissingAt >= rules.VanishedConfirmAfter && input.Now > v.FirstMissingAt)
            .Select(v => v.NodeName)
            .ToList();
        var verdict = rules.DeleteVanished
            ? NodeDeletionGuard.Decide(live.Count, ours, missing, confirmed, rules.MaxDeleteShare)
            : new DeletionVerdict([], null);
        var deleting = verdict.Delete.ToHashSet(StringComparer.Ordinal);
        var context = new Context(input, index, vanished.ToDictionary(v => v.NodeName, StringComparer.Ordinal), deleting, confirmed.ToHashSet(StringComparer.Ordinal), verdict.RefusedBecause);

        var results = new List<NodeResult>();
        var waiting = 0;
        foreach (var node in live)
        {
            var result = Decide(node, context);
            if (result is not null)
            {
                previous.TryGetValue((node.Name, node.Uid), out var before);
                results.Add(result with { Since = before?.ReasonCode == result.ReasonCode ? before.Since : input.Now });
            }

            if (result is not { Initialized: true } && HasTaint(node, WellKnown.UninitializedTaint))
            {
                waiting++;
            }
        }

        return new NodeDecision(
            results,
            vanished,
            [.. verdict.Delete.Order(StringComparer.Ordinal)],
            verdict.RefusedBecause,
            results.Count(r => r.Initialized),
            waiting);
    }

    public static bool HasTaint(NodeSnapshot node, string key)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.Taints.Any(t => t is not null && string.Equals(t.Key, key, StringComparison.Ordinal));
    }

    /// <summary>The missing-server records after this read: kept for Nodes still missing the same server, new ones for newly missing Nodes.</summary>
    private static List<VanishedServer> Vanished(NodeDecisionInput input, List<NodeSnapshot> live, ServerIndex index, out int ours, out int missing)
    {
        var known = input.Vanished.Where(v => v is not null).ToDictionary(v => (v.NodeName, v.NodeUid, v.ServerId));
        var result = new List<VanishedServer>();
        ours = 0;
        missing = 0;
        foreach (var node in live.Where(n => InZone(n, input.Rules)))
        {
            if (ProviderIds.Classify(node.ProviderId, out var id) != ProviderIdKind.Sakura)
            {
                continue;
            }

            ours++;
            if (!index.Contains(id))
            {
                missing++;
                result.Add(known.GetValueOrDefault((node.Name, node.Uid, id)) ?? new VanishedServer(node.Name, node.Uid, id, input.Now));
            }
        }

        return result;
    }

    private static NodeResult? Decide(NodeSnapshot node, Context context)
    {
        var rules = context.Input.Rules;
        var tainted = HasTaint(node, WellKnown.UninitializedTaint);
        var ours = rules.Initialize && tainted;
        if (!InZone(node, rules))
        {
            return ours
                ? Result(node, ReasonCodes.NodeInOtherZone, $"node {node.Name}: its {WellKnown.ZoneLabel} label is {node.Labels[WellKnown.ZoneLabel]}, but this controller reads zone {rules.Zone}; the node is left alone")
                : null;
        }

        var match = context.Index.Match(node);
        switch (match.Kind)
        {
            case ServerMatchKind.Foreign:
                return ours
                    ? Result(node, ReasonCodes.ForeignProviderID, $"node {node.Name}: providerID {node.ProviderId} is not {WellKnown.ProviderIdPrefix}<server id>; the node is left to the controller that set it")
                    : null;
            case ServerMatchKind.NotFound:
                return rules.Initialize
                    ? Result(node, ReasonCodes.ServerNotFound, string.Create(
                        CultureInfo.InvariantCulture,
                        $"no Sakura server in zone {rules.Zone} is named exactly {node.Name} ({context.Index.Count} servers read); {(tainted ? "the node stays uninitialised until one is" : "nothing is filled in")}"))
                    : null;
            case ServerMatchKind.Ambiguous:
                return rules.Initialize
                    ? Result(node, ReasonCodes.AmbiguousServerName, string.Create(
                        CultureInfo.InvariantCulture,
                        $"{match.SameName} Sakura servers in zone {rules.Zone} are named {node.Name} ({string.Join(", ", context.Index.IdsNamed(node.Name))}); {(tainted ? "the node stays uninitialised until the name is unique" : "nothing is filled in")}"))
                    : null;
            case ServerMatchKind.Missing:
                return rules.DeleteVanished || rules.ShutdownTaint ? Missing(node, match.ServerId!.Value, context) : null;
        }

        return Found(node, match.Server!, tainted, rules);
    }

    private static NodeResult Found(NodeSnapshot node, CloudServer server, bool tainted, NodeRules rules)
    {
        var labels = NodeLabels.Of(server, rules.Zone);
        var describe = string.Create(
            CultureInfo.InvariantCulture,
            $"Sakura server {server.Id} ({string.Join(", ", new[] { labels.GetValueOrDefault(WellKnown.ZoneLabel), labels.GetValueOrDefault(WellKnown.InstanceTypeLabel) }.Where(v => v is not null))}), {server.PowerState.ToString().ToLowerInvariant()}");
        var shutdown = server.PowerState switch
        {
            InstanceStatus.Down => true,
            InstanceStatus.Up => false,
            _ => (bool?)null,
        };
        var result = Result(node, rules.Initialize ? ReasonCodes.NodeInitialized : ReasonCodes.ServerRunning, $"node {node.Name} {(tainted && rules.Initialize ? "is initialised from" : "is")} {describe}") with
        {
            Shutdown = rules.ShutdownTaint ? shutdown : null,
        };

        var warnings = new List<StatusWarning>();
        if (rules.Initialize)
        {
            var addresses = NodeAddressing.Decide(server, node);
            if (addresses.Problem is { } problem)
            {
                result = result with { ReasonCode = problem.Code, Message = $"node {node.Name}: {problem.Message}" };
            }
            else
            {
                if (addresses.Warning is { } warning)
                {
                    warnings.Add(new StatusWarning(warning.Code, warning.Message));
                }

                result = result with
                {
                    ProviderId = string.IsNullOrEmpty(node.ProviderId) ? ProviderIds.Format(server.Id) : null,
                    Addresses = addresses.Addresses.Count > 0 && (tainted || !NodeAddressing.HasIpAddress(node)) ? addresses.Addresses : null,
                    Labels = labels.Where(l => !node.Labels.ContainsKey(l.Key)).ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal),
                    Initialized = tainted,
                };
            }
        }

        if (shutdown == true && result.ReasonCode is ReasonCodes.NodeInitialized or ReasonCodes.ServerRunning)
        {
            result = result with
            {
                ReasonCode = ReasonCodes.ServerShutdown,
                Message = rules.ShutdownTaint
                    ? $"node {node.Name} is {describe}: it carries the {WellKnown.ShutdownTaint} taint until the server runs again"
                    : $"node {node.Name} is {describe} (Nodes:ShutdownTaint is off, so the node gets no shutdown taint)",
            };
        }

        return result with { Warnings = warnings.Count > 0 ? warnings : null };
    }

    private static NodeResult Missing(NodeSnapshot node, long serverId, Context context)
    {
        var rules = context.Input.Rules;
        var record = context.Vanished[node.Name];
        var since = record.FirstMissingAt.ToString("u", CultureInfo.InvariantCulture);
        var gone = string.Create(CultureInfo.InvariantCulture, $"node {node.Name}: Sakura server {serverId} (its providerID) is not in zone {rules.Zone}'s server list since {since}");
        if (context.Deleting.Contains(node.Name))
        {
            return Result(node, ReasonCodes.DeletingNode, $"{gone}: deleting the node") with { Delete = true };
        }

        if (!rules.DeleteVanished)
        {
            return Result(node, ReasonCodes.ServerVanished, $"{gone}; Nodes:DeleteVanished is off, so the node stays");
        }

        if (context.Confirmed.Contains(node.Name) && context.Refused is { } refused)
        {
            return Result(node, ReasonCodes.NodeDeletionRefused, $"{gone}; {refused}");
        }

        return Result(node, ReasonCodes.ServerVanished, string.Create(
            CultureInfo.InvariantCulture,
            $"{gone}; the node is deleted once a read at least {rules.VanishedConfirmAfter:c} after that still misses it"));
    }

    /// <summary>The read failed: nothing new is decided; what was decided stays published, but no deletion.</summary>
    private static NodeDecision ReadFailed(NodeDecisionInput input, List<NodeSnapshot> live, Dictionary<(string Name, string Uid), NodeResult> previous)
    {
        var results = new List<NodeResult>();
        foreach (var node in live)
        {
            if (!previous.TryGetValue((node.Name, node.Uid), out var before))
            {
                continue;
            }

            results.Add(before.Delete
                ? before with { Delete = false, ReasonCode = ReasonCodes.ServerVanished, Message = $"node {node.Name}: its Sakura server is gone, but the last read of the server list failed; the deletion waits for a read that succeeds", Since = input.Now }
                : before);
        }

        var names = live.Select(n => (n.Name, n.Uid)).ToHashSet();
        var waiting = live.Count(n => HasTaint(n, WellKnown.UninitializedTaint) && !previous.ContainsKey((n.Name, n.Uid)));
        return new NodeDecision(results, [.. input.Vanished.Where(v => v is not null && names.Contains((v.NodeName, v.NodeUid)))], [], null, 0, waiting);
    }

    private static bool InZone(NodeSnapshot node, NodeRules rules) =>
        !node.Labels.TryGetValue(WellKnown.ZoneLabel, out var zone) || string.Equals(zone, rules.Zone, StringComparison.Ordinal);

    private static NodeResult Result(NodeSnapshot node, string reason, string message) =>
        new() { Name = node.Name, Uid = node.Uid, ReasonCode = reason, Message = message };

    private sealed record Context(
        NodeDecisionInput Input,
        ServerIndex Index,
        Dictionary<string, VanishedServer> Vanished,
        HashSet<string> Deleting,
        HashSet<string> Confirmed,
        string? Refused);
}
