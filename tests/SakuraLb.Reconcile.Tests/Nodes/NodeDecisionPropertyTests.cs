using CsCheck;
using static SakuraLb.Reconcile.Tests.Nodes.NodeSamples;

namespace SakuraLb.Reconcile.Tests.Nodes;

/// <summary>Rules that must hold for every cluster and every server list, not only the table's examples.</summary>
public sealed class NodeDecisionPropertyTests
{
    /// <summary>How a generated Node is registered, and what the zone holds for it.</summary>
    internal sealed record NodeCase(bool Initialised, bool Tainted, int Servers, bool ServerGone, bool PoweredOff, bool ProvidedIpOk, bool Recorded, int RecordAgeSeconds);

    internal sealed record Cluster(NodeCase[] Nodes, double Share, int NowSeconds, bool ReadFails);

    private static readonly Gen<NodeCase> NodeGen =
        from initialised in Gen.Bool
        from tainted in Gen.Bool
        from servers in Gen.Frequency((1, Gen.Const(0)), (6, Gen.Const(1)), (1, Gen.Const(2)))
        from gone in Gen.Frequency((4, Gen.Const(false)), (1, Gen.Const(true)))
        from off in Gen.Bool
        from providedOk in Gen.Frequency((4, Gen.Const(true)), (1, Gen.Const(false)))
        from recorded in Gen.Bool
        from age in Gen.Int[0, 300]
        select new NodeCase(initialised, tainted, servers, gone, off, providedOk, recorded, age);

    private static readonly Gen<Cluster> ClusterGen =
        from nodes in NodeGen.Array[1, 40]
        from share in Gen.OneOf(Gen.Const(0.1), Gen.Const(0.25), Gen.Double[0.01, 1.0])
        from now in Gen.Int[0, 600]
        from fails in Gen.Frequency((5, Gen.Const(false)), (1, Gen.Const(true)))
        select new Cluster(nodes, share, now, fails);

    /// <summary>Builds the node set, the zone's servers and the earlier missing-server records of a generated cluster.</summary>
    private static (List<NodeSnapshot> Nodes, List<CloudServer>? Servers, List<VanishedServer> Vanished) Build(Cluster c)
    {
        var nodes = new List<NodeSnapshot>();
        var servers = new List<CloudServer>();
        var vanished = new List<VanishedServer>();
        var now = T0.AddSeconds(c.NowSeconds);
        for (var i = 0; i < c.Nodes.Length; i++)
        {
            var n = c.Nodes[i];
            var name = $"n{i:D2}";
            var id = 1000 + i;
            var address = $"10.0.{i / 200}.{(i % 200) + 10}";
            var node = (n.Initialised ? Initialised(name, id, address) : Registered(name)) with
            {
                Taints = n.Tainted ? [Uninitialized] : [],
                ProvidedNodeIp = n.ProvidedIpOk ? null : "192.0.2.1",
            };
            nodes.Add(node);
            if (!(n.Initialised && n.ServerGone))
            {
                for (var s = 0; s < n.Servers; s++)
                {
                    servers.Add(Server(s == 0 ? id : 5000 + i, name, OnSwitch(PrivateSwitch, address)) with { PowerState = n.PoweredOff ? InstanceStatus.Down : InstanceStatus.Up });
                }
            }

            if (n.Recorded && n.Initialised)
            {
                vanished.Add(new VanishedServer(name, node.Uid, id, now.AddSeconds(-n.RecordAgeSeconds)));
            }
        }

        return (nodes, c.ReadFails ? null : servers, vanished);
    }

    private static NodeDecision Run(Cluster c)
    {
        var (nodes, servers, vanished) = Build(c);
        return Decide(nodes, servers, Rules with { MaxDeleteShare = c.Share }, T0.AddSeconds(c.NowSeconds), vanished);
    }

