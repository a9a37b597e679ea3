using Microsoft.DurableTask.Client;

namespace DurableHost;

/// <summary>
/// A running Durable Task engine: orchestrations and activities registered with a <c>DurableTaskRegistry</c>
/// run on a worker connected over gRPC, as in the Functions isolated worker. Disposing it stops the worker, then
/// the engine, and releases what the engine stored.
/// </summary>
public interface IDurableEngine : IAsyncDisposable
{
    /// <summary>"InMemory" or "AzureStorage" (<see cref="DurableEngineKind"/>), for test names and logs.</summary>
    string Name { get; }

    DurableEngineKind Kind { get; }

    /// <summary>A client connected to the engine over gRPC (the one a <c>[DurableClient]</c> parameter would get).</summary>
    DurableTaskClient Client { get; }

    /// <summary>The worker host's services: the caller's registrations plus the worker and the client.</summary>
    IServiceProvider Services { get; }
}

public enum DurableEngineKind
{
    /// <summary>The SDK's in-process test host: an in-memory orchestration service behind a gRPC sidecar.</summary>
    InMemory,

    /// <summary>The Functions host's backend, DurableTask.AzureStorage, over Azurite behind a gRPC sidecar.</summary>
    AzureStorage,
}
