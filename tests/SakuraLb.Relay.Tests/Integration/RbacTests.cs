using KubeSim;
using SakuraLb.Relay.Leadership;
using SakuraLb.Relay.Tests.Manifests;

namespace SakuraLb.Relay.Tests.Integration;

/// <summary>The relay's Kubernetes calls and the RBAC rules in infra/relay match exactly.</summary>
public sealed class RbacTests
{
    private static bool Allows(V1PolicyRule rule, string? ruleNamespace, KubeRequestRecord call)
    {
        var resource = call.Subresource.Length == 0 ? call.Resource : $"{call.Resource}/{call.Subresource}";
        return (ruleNamespace is null || ruleNamespace == call.Namespace)
            && rule.ApiGroups.Contains(call.ApiGroup)
            && rule.Resources.Contains(resource)
            && rule.Verbs.Contains(call.Verb)
            && (rule.ResourceNames is not { Count: > 0 } names || names.Contains(call.Name));
    }

    [Fact]
    public async Task RelayCalls_AreAllAllowedByTheManifestsAndEveryGrantIsUsed()
    {
        await using var bed = await RelayTestBed.StartAsync(startRelay: false, seed: ClusterResyncTests.SeedConfigMap);
        var relay = await bed.StartRelayAsync(bed.DefaultOptions() with { LeaderElection = true, LeaseNamespace = "sakuralb-system" });
        await Eventually.UntilAsync(() => relay.Leadership.Role == RelayRole.Leader, "the relay leads");
        await bed.WaitSyncedAsync();

        // A whole lifecycle: finalizer, status, events, deletion and release, Lease renewals.
        var uid = bed.CreateService("web");
        await Eventually.UntilAsync(() => bed.Function.Latest(uid) is not null, "the Service reached the function");
        bed.Function.SetStatus(RelayTestBed.Status(uid, "web", ServicePhase.Ready, "Ready", "up", ips: "203.0.113.101"));
        await Eventually.UntilAsync(() => bed.Service("web")["status"]?["loadBalancer"]?["ingress"] is not null, "the ingress was written");

        // A Local Service: its EndpointSlices are listed and watched.
        bed.Objects.MergePatch("services", "default", "web", """{"spec":{"externalTrafficPolicy":"Local"}}""");
        await Eventually.UntilAsync(() => bed.Function.Latest(uid)?.Endpoints is not null, "the Local Service's endpoints were forwarded");
        await Eventually.UntilAsync(() => bed.Kube.RequestLog.Any(r => r.Resource == "endpointslices" && r.Verb == "watch"), "the slices are watched");
        bed.Objects.Delete("services", "default", "web");

        // The function publishes its release only after it saw the deletion, as in production.
        await Eventually.UntilAsync(() => bed.Function.Latest(uid)?.DeletionTimestamp is not null, "the deletion reached the function");
        bed.Function.SetStatus(bed.Released(uid, "web", "gone"));
        await Eventually.UntilAsync(() => bed.Objects.Get("services", "default", "web") is null, "the finalizer was released");

        // The node controller's writes: initialising a registered Node (addresses, then providerID, labels and
        // taints), and deleting one whose server is gone.
        var registered = bed.Objects.CreateNode("node-4", "10.0.0.14");
        var uid4 = registered["metadata"]!["uid"]!.GetValue<string>();
        bed.Function.SetNodeResult(new NodeResult
        {
            Name = "node-4",
            Uid = uid4,
            ProviderId = "sakuracloud://4",
            Addresses = [new(WellKnown.NodeInternalIP, "10.0.0.14"), new(WellKnown.NodeExternalIP, "203.0.113.14"), new(WellKnown.NodeHostName, "node-4")],
            Labels = new Dictionary<string, string> { [WellKnown.ZoneLabel] = "is1a" },
            Shutdown = true,
            ReasonCode = "ServerShutdown",
            Message = "powered off",
        });
        var uid3 = bed.Objects.Get("nodes", null, "node-3")!["metadata"]!["uid"]!.GetValue<string>();
        bed.Function.SetNodeResult(new NodeResult { Name = "node-3", Uid = uid3, Delete = true, ReasonCode = "DeletingNode", Message = "gone" });
        await Eventually.UntilAsync(() => bed.Objects.Get("nodes", null, "node-3") is null, "node-3 was deleted");
        await Eventually.UntilAsync(() => bed.Objects.Get("nodes", null, "node-4")?["spec"]?["taints"] is not null, "node-4 was tainted");
        await Eventually.UntilAsync(() => bed.Kube.RequestLog.Count(r => r.Resource == "leases" && r.Verb == "update") >= 2, "the Lease was renewed");

        // A cluster-wide resync through the ConfigMap: list and watch it by name, the Event, the answered value.
        ClusterResyncTests.Request(bed.Objects, "rbac");
        await Eventually.UntilAsync(
            () => bed.Objects.Get("configmaps", "sakuralb-system", WellKnown.ClusterResyncConfigMap)?["metadata"]?["annotations"]?[WellKnown.ResyncAnsweredAnnotation] is not null,
            "the cluster resync was answered");

        // The simulator logs a request once it has answered, after the object changed: wait for the entry.
        await Eventually.UntilAsync(
            () => bed.Kube.RequestLog.Any(r => r.Resource == "configmaps" && r.Verb == "patch"),
            "the answer's patch was logged");

        // Every request the simulator served came from the relay (the test itself bypasses HTTP).
        var calls = bed.Kube.RequestLog.Where(r => r.IsResourceRequest).ToArray();
        var rules = RelayManifests.Rules();
        var denied = calls.Where(c => !rules.Any(r => Allows(r.Rule, r.Namespace, c))).Select(c => $"{c.Verb} {c.ApiGroup}/{c.Resource}/{c.Subresource} ns={c.Namespace} name={c.Name}").Distinct().ToArray();
        Assert.True(denied.Length == 0, "calls not granted: " + string.Join("; ", denied));

        // Least privilege: every verb on every resource granted was needed.
        foreach (var (rule, ns) in rules)
        {
            foreach (var group in rule.ApiGroups)
            {
                foreach (var resource in rule.Resources)
                {
                    foreach (var verb in rule.Verbs)
                    {
                        var parts = resource.Split('/');
                        Assert.True(
                            calls.Any(c => c.ApiGroup == group && c.Resource == parts[0] && c.Subresource == (parts.Length > 1 ? parts[1] : "") && c.Verb == verb && (ns is null || c.Namespace == ns)),
                            $"the grant {verb} {group}/{resource} was never used");
                    }
                }
            }
        }
    }
}
