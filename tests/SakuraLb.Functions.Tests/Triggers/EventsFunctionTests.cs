using System.Globalization;
using System.Text;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using SakuraLb.Functions.Ingest;
using SakuraLb.Functions.Triggers;
using NSubstitute;

namespace SakuraLb.Functions.Tests.Triggers;

/// <summary><c>POST /api/events</c>: every rejection is the right 4xx with a problem document, and stores nothing.</summary>
public sealed class EventsFunctionTests
{
    private static byte[] Batch(IReadOnlyList<ServiceSnapshot>? services = null, NodeSetSnapshot? nodes = null, string cluster = FunctionHarness.ClusterId) =>
        ModelJson.SerializeToUtf8Bytes(new EventBatch { ClusterId = cluster, SentAt = DateTimeOffset.UtcNow, Services = services ?? [], Nodes = nodes });

    private static async Task<(int Status, JsonObject? Body)> RunAsync(FunctionHarness harness, Microsoft.AspNetCore.Http.HttpRequest request)
    {
        var (status, body) = TestApp.Read(await harness.Get<EventsFunction>().Run(request, harness.Client, CancellationToken.None));
        return (status, string.IsNullOrEmpty(body) ? null : JsonNode.Parse(body)!.AsObject());
    }

    private static async Task AssertNothingStoredAsync(FunctionHarness harness)
    {
        Assert.Empty(await harness.Get<IDesiredStore>().ListAsync(FunctionHarness.ClusterId, default));
        Assert.Null(await harness.Get<INodeSetStore>().GetAsync(FunctionHarness.ClusterId, default));
        Assert.Empty(harness.Starts());
    }

