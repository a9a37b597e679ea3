using System.Text.Json;
using DurableHost.Serialization;
using Microsoft.DurableTask.Converters;
using SakuraLb.Functions.Activities;
using SakuraLb.Reconcile.Addressing;
using SakuraLb.Reconcile.Desired;
using SakuraLb.Reconcile.Observed;
using SakuraLb.Reconcile.Planning;
using SakuraLb.Reconcile.Scope;

namespace SakuraLb.Functions.Tests.Activities;

/// <summary>
/// Activity inputs and outputs cross the durable boundary as JSON: in the Functions host through the worker's
/// serializer (<see cref="FunctionsWorkerDataConverter"/>, what the tests' engines use too), and they must also
/// survive the SDK's own default converter and web-style JSON.
/// </summary>
public sealed class DurablePayloadTests
{
    /// <summary>What the worker wrote for <see cref="Publish"/> before the input was made of a context and an outcome: one flat object.</summary>
    private const string PublishInputOfAHistoryInFlight = """
        {"ClusterId":"c","Uid":"u","Namespace":"n","Name":"s","ResourceVersion":"1","Phase":4,"ReasonCode":"X","Message":"m",
         "IngressIps":["1.2.3.4"],"FinalizerReleasable":true,"Warnings":[{"Code":"A","Message":"b","Field":"f"}],"DesiredSeq":1,"NodeSeq":2,
         "NodeFingerprint":"f","RealServerHash":"h","Settled":true,"Interim":false,"FirstSeenAt":"1970-01-01T00:00:00+00:00",
         "IssuedAt":"1970-01-01T01:00:00+00:00","ResyncRequest":"r","RequestStoredAt":"1970-01-01T00:30:00+00:00","Changes":"none",
         "LoadBalancer":{"Id":9,"Name":"lb","Plan":"standard","HighAvailability":false,"RealServers":[{"Node":"n1","Address":"10.0.0.1"}]}}
        """;

    public static TheoryData<string> Converters() => ["functions worker", "sdk default", "web"];

    private static T RoundTrip<T>(string converter, T value) => Read<T>(converter, converter switch
    {
        "functions worker" => FunctionsWorkerDataConverter.Default.Serialize(value)!,
        "sdk default" => JsonDataConverter.Default.Serialize(value)!,
        _ => JsonSerializer.Serialize(value, JsonSerializerOptions.Web),
    });

    private static T Read<T>(string converter, string json) => converter switch
    {
        "functions worker" => (T)FunctionsWorkerDataConverter.Default.Deserialize(json, typeof(T))!,
        "sdk default" => (T)JsonDataConverter.Default.Deserialize(json, typeof(T))!,
        _ => JsonSerializer.Deserialize<T>(json, JsonSerializerOptions.Web)!,
    };

    [Theory]
    [MemberData(nameof(Converters))]
    public void OrchestrationInputsAndFence_RoundTrip(string converter)
    {
        var fence = new FenceInput("c", "u", 7, "nf", NodesMatter: true);

        Assert.Equal(fence, RoundTrip(converter, fence));
        Assert.Equal(FenceOutcome.Moved, RoundTrip(converter, FenceOutcome.Moved));
        Assert.Equal(new ReconcileInput("c", "u", 3), RoundTrip(converter, new ReconcileInput("c", "u", 3)));
        Assert.Equal(new ReconcileResult(ReconcileOutcome.Converged, 2, ServicePhase.Ready, "Ready"), RoundTrip(converter, new ReconcileResult(ReconcileOutcome.Converged, 2, ServicePhase.Ready, "Ready")));
    }

    [Fact]
    public void ReconcileResult_ShowsItsOutcomeInLowerCaseWithDashes_AsWhenOutcomesWereStrings()
    {
        var json = FunctionsWorkerDataConverter.Default.Serialize(new ReconcileResult(ReconcileOutcome.MaxPasses, 10));

        Assert.Contains("\"Outcome\":\"max-passes\"", json, StringComparison.Ordinal);
        Assert.Equal(
            new ReconcileResult(ReconcileOutcome.Converged, 1),
            FunctionsWorkerDataConverter.Default.Deserialize("""{"Outcome":"converged","Passes":1}""", typeof(ReconcileResult)));
    }

    [Fact]
    public void ReconcileInput_FromAnInstanceStartedBeforePassesWereCounted_IsTheFirstPass()
    {
        var old = FunctionsWorkerDataConverter.Default.Deserialize("""{"ClusterId":"c","Uid":"u"}""", typeof(ReconcileInput));

        Assert.Equal(new ReconcileInput("c", "u", 1), old);
    }

