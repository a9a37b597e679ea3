namespace SakuraLb.Relay.Tests.Integration;

/// <summary>Services this controller does not handle are never forwarded and never written to.</summary>
public sealed class ScopeTests
{
    [Fact]
    public async Task ForeignClassService_IsNeverForwardedNorTouched()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        var foreign = bed.CreateService("metallb", loadBalancerClass: "metallb.io/metallb");
        var clusterIp = bed.CreateService("internal", type: "ClusterIP");
        var ours = bed.CreateService("ours");

        // Even if the function (wrongly) published status for the foreign Service, the relay leaves it alone.
        bed.Function.SetStatus(RelayTestBed.Status(foreign, "metallb", ServicePhase.Ready, "Ready", "up", ips: "203.0.113.9"));
        bed.Objects.MergePatch("services", "default", "metallb", """{"metadata":{"annotations":{"k8s.usacloud.jp/load-balancer-plan":"premium"}}}""");
        bed.Objects.Delete("services", "default", "metallb");

        await Eventually.UntilAsync(() => bed.Function.Latest(ours) is not null, "our Service was forwarded");
        // Four events out of scope: the foreign Service's create, change and deletion, and the ClusterIP Service's create.
        await Eventually.UntilAsync(() => bed.Relay.Metrics.Count("irrelevant", "service", "out_of_scope") >= 4, "the relay saw every event of the two Services");
        await Eventually.UntilAsync(() => bed.Relay.Pipeline.Outbox.IsEmpty, "nothing is pending");

        Assert.Null(bed.Function.Latest(foreign));
        Assert.Null(bed.Function.Latest(clusterIp));
        Assert.DoesNotContain(bed.Kube.RequestLog, r => r.Verb is "patch" or "update" && r.Name is "metallb" or "internal");
        Assert.DoesNotContain(bed.Objects.List("events.events.k8s.io", "default"), e => e["regarding"]?["name"]?.GetValue<string>() is "metallb" or "internal");
    }

    [Fact]
    public async Task ClassMode_OnlyServicesOfOurClassAreHandled()
    {
        await using var bed = await RelayTestBed.StartAsync(o => o with { LoadBalancerClass = "k8s.usacloud.jp/sakura" });
        await bed.WaitSyncedAsync();
        var ours = bed.CreateService("ours", loadBalancerClass: "k8s.usacloud.jp/sakura");
        var classless = bed.CreateService("classless");

        await Eventually.UntilAsync(() => bed.Function.Latest(ours)?.HasCleanupFinalizer == true, "our class was forwarded with the finalizer");
        await Eventually.UntilAsync(() => bed.Relay.Metrics.Count("irrelevant", "service", "out_of_scope") >= 1, "the class-less Service was seen");
        Assert.Null(bed.Function.Latest(classless));
        Assert.Empty(RelayTestBed.Finalizers(bed.Service("classless")));
    }
}
