using Azure;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.DurableTask;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using SakuraLb.Functions.Triggers;

namespace SakuraLb.Functions.Tests.Triggers;

/// <summary>A dependency that does not answer is a 503 problem document the relay retries, never a 500.</summary>
public sealed class OutageTests
{
    private static RequestFailedException StorageDown() => new(0, "connection refused (test)");

    private static byte[] ResyncBody(string? ns = null, string? name = null) =>
        ModelJson.SerializeToUtf8Bytes(new ResyncRequest { ClusterId = FunctionHarness.ClusterId, Namespace = ns, Name = name });

    private static async Task<(int Status, JsonObject Body)> CallAsync(FunctionHarness harness, string endpoint, HttpRequest? request = null)
    {
        IActionResult result = endpoint switch
        {
            "events" => await harness.Get<EventsFunction>().Run(
                request ?? SignedRequests.Events(ModelJson.SerializeToUtf8Bytes(new EventBatch
                {
                    ClusterId = FunctionHarness.ClusterId,
                    SentAt = DateTimeOffset.UtcNow,
                    Services = [Snapshots.Service(Snapshots.NewUid(), "web", [80])],
                    Nodes = Snapshots.DefaultNodes(),
                })),
                harness.Client,
                CancellationToken.None),
            "status" => await harness.Get<StatusFunction>().Run(request ?? SignedRequests.Status(), harness.Client, CancellationToken.None),
            _ => await harness.Get<ResyncFunction>().Run(request ?? SignedRequests.Resync(ResyncBody()), harness.Client, CancellationToken.None),
        };
        var (status, body) = TestApp.Read(result);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        return (status, JsonNode.Parse(body)!.AsObject());
    }

