using System.Net;

namespace DurableHost.Sidecar;

/// <summary>An orchestration service behind the test host's gRPC server, which a worker and a client connect to.</summary>
internal interface ISidecar : IAsyncDisposable
{
    /// <summary>Where it listens (127.0.0.1, a port the OS picked), once started.</summary>
    IPEndPoint Endpoint { get; }

    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Stops serving and the dispatchers; stop the worker first, the dispatchers wait for work items sent to it.</summary>
    Task StopAsync();
}
