using System.Text.Json.Nodes;
using KubeSim;
using SakuraLb.Relay.Resync;
using SakuraLb.Relay.Status;

namespace SakuraLb.Relay.Tests.Integration;

/// <summary>A cluster-wide resync asked for by annotating the relay's ConfigMap: answered once per value, with an Event.</summary>
public sealed class ClusterResyncTests
{
    private const string Ns = "sakuralb-system";

    /// <summary>The ConfigMap the manifests create (infra/relay), in the relay's namespace.</summary>
    internal static void SeedConfigMap(KubeObjectStore objects) => objects.CreateConfigMap(Ns, WellKnown.ClusterResyncConfigMap);

    internal static void Request(KubeObjectStore objects, string value) =>
        objects.MergePatch("configmaps", Ns, WellKnown.ClusterResyncConfigMap, new JsonObject
        {
            ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [WellKnown.ResyncRequestedAtAnnotation] = value } },
        }.ToJsonString());

    private static JsonObject ConfigMap(RelayTestBed bed) => bed.Objects.Get("configmaps", Ns, WellKnown.ClusterResyncConfigMap)!;

    private static string? Answered(RelayTestBed bed) => ConfigMap(bed)["metadata"]?["annotations"]?[WellKnown.ResyncAnsweredAnnotation]?.GetValue<string>();

    private static IReadOnlyList<JsonObject> Events(RelayTestBed bed) =>
        bed.Objects.List("events.events.k8s.io", Ns)
            .Where(e => e["regarding"]?["name"]?.GetValue<string>() == WellKnown.ClusterResyncConfigMap)
            .ToArray();

    private static int ClusterResyncs(RelayTestBed bed) => bed.Function.Resyncs.Count(r => r.Namespace is null && r.Name is null);

    private static async Task<RelayTestBed> StartAsync()
    {
        var bed = await RelayTestBed.StartAsync(seed: SeedConfigMap);
        await bed.WaitSyncedAsync();
        return bed;
    }

    [Fact]
    public async Task NewRequest_ResyncsTheClusterOnce_AndAnswersWithAnEventOnTheConfigMap()
    {
        await using var bed = await StartAsync();
        bed.CreateService("web");
        bed.CreateService("api", ns: "shop");
        await Eventually.UntilAsync(() => bed.Function.AllSnapshots.Select(s => s.Name).Distinct().Count() == 2, "both Services reached the function");
        bed.Function.ResyncAnswer = new ResyncResponse { Services = [new ServiceReference("uid-web", "default", "web")] };
        var batchesBefore = bed.Function.Batches.Count;

        Request(bed.Objects, "2026-12-02T10:00:00Z");

        await Eventually.UntilAsync(() => Answered(bed) == "2026-12-02T10:00:00Z", "the request was marked answered");
        var answer = Assert.Single(Events(bed));
        Assert.Equal("Normal", answer["type"]!.GetValue<string>());
        Assert.Equal(WriteBackPlanner.ReasonResynced, answer["reason"]!.GetValue<string>());
        Assert.Matches(@"^Resync requested; reconciled 2 Services in \d+\.\d s: 1 behind or drifted, now reconciling: default/web$", answer["note"]!.GetValue<string>());
        Assert.Equal(ConfigMap(bed)["metadata"]!["uid"]!.GetValue<string>(), answer["regarding"]!["uid"]!.GetValue<string>());
        Assert.Equal("ConfigMap", answer["regarding"]!["kind"]!.GetValue<string>());
        Assert.Equal(1, ClusterResyncs(bed));

        // The relay's own full resync went out too: both Services and the node set again.
        await Eventually.UntilAsync(
            () => bed.Function.Batches.Skip(batchesBefore).SelectMany(b => b.Batch.Services).Select(s => s.Name).Distinct().Count() == 2
                && bed.Function.Batches.Skip(batchesBefore).Any(b => b.Batch.Nodes is not null),
            "every Service and the node set were resent");
    }

    [Fact]
    public async Task SameValueAgain_OrAnotherEditOfTheConfigMap_CostsNothing_ButANewValueIsAnsweredAgain()
    {
        await using var bed = await StartAsync();
        Request(bed.Objects, "first");
        await Eventually.UntilAsync(() => Answered(bed) == "first", "the first request was answered");

        Request(bed.Objects, "first");
        bed.Objects.MergePatch("configmaps", Ns, WellKnown.ClusterResyncConfigMap, """{"metadata":{"labels":{"touched":"yes"}}}""");
        bed.Objects.MergePatch("configmaps", Ns, WellKnown.ClusterResyncConfigMap, """{"data":{"note":"unrelated"}}""");

        // Then a new value: it is answered, and only it; the edits before it cost nothing.
        Request(bed.Objects, "second");
        await Eventually.UntilAsync(() => Answered(bed) == "second", "the second request was answered");
        Assert.Equal(2, ClusterResyncs(bed));
        Assert.Equal(2, Events(bed).Count);
    }

    [Fact]
    public async Task AnsweredValue_IsNotResyncedAgain_ByARestartedRelay()
    {
        await using var bed = await StartAsync();
        Request(bed.Objects, "before-restart");
        await Eventually.UntilAsync(() => Answered(bed) == "before-restart", "the request was answered");
        await bed.Relay.StopAsync();

        var second = await bed.StartRelayAsync(bed.DefaultOptions("relay-b"));
        await bed.WaitSyncedAsync(second);
        await Eventually.UntilAsync(() => second.Pipeline.ClusterResync.Evaluated > 0, "the new relay looked at the ConfigMap");
        Assert.Equal(1, ClusterResyncs(bed));

        // A request made after the restart is answered as usual.
        Request(bed.Objects, "after-restart");
        await Eventually.UntilAsync(() => Answered(bed) == "after-restart", "the new request was answered");
        Assert.Equal(2, ClusterResyncs(bed));
    }

    [Fact]
    public async Task RequestMadeWhileNoRelayRan_IsAnsweredWhenOneStarts()
    {
        await using var bed = await RelayTestBed.StartAsync(startRelay: false, seed: SeedConfigMap);
        Request(bed.Objects, "while-down");

        await bed.StartRelayAsync(bed.DefaultOptions());

        await Eventually.UntilAsync(() => Answered(bed) == "while-down", "the request was answered");
        Assert.Equal(1, ClusterResyncs(bed));
        Assert.Single(Events(bed));
    }

    [Fact]
    public async Task FunctionRefusing_IsAnsweredWithAWarning_AndTheValueIsNotTriedAgain()
    {
        await using var bed = await StartAsync();
        bed.Function.ResyncStatusCode = 403;

        Request(bed.Objects, "refused");

        await Eventually.UntilAsync(() => Answered(bed) == "refused", "the request was answered");
        var warning = Assert.Single(Events(bed));
        Assert.Equal("Warning", warning["type"]!.GetValue<string>());
        Assert.Equal(ClusterResyncRules.ReasonFailed, warning["reason"]!.GetValue<string>());
        Assert.Contains("the function app answered 403", warning["note"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, ClusterResyncs(bed));
    }

    [Fact]
    public async Task FunctionFailingTransiently_IsTriedAgainBeforeTheAnswer()
    {
        await using var bed = await StartAsync();
        bed.Function.ResyncStatusCode = 503;

        Request(bed.Objects, "flaky");

        await Eventually.UntilAsync(() => Answered(bed) == "flaky", "the request was answered");
        Assert.Equal(ClusterResyncWatcher.MaxAttempts, ClusterResyncs(bed));
        Assert.Equal(ClusterResyncRules.ReasonFailed, Assert.Single(Events(bed))["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task WithoutTheConfigMap_TheRelayWorksAsBefore_AndAnswersOnceItIsCreated()
    {
        await using var bed = await RelayTestBed.StartAsync();
        await bed.WaitSyncedAsync();
        var uid = bed.CreateService("web");
        await Eventually.UntilAsync(() => bed.Function.Latest(uid) is not null, "the Service reached the function");

        SeedConfigMap(bed.Objects);
        Request(bed.Objects, "late");

        await Eventually.UntilAsync(() => Answered(bed) == "late", "the request was answered");
        Assert.Equal(1, ClusterResyncs(bed));
    }
}