    private static void AssertUnavailable((int Status, JsonObject Body) answer, string detail)
    {
        Assert.Equal(503, answer.Status);
        Assert.Equal("https://github.com/sakuralb/errors/unavailable", (string)answer.Body["type"]!);
        Assert.Contains(detail, (string)answer.Body["detail"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("events")]
    [InlineData("status")]
    [InlineData("resync")]
    public async Task AnyEndpoint_NonceStoreUnreachable_Is503AndNothingIsStoredOrStarted(string endpoint)
    {
        var nonces = Substitute.For<INonceStore>();
        nonces.TryAddAsync(default!, default, default, default).ThrowsAsyncForAnyArgs(StorageDown());
        using var harness = FunctionHarness.Create(services: s => s.AddSingleton(nonces));

        AssertUnavailable(await CallAsync(harness, endpoint), "storage is not reachable");

        Assert.Empty(await harness.Get<IDesiredStore>().ListAsync(FunctionHarness.ClusterId, default));
        Assert.Null(await harness.Get<INodeSetStore>().GetAsync(FunctionHarness.ClusterId, default));
        Assert.Empty(harness.Starts());
    }

    [Fact]
    public async Task Events_DesiredStoreUnreachable_Is503AndStartsNothing()
    {
        var desired = Substitute.For<IDesiredStore>();
        desired.PutAsync(default!, default!, default, default).ThrowsAsyncForAnyArgs(StorageDown());
        using var harness = FunctionHarness.Create(services: s => s.AddSingleton(desired));

        AssertUnavailable(await CallAsync(harness, "events"), "send the request again");

        Assert.Empty(harness.Starts());
    }

    /// <summary>The engine refuses the first start (as the host's gRPC endpoint does when it cannot reach the task hub).</summary>
    private static void EngineDownOnce(FunctionHarness harness)
    {
        var calls = 0;
        harness.Client.ScheduleNewOrchestrationInstanceAsync(default(TaskName), default, default, default).ReturnsForAnyArgs(
            _ => Interlocked.Increment(ref calls) == 1
                ? Task.FromException<string>(new RpcException(new Status(StatusCode.Unavailable, "task hub not reachable (test)")))
                : Task.FromResult("started"));
    }

    [Fact]
    public async Task Events_EngineUnreachableAfterStoring_Is503_AndTheRelaysResendStartsTheReconcile()
    {
        using var harness = FunctionHarness.Create();
        EngineDownOnce(harness);
        var service = Snapshots.Service(Snapshots.NewUid(), "web", [80]);
        var body = ModelJson.SerializeToUtf8Bytes(new EventBatch { ClusterId = FunctionHarness.ClusterId, SentAt = DateTimeOffset.UtcNow, Services = [service] });

        AssertUnavailable(await CallAsync(harness, "events", SignedRequests.Events(body)), "durable task engine");
        var (status, resent) = await CallAsync(harness, "events", SignedRequests.Events(body));

        Assert.Equal(202, status);
        Assert.Equal((0, 1), ((int)resent["accepted"]!, (int)resent["stale"]!));
        Assert.Equal(["svc-" + service.Uid], resent["reconciling"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(["svc-" + service.Uid, "svc-" + service.Uid], harness.Starts().Select(s => s.InstanceId));
    }

    [Fact]
    public async Task Resync_EngineUnreachable_Is503()
    {
        using var harness = FunctionHarness.Create();
        EngineDownOnce(harness);
        await harness.Get<IDesiredStore>().PutAsync(FunctionHarness.ClusterId, [Snapshots.Service(Snapshots.NewUid(), "web", [80]) with { Namespace = "shop" }], DateTimeOffset.UtcNow, default);

        AssertUnavailable(await CallAsync(harness, "resync", SignedRequests.Resync(ResyncBody("shop", "web"))), "durable task engine");
    }

    [Fact]
    public async Task Status_StatusStoreUnreachable_Is503()
    {
        var statuses = Substitute.For<IStatusStore>();
        statuses.ListAsync(default!, default).ThrowsAsyncForAnyArgs(StorageDown());
        using var harness = FunctionHarness.Create(services: s => s.AddSingleton(statuses));

        AssertUnavailable(await CallAsync(harness, "status"), "storage is not reachable");
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("shop", "web")]
    public async Task Resync_DesiredStoreUnreachable_Is503AndStartsNothing(string? ns, string? name)
    {
        var desired = Substitute.For<IDesiredStore>();
        desired.ListAsync(default!, default).ThrowsAsyncForAnyArgs(StorageDown());
        using var harness = FunctionHarness.Create(services: s => s.AddSingleton(desired));

        AssertUnavailable(await CallAsync(harness, "resync", SignedRequests.Resync(ResyncBody(ns, name))), "storage is not reachable");

        Assert.Empty(harness.Starts());
    }

    [Fact]
    public async Task Resync_SakuraApiUnreachable_Is503NamingTheApi()
    {
        // A settled, valid Service makes the batched pass read the cloud; the harness's API root refuses connections.
        using var harness = FunctionHarness.Create();
        var service = Snapshots.Service(Snapshots.NewUid(), "web", [80]);
        var writes = await harness.Get<IDesiredStore>().PutAsync(FunctionHarness.ClusterId, [service], DateTimeOffset.UtcNow, default);
        await harness.Get<IStatusStore>().PutAsync(
            new StatusRecord
            {
                ClusterId = FunctionHarness.ClusterId,
                Status = new ServiceStatus { Uid = service.Uid, Namespace = service.Namespace, Name = service.Name, Phase = ServicePhase.Ready },
                DesiredSeq = writes[0].Seq,
                Settled = true,
            },
            default);

        var answer = await CallAsync(harness, "resync");

        AssertUnavailable(answer, "the Sakura API could not be read");
        // The cloud's (or the connection's) own text stays in the log: here it would name the API's address.
        Assert.DoesNotContain("127.0.0.1", answer.Body.ToJsonString(), StringComparison.Ordinal);

        Assert.Empty(harness.Starts());
    }

    [Theory]
    [InlineData("events")]
    [InlineData("status")]
    [InlineData("resync")]
    public async Task AnyEndpoint_UnexpectedException_IsA500ProblemDocumentWithoutTheExceptionText(string endpoint)
    {
        static InvalidOperationException Unexpected() => new("internal detail 7f3a (test)");
        var desired = Substitute.For<IDesiredStore>();
        desired.PutAsync(default!, default!, default, default).ThrowsAsyncForAnyArgs(Unexpected());
        desired.ListAsync(default!, default).ThrowsAsyncForAnyArgs(Unexpected());
        var statuses = Substitute.For<IStatusStore>();
        statuses.ListAsync(default!, default).ThrowsAsyncForAnyArgs(Unexpected());
        using var harness = FunctionHarness.Create(services: s => s.AddSingleton(desired).AddSingleton(statuses));

        var (status, body) = await CallAsync(harness, endpoint);

        Assert.Equal(500, status);
        Assert.Equal("https://github.com/sakuralb/errors/internal", (string)body["type"]!);
        Assert.DoesNotContain("7f3a", body.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty(harness.Starts());
    }
}