    [Fact]
    public async Task Events_ValidBatch_StoresEverythingThenStartsEachChangedService()
    {
        using var harness = FunctionHarness.Create();
        var a = Snapshots.Service(Snapshots.NewUid(), "a", [80]);
        var b = Snapshots.Service(Snapshots.NewUid(), "b", [80, 443]);

        var (status, body) = await RunAsync(harness, SignedRequests.Events(Batch([a, b], Snapshots.DefaultNodes())));

        Assert.Equal(202, status);
        Assert.Equal(2, (int)body!["accepted"]!);
        Assert.True((bool)body["nodesAccepted"]!);
        Assert.Equal(["svc-" + a.Uid, "svc-" + b.Uid], body["reconciling"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(2, (await harness.Get<IDesiredStore>().ListAsync(FunctionHarness.ClusterId, default)).Count);
        var starts = harness.Starts();
        Assert.Equal(["svc-" + a.Uid, "svc-" + b.Uid], starts.Select(s => s.InstanceId));
        Assert.All(starts, s => Assert.Equal(
            [nameof(OrchestrationRuntimeStatus.Pending), nameof(OrchestrationRuntimeStatus.Running), nameof(OrchestrationRuntimeStatus.Suspended)],
            s.DedupeStatuses!.Select(x => x.ToString()!).Order(StringComparer.Ordinal)));
        Assert.All(starts, s => Assert.Null(s.StartAt));
    }

    [Fact]
    public async Task Events_OlderSnapshot_IsStaleAndStartsNothing()
    {
        using var harness = FunctionHarness.Create();
        var service = Snapshots.Service(Snapshots.NewUid(), "a", [80], "7");
        await RunAsync(harness, SignedRequests.Events(Batch([service])));
        harness.Client.ClearReceivedCalls();

        var (status, body) = await RunAsync(harness, SignedRequests.Events(Batch([service with { ResourceVersion = "6" }])));

        Assert.Equal(202, status);
        Assert.Equal((0, 1), ((int)body!["accepted"]!, (int)body["stale"]!));
        Assert.Empty(harness.Starts());
    }

    [Fact]
    public async Task Events_ResendOfASnapshotItsStatusReflects_StartsNothing()
    {
        // The relay's periodic full snapshot sends every Service again: only one no status reflects yet is started.
        using var harness = FunctionHarness.Create();
        var service = Snapshots.Service(Snapshots.NewUid(), "a", [80], "7");
        await RunAsync(harness, SignedRequests.Events(Batch([service])));
        var stored = await harness.Get<IDesiredStore>().GetAsync(FunctionHarness.ClusterId, service.Uid, default);
        await harness.Get<IStatusStore>().PutAsync(
            new StatusRecord
            {
                ClusterId = FunctionHarness.ClusterId,
                Status = new ServiceStatus { Uid = service.Uid, Namespace = service.Namespace, Name = service.Name, Phase = ServicePhase.Ready },
                DesiredSeq = stored!.Seq,
                Settled = true,
            },
            default);
        harness.Client.ClearReceivedCalls();

        var (status, body) = await RunAsync(harness, SignedRequests.Events(Batch([service])));

        Assert.Equal(202, status);
        Assert.Equal((0, 1), ((int)body!["accepted"]!, (int)body["stale"]!));
        Assert.Empty(body["reconciling"]!.AsArray());
        Assert.Empty(harness.Starts());
    }

    /// <summary>The engine refuses the first <paramref name="refusals"/> starts as if the instance were still running.</summary>
    private static void RunningFor(FunctionHarness harness, int refusals)
    {
        var calls = 0;
        harness.Client.ScheduleNewOrchestrationInstanceAsync(default(TaskName), default, default, default).ReturnsForAnyArgs(
            _ => Interlocked.Increment(ref calls) <= refusals
                ? Task.FromException<string>(new DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException("running (test)"))
                : Task.FromResult("started"));
    }

    [Fact]
    public async Task Events_ChangeWhileTheReconcileIsCompletingPastItsFence_StartsAgainUntilAccepted()
    {
        using var harness = FunctionHarness.Create();
        var desired = harness.Get<IDesiredStore>();
        var service = Snapshots.Service(Snapshots.NewUid(), "a", [80], "1");
        await RunAsync(harness, SignedRequests.Events(Batch([service])));
        var row = await desired.GetAsync(FunctionHarness.ClusterId, service.Uid, default);
        Assert.True(await desired.TryMarkIdleAsync(FunctionHarness.ClusterId, service.Uid, row!.Version!, default));
        harness.Client.ClearReceivedCalls();
        RunningFor(harness, refusals: 2);

        var (status, body) = await RunAsync(harness, SignedRequests.Events(Batch([service with { ResourceVersion = "2" }])));

        Assert.Equal(202, status);
        Assert.Equal(["svc-" + service.Uid], body!["reconciling"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(3, harness.Starts().Count);
        Assert.False((await desired.GetAsync(FunctionHarness.ClusterId, service.Uid, default))!.Idle);
    }

    [Fact]
    public async Task Events_ChangeWhileTheReconcileHasNotPassedItsFence_IsLeftToThatReconcile()
    {
        using var harness = FunctionHarness.Create();
        var service = Snapshots.Service(Snapshots.NewUid(), "a", [80], "1");
        await RunAsync(harness, SignedRequests.Events(Batch([service])));
        harness.Client.ClearReceivedCalls();
        RunningFor(harness, refusals: 100);

        var (status, body) = await RunAsync(harness, SignedRequests.Events(Batch([service with { ResourceVersion = "2" }])));

        Assert.Equal(202, status);
        Assert.Equal(["svc-" + service.Uid], body!["reconciling"]!.AsArray().Select(n => (string)n!));
        Assert.Single(harness.Starts());
    }

    [Fact]
    public async Task Events_ManyChanges_OneQueryForRunningInstancesAndTheRunningOnesAreNotStartedAgain()
    {
        using var harness = FunctionHarness.Create();
        var services = Enumerable.Range(0, 20).Select(i => Snapshots.Service(Snapshots.NewUid(), $"s{i}", [80])).ToList();
        await RunAsync(harness, SignedRequests.Events(Batch(services)));
        harness.Client.ClearReceivedCalls();
        var running = services.Take(5).Select(s => new OrchestrationMetadata("ReconcileService", "svc-" + s.Uid) { RuntimeStatus = OrchestrationRuntimeStatus.Running }).ToList();
        harness.Client.GetAllInstancesAsync(Arg.Any<OrchestrationQuery?>()).Returns(Microsoft.DurableTask.Pageable.Create((string? _, int? _, CancellationToken _) =>
            Task.FromResult(new Microsoft.DurableTask.Page<OrchestrationMetadata>(running, null))));

        var (status, body) = await RunAsync(harness, SignedRequests.Events(Batch([.. services.Select(s => s with { ResourceVersion = "2" })])));

        Assert.Equal(202, status);
        Assert.Equal(20, body!["reconciling"]!.AsArray().Count);
        Assert.Single(harness.Client.ReceivedCalls(), c => c.GetMethodInfo().Name == nameof(DurableTaskClient.GetAllInstancesAsync));
        Assert.Equal(services.Skip(5).Select(s => "svc-" + s.Uid).Order(StringComparer.Ordinal), harness.Starts().Select(s => s.InstanceId!).Order(StringComparer.Ordinal));
    }

    public static TheoryData<string, int, string> Unauthenticated => new()
    {
        { "unsigned", 401, "missing" },
        { "wrong secret", 401, "does not match" },
        { "stale timestamp", 401, "clock skew" },
        { "future timestamp", 401, "clock skew" },
        { "malformed signature", 401, "malformed" },
    };

    [Theory]
    [MemberData(nameof(Unauthenticated))]
    public async Task Events_BadSignature_Is401AndStoresNothing(string kind, int expected, string detail)
    {
        using var harness = FunctionHarness.Create();
        var body = Batch([Snapshots.Service(Snapshots.NewUid(), "a", [80])], Snapshots.DefaultNodes());
        var request = kind switch
        {
            "unsigned" => SignedRequests.Events(body, secret: null),
            "wrong secret" => SignedRequests.Events(body, secret: "another-secret-0123456789abcdef0123456789"),
            "stale timestamp" => SignedRequests.Events(body, signedAt: DateTimeOffset.UtcNow.AddMinutes(-10)),
            "future timestamp" => SignedRequests.Events(body, signedAt: DateTimeOffset.UtcNow.AddMinutes(10)),
            _ => SignedRequests.Events(body),
        };
        if (kind == "malformed signature")
        {
            request.Headers[Model.Signing.RequestSignature.SignatureHeader] = "v1=zz";
        }

        var (status, problem) = await RunAsync(harness, request);

        Assert.Equal(expected, status);
        Assert.Equal("https://github.com/sakuralb/errors/unauthorized", (string)problem!["type"]!);
        Assert.Contains(detail, (string)problem["detail"]!, StringComparison.Ordinal);
        await AssertNothingStoredAsync(harness);
    }

    [Fact]
    public async Task Events_ReplayedNonce_Is401TheSecondTime()
    {
        using var harness = FunctionHarness.Create();
        var body = Batch([Snapshots.Service(Snapshots.NewUid(), "a", [80])]);
        var nonce = Model.Signing.RequestSignature.NewNonce();

        var (first, _) = await RunAsync(harness, SignedRequests.Events(body, nonce: nonce));
        var (second, problem) = await RunAsync(harness, SignedRequests.Events(body, nonce: nonce));

        Assert.Equal(202, first);
        Assert.Equal(401, second);
        Assert.Contains("nonce", (string)problem!["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_PreviousSecretDuringRotation_IsAccepted()
    {
        const string previous = "previous-secret-0123456789abcdef0123456789";
        using var harness = FunctionHarness.Create(new Dictionary<string, string?>
        {
            ["Ingest:HmacSecretPrevious"] = previous,
            ["Ingest:HmacRotationEndsAt"] = DateTimeOffset.UtcNow.AddHours(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        });

        var (status, _) = await RunAsync(harness, SignedRequests.Events(Batch([Snapshots.Service(Snapshots.NewUid(), "a", [80])]), secret: previous));

        Assert.Equal(202, status);
    }

    [Fact]
    public async Task Events_Oversized_Is413WithoutReadingOrStoring()
    {
        using var harness = FunctionHarness.Create(new Dictionary<string, string?> { ["Ingest:MaxBodyBytes"] = "2048" });
        var services = Enumerable.Range(0, 20).Select(i => Snapshots.Service(Snapshots.NewUid(), $"s{i}", [80])).ToList();
        var body = Batch(services);
        Assert.True(body.Length > 2048);

        var (declared, problem) = await RunAsync(harness, SignedRequests.Events(body));
        var chunked = SignedRequests.Events(body);
        chunked.ContentLength = null;
        var (undeclared, _) = await RunAsync(harness, chunked);

        Assert.Equal(413, declared);
        Assert.Equal(413, undeclared);
        Assert.Equal("https://github.com/sakuralb/errors/payload-too-large", (string)problem!["type"]!);
        await AssertNothingStoredAsync(harness);
    }

    [Fact]
    public async Task Events_NodeSetTooLargeToStore_Is413AndStoresNoServiceOfTheBatchEither()
    {
        // The relay answers a 413 by sending the Services again without the node set: had they been stored the
        // first time, the resend would be stale and their reconciles would never start.
        using var harness = FunctionHarness.Create(new Dictionary<string, string?>
        {
            ["Ingest:MaxBodyBytes"] = (8 * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
            ["Ingest:MaxDecompressedBytes"] = (8 * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
        });
        var incompressible = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(1_500_000));
        var node = Snapshots.Node("worker01", "203.0.113.100") with { Labels = new Dictionary<string, string> { ["padding"] = incompressible } };
        var nodes = new NodeSetSnapshot { ResourceVersion = "1", Complete = true, Nodes = [node] };

        var (status, problem) = await RunAsync(harness, SignedRequests.Events(Batch([Snapshots.Service(Snapshots.NewUid(), "a", [80])], nodes)));

        Assert.Equal(413, status);
        Assert.Equal("https://github.com/sakuralb/errors/payload-too-large", (string)problem!["type"]!);
        await AssertNothingStoredAsync(harness);
    }

    private static Microsoft.AspNetCore.Http.HttpRequest Encoded(byte[] sent, string encoding)
    {
        return SignedRequests.Create("POST", "/api/events", sent, contentType: "application/json", contentEncoding: encoding);
    }

    [Fact]
    public async Task Events_GzipBodyOverTheWireLimit_IsAcceptedWhenItsCompressedSizeFits()
    {
        // A node set of thousands of nodes is megabytes of JSON but a fraction of that compressed.
        using var harness = FunctionHarness.Create(new Dictionary<string, string?> { ["Ingest:MaxBodyBytes"] = "16384" });
        var nodes = Snapshots.Nodes("9", Enumerable.Range(0, 400).Select(i => ($"worker{i:D4}", $"10.0.{i / 250}.{i % 250}")));
        var json = Batch(nodes: nodes);
        var packed = Model.Transport.GzipBody.Compress(json);
        Assert.True(json.Length > 16384 && packed.Length < 16384);

        var (status, body) = await RunAsync(harness, Encoded(packed, "gzip"));

        Assert.Equal(202, status);
        Assert.True((bool)body!["nodesAccepted"]!);
        Assert.Equal(400, (await harness.Get<INodeSetStore>().GetAsync(FunctionHarness.ClusterId, default))!.Snapshot.Nodes.Count);
    }

    [Fact]
    public async Task Events_GzipBodyInflatingBeyondTheCap_Is413AndStoresNothing()
    {
        using var harness = FunctionHarness.Create(new Dictionary<string, string?>
        {
            ["Ingest:MaxBodyBytes"] = "16384",
            ["Ingest:MaxDecompressedBytes"] = "32768",
        });
        var padded = Batch(Enumerable.Range(0, 200).Select(i => Snapshots.Service(Snapshots.NewUid(), $"s{i}", [80])).ToList());
        Assert.True(padded.Length > 32768);

        var (status, problem) = await RunAsync(harness, Encoded(Model.Transport.GzipBody.Compress(padded), "gzip"));

        Assert.Equal(413, status);
        Assert.Equal("https://github.com/sakuralb/errors/payload-too-large", (string)problem!["type"]!);
        await AssertNothingStoredAsync(harness);
    }

    [Theory]
    [InlineData("gzip", 400, "invalid-content-encoding")]
    [InlineData("br", 415, "unsupported-content-encoding")]
    public async Task Events_BodyNotWhatItsEncodingSays_IsRejectedAndStoresNothing(string encoding, int expected, string slug)
    {
        using var harness = FunctionHarness.Create();

        var (status, problem) = await RunAsync(harness, Encoded(Batch([Snapshots.Service(Snapshots.NewUid(), "a", [80])]), encoding));

        Assert.Equal(expected, status);
        Assert.Equal("https://github.com/sakuralb/errors/" + slug, (string)problem!["type"]!);
        await AssertNothingStoredAsync(harness);
    }

    [Fact]
    public async Task Events_NotJson_Is415()
    {
        using var harness = FunctionHarness.Create();

        var (status, _) = await RunAsync(harness, SignedRequests.Events(Batch(), contentType: "text/plain"));

        Assert.Equal(415, status);
        await AssertNothingStoredAsync(harness);
    }

    [Theory]
    [InlineData("{\"version\":1,\"clusterId\":")]
    [InlineData("[1,2,3]")]
    [InlineData("null")]
    [InlineData("{\"version\":\"one\"}")]
    public async Task Events_MalformedJson_Is400InvalidJson(string json)
    {
        using var harness = FunctionHarness.Create();

        var (status, problem) = await RunAsync(harness, SignedRequests.Events(Encoding.UTF8.GetBytes(json)));

        Assert.Equal(400, status);
        Assert.Equal("https://github.com/sakuralb/errors/invalid-json", (string)problem!["type"]!);
        Assert.DoesNotContain("   at ", problem.ToJsonString(), StringComparison.Ordinal);
        await AssertNothingStoredAsync(harness);
    }

    [Fact]
    public async Task Events_WrongVersion_Is400NamingTheVersion()
    {
        using var harness = FunctionHarness.Create();
        var json = JsonNode.Parse(Batch([Snapshots.Service(Snapshots.NewUid(), "a", [80])]))!.AsObject();
        json["version"] = 2;

        var (status, problem) = await RunAsync(harness, SignedRequests.Events(Encoding.UTF8.GetBytes(json.ToJsonString())));

        Assert.Equal(400, status);
        var error = Assert.Single(problem!["errors"]!.AsArray());
        Assert.Equal("version", (string)error!["path"]!);
        Assert.Contains("speaks version 1", (string)error["problem"]!, StringComparison.Ordinal);
        await AssertNothingStoredAsync(harness);
    }

    [Fact]
    public async Task Events_OneInvalidService_RejectsTheWholeBatchNamingTheField()
    {
        using var harness = FunctionHarness.Create();
        var good = Snapshots.Service(Snapshots.NewUid(), "good", [80]);
        var bad = Snapshots.Service("", "bad", [70000]);

        var (status, problem) = await RunAsync(harness, SignedRequests.Events(Batch([good, bad], Snapshots.DefaultNodes())));

        Assert.Equal(400, status);
        var paths = problem!["errors"]!.AsArray().Select(e => (string)e!["path"]!).ToList();
        Assert.Contains("services[1].uid", paths);
        Assert.Contains("services[1].ports[0].port", paths);
        Assert.Equal(
            paths.Count.ToString(CultureInfo.InvariantCulture) + " problems",
            (string)problem["detail"]!);
        await AssertNothingStoredAsync(harness);
    }

    [Fact]
    public async Task Events_ManyInvalidServices_ListsAtMostTheCapAndCountsThemAll()
    {
        using var harness = FunctionHarness.Create();
        var bad = Enumerable.Range(0, 60).Select(i => Snapshots.Service("", "bad" + i.ToString(CultureInfo.InvariantCulture), [80])).ToList();

        var (status, problem) = await RunAsync(harness, SignedRequests.Events(Batch(bad)));

        Assert.Equal(400, status);
        Assert.Equal(Problems.MaxListedErrors, problem!["errors"]!.AsArray().Count);
        Assert.Equal(
            $"60 problems; the first {Problems.MaxListedErrors.ToString(CultureInfo.InvariantCulture)} are listed",
            (string)problem["detail"]!);
        Assert.Equal("services[0].uid", (string)problem["errors"]![0]!["path"]!);
        await AssertNothingStoredAsync(harness);
    }

    [Fact]
    public async Task Events_AnotherCluster_Is403()
    {
        using var harness = FunctionHarness.Create();

        var (status, problem) = await RunAsync(harness, SignedRequests.Events(Batch([Snapshots.Service(Snapshots.NewUid(), "a", [80])], cluster: "other")));

        Assert.Equal(403, status);
        Assert.Contains("c-test", (string)problem!["detail"]!, StringComparison.Ordinal);
        await AssertNothingStoredAsync(harness);
    }

    [Fact]
    public async Task Events_NodeChange_StartsOnlyServicesWhoseNodesDiffer_Delayed()
    {
        using var harness = FunctionHarness.Create();
        var statuses = harness.Get<IStatusStore>();
        var oldNodes = SakuraLb.Reconcile.Nodes.NodeFingerprint.Eligible(Snapshots.Nodes("1", Topology.Workers.Take(2)));
        var newNodes = SakuraLb.Reconcile.Nodes.NodeFingerprint.Eligible(Snapshots.DefaultNodes());
        StatusRecord Status(string uid, string fingerprint, string realServers) => new()
        {
            ClusterId = FunctionHarness.ClusterId,
            Status = new ServiceStatus { Uid = uid, Namespace = "default", Name = uid, Phase = ServicePhase.Ready },
            NodeFingerprint = fingerprint,
            RealServerHash = realServers,
            Settled = true,
        };
        await statuses.PutAsync(Status("behind", oldNodes, "h"), default);
        await statuses.PutAsync(Status("invalid", oldNodes, ""), default);
        await statuses.PutAsync(Status("current", newNodes, "h"), default);
        var before = DateTimeOffset.UtcNow;

        var (status, body) = await RunAsync(harness, SignedRequests.Events(Batch(nodes: Snapshots.DefaultNodes())));

        Assert.Equal(202, status);
        var start = Assert.Single(harness.Starts());
        Assert.Equal("svc-behind", start.InstanceId);
        Assert.True(start.StartAt >= before.AddSeconds(2));
        Assert.Equal(["svc-behind"], body!["reconciling"]!.AsArray().Select(n => (string)n!));

        // The same node set again (the relay's resend while a status still reflects another one) starts, at once,
        // only what is still behind; once every status reflects it, nothing.
        harness.Client.ClearReceivedCalls();
        await RunAsync(harness, SignedRequests.Events(Batch(nodes: Snapshots.DefaultNodes("2"))));
        var again = Assert.Single(harness.Starts());
        Assert.Equal(("svc-behind", null), (again.InstanceId, again.StartAt));

        await statuses.PutAsync(Status("behind", newNodes, "h"), default);
        harness.Client.ClearReceivedCalls();
        await RunAsync(harness, SignedRequests.Events(Batch(nodes: Snapshots.DefaultNodes("3"))));
        Assert.Empty(harness.Starts());
    }
}