    [Fact]
    public void NeverDeletesMoreThanTheShare() =>
        ClusterGen.Sample(c =>
        {
            var decision = Run(c);
            return decision.Deleting.Count <= NodeDeletionGuard.Limit(c.Nodes.Length, c.Share)
                && decision.Results.Count(r => r.Delete) == decision.Deleting.Count;
        });

    [Fact]
    public void NeverDeletesAfterAFailedRead() =>
        ClusterGen.Select(c => c with { ReadFails = true }).Sample(c =>
        {
            var (nodes, _, vanished) = Build(c);
            var previous = nodes.Select(n => new NodeResult { Name = n.Name, Uid = n.Uid, ReasonCode = ReasonCodes.DeletingNode, Delete = true }).ToList();
            var decision = Decide(nodes, null, Rules with { MaxDeleteShare = c.Share }, T0.AddSeconds(c.NowSeconds), vanished, previous);
            return decision.Deleting.Count == 0 && decision.Results.All(r => !r.Delete);
        });

    [Fact]
    public void DeletesOnlyNodesWhoseServerTwoReadsMissed_NeverWhenAllAreMissing() =>
        ClusterGen.Sample(c =>
        {
            var (nodes, servers, vanished) = Build(c);
            var decision = Run(c);
            var now = T0.AddSeconds(c.NowSeconds);
            var ids = (servers ?? []).Select(s => s.Id).ToHashSet();
            var ours = nodes.Where(n => ProviderIds.Classify(n.ProviderId, out _) == ProviderIdKind.Sakura).ToList();
            var allMissing = ours.All(n => ProviderIds.Classify(n.ProviderId, out var id) == ProviderIdKind.Sakura && !ids.Contains(id));
            return (!allMissing || decision.Deleting.Count == 0)
                && decision.Deleting.All(name =>
                {
                    var node = nodes.Single(n => n.Name == name);
                    ProviderIds.Classify(node.ProviderId, out var id);
                    return !ids.Contains(id)
                        && vanished.Any(v => v.NodeName == name && v.NodeUid == node.Uid && v.ServerId == id && now - v.FirstMissingAt >= Rules.VanishedConfirmAfter);
                });
        });

    [Fact]
    public void ANodeNeverGetsAnotherServersData() =>
        ClusterGen.Select(c => c with { ReadFails = false }).Sample(c =>
        {
            var (nodes, servers, _) = Build(c);
            var decision = Run(c);
            return decision.Results.All(r =>
            {
                var node = nodes.Single(n => n.Name == r.Name);
                if (r.Uid != node.Uid)
                {
                    return false;
                }

                if (r.ProviderId is null && r.Addresses is null && r.Labels.Count == 0 && !r.Initialized)
                {
                    return true;
                }

                // Whatever is filled in comes from exactly one server: the providerID's, or the only one of the Node's name.
                var candidates = ProviderIds.Classify(node.ProviderId, out var id) == ProviderIdKind.Sakura
                    ? servers!.Where(s => s.Id == id).ToList()
                    : servers!.Where(s => s.Name == node.Name).ToList();
                if (candidates.Count != 1)
                {
                    return false;
                }

                var server = candidates[0];
                var own = NodeAddressing.IpAddresses(server).Select(a => a.Address).ToHashSet();
                return (r.ProviderId is null || r.ProviderId == ProviderIds.Format(server.Id))
                    && (r.Addresses ?? []).Where(a => a.Type != WellKnown.NodeHostName).All(a => own.Contains(a.Address));
            });
        });

    [Fact]
    public void NeverOverwritesWhatTheNodeHas() =>
        ClusterGen.Sample(c =>
        {
            var (nodes, _, _) = Build(c);
            return Run(c).Results.All(r =>
            {
                var node = nodes.Single(n => n.Name == r.Name);
                return (r.ProviderId is null || node.ProviderId is null)
                    && r.Labels.Keys.All(k => !node.Labels.ContainsKey(k))
                    && (!r.Initialized || NodeDecisions.HasTaint(node, WellKnown.UninitializedTaint));
            });
        });
}