    [Theory]
    [MemberData(nameof(Converters))]
    public void PlanResult_WithACreatePlan_RoundTrips(string converter)
    {
        var vip = Ipv4Address.Parse("203.0.113.104");
        var settings = new[] { new VipSetting(vip, 80, 10, null, [new RealServerSetting(Ipv4Address.Parse("203.0.113.100"), 80, true, new HealthCheckSpec(HealthCheckProtocol.Http, "/", 200))]) };
        var plan = new Plan(
            [
                new ReserveAddresses([new AddressReservation(7, vip, "u", AddressRole.Vip)]),
                new CreateLoadBalancer(new LoadBalancerCreation
                {
                    Name = "au", Description = "d", Tags = ["@k8s"], SwitchId = 7, NetworkMaskLen = 28, DefaultRoute = Ipv4Address.Parse("203.0.113.97"),
                    Vrid = 1, OwnAddresses = [Ipv4Address.Parse("203.0.113.103")], Vip = vip, Settings = settings,
                }),
                new WaitUntilUp(null, "au"),
                new ApplyConfig(null),
                new Report(ServicePhase.Provisioning, ReasonCodes.Provisioning, "creating"),
            ],
            new PlanOutcome(ServicePhase.Ready, ReasonCodes.Ready, "ok", ["203.0.113.104"], false, [new ValidationProblem(ReasonCodes.NodeWithoutServer, "w")]),
            false);
        var result = new PlanResult
        {
            Exists = true, Intent = ServiceIntent.Ensure, Plan = plan, DesiredSeq = 3, NodeFingerprint = "f", Namespace = "n",
            Reserved = ((ReserveAddresses)plan.Steps[0]).Addresses,
        };

        var back = RoundTrip(converter, result);

        Assert.Equal(5, back.Plan!.Steps.Count);
        var create = Assert.IsType<CreateLoadBalancer>(back.Plan.Steps[1]);
        Assert.Equal(vip, create.Spec.Vip);
        Assert.Equal("/", create.Spec.Settings[0].Servers[0].HealthCheck.Path);
        Assert.Equal(HealthCheckProtocol.Http, create.Spec.Settings[0].Servers[0].HealthCheck.Protocol);
        Assert.IsType<WaitUntilUp>(back.Plan.Steps[2]);
        Assert.Equal(ServiceIntent.Ensure, back.Intent);
        Assert.Equal(3, back.DesiredSeq);
        Assert.Equal(AddressRole.Vip, Assert.IsType<ReserveAddresses>(back.Plan.Steps[0]).Addresses[0].Role);
        Assert.Equal(result.Reserved, back.Reserved);
    }

    [Theory]
    [MemberData(nameof(Converters))]
    public void PlanRequestWithItsQuietPeriod_AndAWaitingPlanResult_RoundTrip(string converter)
    {
        var now = new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
        var request = new PlanRequest("c", "u", [], now) { Quiet = new NodeQuiet(TimeSpan.FromSeconds(2), now.AddSeconds(30)) };
        var waiting = new PlanResult { Exists = true, DesiredSeq = 3, QuietUntil = now.AddSeconds(2) };

        var back = RoundTrip(converter, request);

        Assert.Equal((request.ClusterId, request.Uid, request.Now, request.Quiet), (back.ClusterId, back.Uid, back.Now, back.Quiet));
        Assert.Equal(waiting.QuietUntil, RoundTrip(converter, waiting).QuietUntil);
    }

    [Theory]
    [MemberData(nameof(Converters))]
    public void StepResultAndPublishInput_RoundTrip(string converter)
    {
        var step = StepResult.Failed(ReasonCodes.AuthFailed, "no") with { LoadBalancerId = 9 };
        var publish = Publish();

        Assert.Equal(step, RoundTrip(converter, step));
        AssertSamePublish(publish, RoundTrip(converter, publish));
    }

    [Fact]
    public void PublishInput_IsWrittenFlat_AsBeforeItWasMadeOfContextAndOutcome()
    {
        var written = JsonNode.Parse(FunctionsWorkerDataConverter.Default.Serialize(Publish())!)!.AsObject();

        Assert.Equal(
            JsonNode.Parse(PublishInputOfAHistoryInFlight)!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal),
            written.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Converters))]
    public void PublishInput_InTheShapeOfAHistoryInFlight_Reads(string converter) =>
        AssertSamePublish(Publish(), Read<PublishInput>(converter, PublishInputOfAHistoryInFlight));

    private static PublishInput Publish() => new(
        new PublishContext("c", "u", "n", "s", "1", 1, 2, "f", "h", true, false, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddHours(1))
        {
            ResyncRequest = "r",
            RequestStoredAt = DateTimeOffset.UnixEpoch.AddMinutes(30),
            Changes = "none",
        },
        new PlanOutcome(ServicePhase.Failed, "X", "m", ["1.2.3.4"], true, [new ValidationProblem("A", "b", "f")],
            new LoadBalancerSummary { Id = 9, Name = "lb", Plan = "standard", RealServers = [new RealServerSummary("n1", "10.0.0.1")] }));

    private static void AssertSamePublish(PublishInput expected, PublishInput actual)
    {
        Assert.Equal(expected.Context, actual.Context);
        Assert.Equal(expected.Outcome.Warnings, actual.Outcome.Warnings);
        Assert.Equal(expected.Outcome.IngressIps, actual.Outcome.IngressIps);
        Assert.True(LoadBalancerSummary.Same(expected.Outcome.LoadBalancer, actual.Outcome.LoadBalancer));
        Assert.Equal(
            expected.Outcome with { Warnings = actual.Outcome.Warnings, IngressIps = actual.Outcome.IngressIps, LoadBalancer = actual.Outcome.LoadBalancer },
            actual.Outcome);
    }
}
