using System.Net;
using System.Text.Json.Nodes;
using k8s.Autorest;
using SakuraLb.Relay.Projection;
using SakuraLb.Relay.Status;

namespace SakuraLb.Relay.Tests.Unit;

public sealed class KubeWritesTests
{
    private static JsonNode Body(V1Patch patch) => JsonNode.Parse((string)patch.Content)!;

    [Fact]
    public void AddFinalizer_TestsTheResourceVersionFirst()
    {
        var patch = KubeWrites.AddFinalizerPatch(new AddFinalizer("default", "web", "42", HasFinalizerList: false));

        Assert.Equal(V1Patch.PatchType.JsonPatch, patch.Type);
        Assert.Equal(
            """[{"op":"test","path":"/metadata/resourceVersion","value":"42"},{"op":"add","path":"/metadata/finalizers","value":["service.kubernetes.io/load-balancer-cleanup"]}]""",
            Body(patch).ToJsonString());
    }

    [Fact]
    public void AddFinalizer_ToAnExistingList_Appends() =>
        Assert.Equal("/metadata/finalizers/-", Body(KubeWrites.AddFinalizerPatch(new AddFinalizer("default", "web", "42", HasFinalizerList: true)))[1]!["path"]!.GetValue<string>());

    [Fact]
    public void RemoveFinalizer_TestsVersionAndEntryThenRemovesByIndex()
    {
        var ops = Body(KubeWrites.RemoveFinalizerPatch(new RemoveFinalizer("default", "web", "43", 2))).AsArray();

        Assert.Equal(["test", "test", "remove"], ops.Select(o => o!["op"]!.GetValue<string>()));
        Assert.Equal("/metadata/finalizers/2", ops[2]!["path"]!.GetValue<string>());
        Assert.Equal("service.kubernetes.io/load-balancer-cleanup", ops[1]!["value"]!.GetValue<string>());
    }

    [Fact]
    public void IngressPatch_IsAMergePatchOfTheWholeList_OrNullToClear_NamingTheServiceUid()
    {
        var set = KubeWrites.IngressPatch(new SetIngress("default", "web", "uid-1", [new IngressPoint("203.0.113.1", "VIP")]));
        var clear = KubeWrites.IngressPatch(new SetIngress("default", "web", "uid-1", []));

        Assert.Equal(V1Patch.PatchType.MergePatch, set.Type);
        Assert.Equal("""{"metadata":{"uid":"uid-1"},"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.1","ipMode":"VIP"}]}}}""", Body(set).ToJsonString());
        Assert.Equal("""{"metadata":{"uid":"uid-1"},"status":{"loadBalancer":{"ingress":null}}}""", Body(clear).ToJsonString());
    }

    [Fact]
    public void Event_RegardsTheServiceAndNamesTheReporter()
    {
        var action = new RecordEvent("default", "web", "uid-1", "44", "web.0011223344556677", "Warning", "AddressesExhausted", "EnsureLoadBalancer", "no free address", "Failed/AddressesExhausted", null);

        var e = KubeWrites.Event(action, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), "k8s.usacloud.jp/sakuralb-relay", "relay-7d9f");

        Assert.Equal("web.0011223344556677", e.Metadata.Name);
        Assert.Equal(("Service", "web", "uid-1", "v1"), (e.Regarding.Kind, e.Regarding.Name, e.Regarding.Uid, e.Regarding.ApiVersion));
        Assert.Equal(("Warning", "AddressesExhausted", "relay-7d9f"), (e.Type, e.Reason, e.ReportingInstance));
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, false, WriteOutcome.Gone)]
    [InlineData(HttpStatusCode.Conflict, false, WriteOutcome.Conflict)]
    [InlineData(HttpStatusCode.UnprocessableEntity, false, WriteOutcome.Conflict)]
    [InlineData(HttpStatusCode.Conflict, true, WriteOutcome.AlreadyRecorded)]
    [InlineData(HttpStatusCode.UnprocessableEntity, true, WriteOutcome.Failed)]
    [InlineData(HttpStatusCode.Forbidden, false, WriteOutcome.Failed)]
    [InlineData(HttpStatusCode.InternalServerError, true, WriteOutcome.Failed)]
    public void Classify_MapsApiErrors(HttpStatusCode status, bool isEvent, WriteOutcome expected)
    {
        using var response = new HttpResponseMessage(status);
        var error = new HttpOperationException("failed") { Response = new HttpResponseMessageWrapper(response, "") };

        Assert.Equal(expected, KubeWrites.Classify(error, isEvent));
    }
}
