using System.Text.Json.Nodes;
using SakuraLb.Relay.Delivery;
using SakuraLb.Relay.Resync;
using SakuraLb.Relay.Status;

namespace SakuraLb.Relay.Tests.Unit;

public sealed class ClusterResyncRulesTests
{
    private static V1ConfigMap ConfigMap(string? requested, string? answered)
    {
        var annotations = new Dictionary<string, string>();
        if (requested is not null)
        {
            annotations[WellKnown.ResyncRequestedAtAnnotation] = requested;
        }

        if (answered is not null)
        {
            annotations[WellKnown.ResyncAnsweredAnnotation] = answered;
        }

        return new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "sakuralb-resync", NamespaceProperty = "sakuralb-system", Uid = "uid-cm", Annotations = annotations } };
    }

    [Theory]
    [InlineData(null, null, null, null)]
    [InlineData("", null, null, null)]
    [InlineData("  ", null, null, null)]
    [InlineData("t1", null, null, "t1")]
    [InlineData("t1", "t1", null, null)]
    [InlineData("t2", "t1", null, "t2")]
    [InlineData("t2", "t1", "t2", null)]
    [InlineData("t1", "t2", null, "t1")]
    public void Pending_IsTheRequestedValue_OnlyWhenNeitherTheConfigMapNorThisProcessAnsweredIt(string? requested, string? answered, string? answeredHere, string? expected) =>
        Assert.Equal(expected, ClusterResyncRules.Pending(ConfigMap(requested, answered), answeredHere));

    [Fact]
    public void Pending_NoConfigMapOrNoAnnotations_IsNull()
    {
        Assert.Null(ClusterResyncRules.Pending(null, null));
        Assert.Null(ClusterResyncRules.Pending(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "x" } }, null));
    }

    [Fact]
    public void Answer_NothingStarted_SaysNoChange()
    {
        var text = ClusterResyncRules.Answer("sakuralb-resync", "uid-cm", "t1", new FunctionResponse(202, null, []), new ResyncResponse(), 12, TimeSpan.FromSeconds(1.26));

        Assert.Equal(("Normal", WriteBackPlanner.ReasonResynced, "Resync"), (text.Type, text.Reason, text.Action));
        Assert.Equal("Resync requested; reconciled 12 Services in 1.3 s: no change", text.Note);
        Assert.Equal(EventNames.ResyncAnswer("sakuralb-resync", "uid-cm", "t1"), text.EventName);
    }

    [Fact]
    public void Answer_SuccessWithoutAReadableList_DoesNotClaimNoChange() =>
        Assert.EndsWith(
            ": reconciling what is behind or drifted (the function app's answer did not list it)",
            ClusterResyncRules.Answer("cm", "uid", "t", new FunctionResponse(202, null, []), null, 4, TimeSpan.Zero).Note,
            StringComparison.Ordinal);

    [Fact]
    public void Answer_OneService_IsSingular() =>
        Assert.StartsWith(
            "Resync requested; reconciled 1 Service in",
            ClusterResyncRules.Answer("cm", "uid", "t", new FunctionResponse(202, null, []), new ResyncResponse(), 1, TimeSpan.Zero).Note,
            StringComparison.Ordinal);

    [Fact]
    public void Answer_ManyStarted_NamesTheFirstAndCountsTheRest()
    {
        var started = new ResyncResponse { Services = [.. Enumerable.Range(1, 13).Select(i => new ServiceReference($"u{i}", "ns", $"svc{i}"))] };

        var text = ClusterResyncRules.Answer("cm", "uid", "t", new FunctionResponse(202, null, []), started, 40, TimeSpan.FromSeconds(2));

        Assert.StartsWith("Resync requested; reconciled 40 Services in 2.0 s: 13 behind or drifted, now reconciling: ns/svc1, ns/svc2,", text.Note, StringComparison.Ordinal);
        Assert.EndsWith("ns/svc10 and 3 more", text.Note, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "no answer within 30 s", "the function app could not be reached (no answer within 30 s)")]
    [InlineData(503, "Unavailable: the cloud", "the function app answered 503 (Unavailable: the cloud)")]
    public void Answer_Failure_IsAWarningWithTheReason(int code, string detail, string reason)
    {
        var text = ClusterResyncRules.Answer("cm", "uid", "t", new FunctionResponse(code, detail, []), null, 3, TimeSpan.FromSeconds(0.5));

        Assert.Equal(("Warning", ClusterResyncRules.ReasonFailed), (text.Type, text.Reason));
        Assert.Equal($"Resync requested; failed after 0.5 s: {reason}. Annotate the ConfigMap again to retry.", text.Note);
    }

    [Fact]
    public void Answer_TwoValues_HaveDistinctEventNames_AndTheSameValueTheSameName()
    {
        var ok = new FunctionResponse(202, null, []);
        var a = ClusterResyncRules.Answer("cm", "uid", "t1", ok, null, 0, TimeSpan.Zero).EventName;

        Assert.Equal(a, ClusterResyncRules.Answer("cm", "uid", "t1", new FunctionResponse(503, "x", []), null, 0, TimeSpan.Zero).EventName);
        Assert.NotEqual(a, ClusterResyncRules.Answer("cm", "uid", "t2", ok, null, 0, TimeSpan.Zero).EventName);
        Assert.NotEqual(a, ClusterResyncRules.Answer("cm", "uid-2", "t1", ok, null, 0, TimeSpan.Zero).EventName);
    }

    [Fact]
    public void AnsweredPatch_WritesOnlyTheAnsweredAnnotation_NamingTheUid()
    {
        var patch = JsonNode.Parse((string)ClusterResyncRules.AnsweredPatch("uid-cm", "t1").Content)!;

        Assert.Equal("uid-cm", patch["metadata"]!["uid"]!.GetValue<string>());
        var annotations = patch["metadata"]!["annotations"]!.AsObject();
        Assert.Equal("t1", Assert.Single(annotations).Value!.GetValue<string>());
        Assert.Equal(WellKnown.ResyncAnsweredAnnotation, annotations.Single().Key);
    }

    [Fact]
    public void Event_IsAboutTheConfigMap_InItsNamespace()
    {
        var cm = ConfigMap("t1", null);
        var text = ClusterResyncRules.Answer("sakuralb-resync", "uid-cm", "t1", new FunctionResponse(202, null, []), null, 1, TimeSpan.Zero);

        var recorded = ClusterResyncRules.Event(cm, text, DateTimeOffset.UnixEpoch, "ctl", "relay-a");

        Assert.Equal("sakuralb-system", recorded.Metadata.NamespaceProperty);
        Assert.Equal(("ConfigMap", "sakuralb-resync", "uid-cm"), (recorded.Regarding.Kind, recorded.Regarding.Name, recorded.Regarding.Uid));
        Assert.Equal(text.EventName, recorded.Metadata.Name);
    }
}
