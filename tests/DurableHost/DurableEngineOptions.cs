using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace DurableHost;

/// <summary>Settings every engine has.</summary>
public record DurableEngineOptions
{
    /// <summary>Where the engine's logs go (sidecar, worker, orchestration service); the console when null.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// The least severe level the engine passes on. Warning by default: the sidecar logs every gRPC call at
    /// Information, and DurableTask.Core and DurableTask.AzureStorage log every work item.
    /// </summary>
    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Warning;

    /// <summary>
    /// How the worker and the client turn inputs and outputs into JSON; null keeps the SDK's default.
    /// <see cref="Serialization.FunctionsWorkerDataConverter.Default"/> is the Functions isolated worker's.
    /// </summary>
    public DataConverter? DataConverter { get; init; }

    /// <summary>
    /// host.json's <c>maxConcurrentActivityFunctions</c>: the most activities that run at a time (the dispatcher's and
    /// the worker's limit). By default this repository's host.json, the value the Functions host runs with.
    /// </summary>
    public int MaxConcurrentActivityFunctions { get; init; } = HostJson.Repository.Activities;

    /// <summary>
    /// host.json's <c>maxConcurrentOrchestratorFunctions</c>: the most orchestration work items (turns) at a time. By
    /// default this repository's host.json.
    /// </summary>
    public int MaxConcurrentOrchestratorFunctions { get; init; } = HostJson.Repository.Orchestrators;
}
