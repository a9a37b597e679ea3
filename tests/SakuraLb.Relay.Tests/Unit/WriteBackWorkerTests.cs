using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using SakuraLb.Relay.Kube;
using SakuraLb.Relay.Options;
using SakuraLb.Relay.Status;
using SakuraLb.Relay.Telemetry;
using k8s.Autorest;

namespace SakuraLb.Relay.Tests.Unit;

public sealed class WriteBackWorkerTests : IDisposable
{
    private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider time = new();
    private readonly IKubeApi kube = Substitute.For<IKubeApi>();
    private readonly ServiceTracker tracker = new(new ControllerSettings { ClusterId = "c" });
    private readonly StatusStore statuses = new();
    private readonly WriteBackWorker worker;

    public WriteBackWorkerTests()
    {
        worker = new WriteBackWorker(
            tracker,
            statuses,
            kube,
            new RelayOptions { Identity = "relay-a" },
            new RelayMetrics(services.GetRequiredService<IMeterFactory>()),
            time,
            NullLogger.Instance,
            _ => { });

        // A Service with the finalizer whose status asks for an Event, and an API server that refuses
        // every Event (as with a ClusterRole edited to drop events): the write fails on every pass.
        tracker.Apply(WatchEventType.Added, Objects.Service().WithFinalizer());
        statuses.Apply(
            new StatusFeed
            {
                ClusterId = "c",
                Services = [new ServiceStatus { Uid = "uid-web", Namespace = "default", Name = "web", Phase = ServicePhase.Provisioning, ReasonCode = "Provisioning" }],
            },
            "\"1\"");
        kube.CreateEventAsync(Arg.Any<Eventsv1Event>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new HttpOperationException("forbidden") { Response = new HttpResponseMessageWrapper(new HttpResponseMessage(HttpStatusCode.Forbidden), "") });
    }

    public void Dispose() => services.Dispose();

    [Fact]
    public async Task FailingWrite_RepeatedPasses_KeepOneRetryTimerPerService()
    {
        for (var pass = 0; pass < 5; pass++)
        {
            await worker.ProcessAsync("uid-web", CancellationToken.None);
        }

        await kube.Received(5).CreateEventAsync(Arg.Any<Eventsv1Event>(), Arg.Any<CancellationToken>());
        Assert.Equal(1, worker.PendingRetries);
    }

    [Fact]
    public async Task FailingWrite_AfterTheTimerFired_TheNextFailureSchedulesTheNextRetry()
    {
        await worker.ProcessAsync("uid-web", CancellationToken.None);

        time.Advance(TimeSpan.FromMinutes(5));
        await Eventually.UntilAsync(() => worker.PendingRetries == 0, "the retry timer fired");
        await worker.ProcessAsync("uid-web", CancellationToken.None);

        Assert.Equal(1, worker.PendingRetries);
    }

    [Fact]
    public async Task FailingWrite_TermEnds_TheRetryTimerStops()
    {
        using var term = new CancellationTokenSource();
        await worker.ProcessAsync("uid-web", term.Token);

        await term.CancelAsync();

        await Eventually.UntilAsync(() => worker.PendingRetries == 0, "the retry timer stopped with the term");
    }
}
