using System.Collections.Concurrent;
using DurableTask.Core;
using DurableTask.Core.Exceptions;
using DurableTask.Core.History;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using P = Microsoft.DurableTask.Protobuf;

namespace DurableHost.AzureStorage;

/// <summary>What a start without dedupe statuses refuses, as the Functions host's setting says.</summary>
internal sealed record FunctionsHostBehaviour(OverridableStates OverridableExistingInstanceStates);

/// <summary>
/// The test host's gRPC server, made to answer as the Functions host's gRPC server (Durable extension 3.x) does
/// where the two differ in what a client or an orchestration can observe:
/// <list type="number">
/// <item>a start honours <c>StartAt</c> (the test host drops the scheduled start time), and a start without dedupe
/// statuses refuses the existing instances host.json's <c>overridableExistingInstanceStates</c> protects;</item>
/// <item>an event for an instance that does not exist is refused with NotFound, one for an instance that is not
/// Pending, Running or Suspended with FailedPrecondition (the test host queues both and the backend drops them);</item>
/// <item>purging one instance that is not in a terminal state is refused with FailedPrecondition, which the client
/// turns into <see cref="InvalidOperationException"/> (the test host purges it);</item>
/// <item>events the worker carries over a ContinueAsNew (SDK 1.28 sends buffered events to its own instance) reach
/// the next generation: the test host's dispatcher drops every message of a ContinueAsNew turn, so those
/// send-event-to-self actions become the completion's carried-over events.</item>
/// </list>
/// Also, as with the Functions host's dispatcher on Azure Storage, a failed orchestration's output is its failure
/// details as text (see <see cref="FailureAsResult"/>).
/// Everything else, the dispatcher included, is the test host's.
/// </summary>
internal sealed class FunctionsHostGrpcServer : TaskHubGrpcServer
{
    private static readonly OrchestrationStatus[] NonRunningDedupe =
        [OrchestrationStatus.Pending, OrchestrationStatus.Running, OrchestrationStatus.Suspended, OrchestrationStatus.ContinuedAsNew];

    private readonly IOrchestrationServiceClient client;
    private readonly FunctionsHostBehaviour behaviour;
    private readonly ConcurrentDictionary<string, List<P.OrchestratorAction>> partialResponses = new(StringComparer.OrdinalIgnoreCase);

    public FunctionsHostGrpcServer(
        IHostApplicationLifetime lifetime,
        ILoggerFactory loggerFactory,
        IOrchestrationService service,
        IOrchestrationServiceClient client,
        IOptions<TaskHubGrpcServerOptions> options,
        FunctionsHostBehaviour behaviour)
        : base(lifetime, loggerFactory, service, client, options)
    {
        this.client = client;
        this.behaviour = behaviour;
    }

    public override async Task<P.CreateInstanceResponse> StartInstance(P.CreateInstanceRequest request, ServerCallContext context)
    {
        var instance = new OrchestrationInstance
        {
            InstanceId = string.IsNullOrEmpty(request.InstanceId) ? Guid.NewGuid().ToString("N") : request.InstanceId,
            ExecutionId = Guid.NewGuid().ToString("N"),
        };
        var started = new ExecutionStartedEvent(-1, request.Input)
        {
            Name = request.Name,
            Version = request.Version,
            OrchestrationInstance = instance,
            Tags = request.Tags.ToDictionary(tag => tag.Key, tag => tag.Value, StringComparer.Ordinal),
            ScheduledStartTime = request.ScheduledStartTimestamp?.ToDateTime(),
            ParentTraceContext = request.ParentTraceContext is { } trace
                ? new DurableTask.Core.Tracing.DistributedTraceContext(trace.TraceParent, trace.TraceState)
                : null,
        };

        try
        {
            await client.CreateTaskOrchestrationAsync(new TaskMessage { Event = started, OrchestrationInstance = instance }, DedupeStatuses(request));
        }
        catch (OrchestrationAlreadyExistsException ex)
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, ex.Message));
        }

        return new P.CreateInstanceResponse { InstanceId = instance.InstanceId };
    }

    public override async Task<P.RaiseEventResponse> RaiseEvent(P.RaiseEventRequest request, ServerCallContext context)
    {
        var state = await client.GetOrchestrationStateAsync(request.InstanceId, executionId: null);
        if (state is null)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"No instance with ID '{request.InstanceId}' was found."));
        }

        if (state.OrchestrationStatus is not (OrchestrationStatus.Pending or OrchestrationStatus.Running or OrchestrationStatus.Suspended or OrchestrationStatus.ContinuedAsNew))
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "The orchestration instance with the provided instance id is not running."));
        }

        // The test host raises the event without an execution id, as the Functions host does: the newest execution gets it.
        return await base.RaiseEvent(request, context);
    }

    public override async Task<P.PurgeInstancesResponse> PurgeInstances(P.PurgeInstancesRequest request, ServerCallContext context)
    {
        if (request.RequestCase == P.PurgeInstancesRequest.RequestOneofCase.InstanceId
            && await client.GetOrchestrationStateAsync(request.InstanceId, executionId: null) is { } state
            && state.OrchestrationStatus is not (OrchestrationStatus.Completed or OrchestrationStatus.Failed or OrchestrationStatus.Terminated or OrchestrationStatus.Canceled))
        {
            throw new RpcException(new Status(
                StatusCode.FailedPrecondition,
                $"Only orchestrations in a terminal state can be purged, but the orchestration with instance ID {request.InstanceId} has status {state.OrchestrationStatus}."));
        }

        return await base.PurgeInstances(request, context);
    }

    public override Task<P.CompleteTaskResponse> CompleteOrchestratorTask(P.OrchestratorResponse request, ServerCallContext context)
    {
        // A response the worker sent in chunks is put back together first: the send-event-to-self actions and the
        // ContinueAsNew that makes them carried-over events can arrive in different chunks.
#pragma warning disable CS0612 // IsPartial is obsolete in the protocol but still how SDK 1.28 marks chunks.
        if (request.IsPartial)
        {
            partialResponses.AddOrUpdate(request.InstanceId, _ => [.. request.Actions], (_, actions) => { actions.AddRange(request.Actions); return actions; });
            return Task.FromResult(new P.CompleteTaskResponse());
        }

        if (partialResponses.TryRemove(request.InstanceId, out var earlier))
        {
            request = request.Clone();
            var all = earlier.Concat(request.Actions).ToList();
            request.Actions.Clear();
            request.Actions.AddRange(all);
        }
#pragma warning restore CS0612

        return base.CompleteOrchestratorTask(CarryOverEventsToSelf(FailureAsResult(request)), context);
    }

    private OrchestrationStatus[]? DedupeStatuses(P.CreateInstanceRequest request)
    {
        if (request.OrchestrationIdReusePolicy is { } policy)
        {
            return ProtoUtils.ConvertReusePolicyToDedupeStatuses(policy)?.Select(status => (OrchestrationStatus)status).ToArray();
        }

        return behaviour.OverridableExistingInstanceStates == OverridableStates.NonRunningStates ? NonRunningDedupe : [];
    }

    /// <summary>
    /// In a turn that ends in ContinueAsNew, every event the orchestration sends to its own instance becomes an
    /// event carried over to the next generation, in the order sent, after any the worker carried over itself.
    /// </summary>
    internal static P.OrchestratorResponse CarryOverEventsToSelf(P.OrchestratorResponse response)
    {
        var complete = response.Actions.FirstOrDefault(action =>
            action.CompleteOrchestration is { OrchestrationStatus: P.OrchestrationStatus.ContinuedAsNew });
        if (complete is null || !response.Actions.Any(action => IsSendToSelf(action, response.InstanceId)))
        {
            return response;
        }

        var converted = response.Clone();
        var completion = converted.Actions.First(action => action.CompleteOrchestration is { OrchestrationStatus: P.OrchestrationStatus.ContinuedAsNew }).CompleteOrchestration;
        var kept = new List<P.OrchestratorAction>();
        foreach (var action in converted.Actions)
        {
            if (IsSendToSelf(action, converted.InstanceId))
            {
                completion.CarryoverEvents.Add(new P.HistoryEvent
                {
                    EventId = -1,
                    Timestamp = Timestamp.FromDateTime(DateTime.UtcNow),
                    EventRaised = new P.EventRaisedEvent { Name = action.SendEvent.Name, Input = action.SendEvent.Data },
                });
            }
            else
            {
                kept.Add(action);
            }
        }

        converted.Actions.Clear();
        converted.Actions.AddRange(kept);
        return converted;
    }

    /// <summary>
    /// A failed orchestration's failure details become its result. The Functions host's dispatcher (DTFx Core) puts
    /// them on the completion event, and DurableTask.AzureStorage stores <c>FailureDetails.ToString()</c> as the
    /// instance's output and never returns the details themselves; the test host's dispatcher drops them, which
    /// would leave a failed instance with neither.
    /// </summary>
    internal static P.OrchestratorResponse FailureAsResult(P.OrchestratorResponse response)
    {
        static bool IsFailure(P.OrchestratorAction action) =>
            action.CompleteOrchestration is { OrchestrationStatus: P.OrchestrationStatus.Failed, FailureDetails: not null };

        if (!response.Actions.Any(IsFailure))
        {
            return response;
        }

        var converted = response.Clone();
        var completion = converted.Actions.First(IsFailure).CompleteOrchestration;
        completion.Result = ToCore(completion.FailureDetails).ToString();
        return converted;
    }

    private static FailureDetails ToCore(P.TaskFailureDetails details) => new(
        details.ErrorType,
        details.ErrorMessage,
        details.StackTrace,
        details.InnerFailure is { } inner ? ToCore(inner) : null,
        details.IsNonRetriable);

    private static bool IsSendToSelf(P.OrchestratorAction action, string instanceId) =>
        action.SendEvent is { } send && string.Equals(send.Instance?.InstanceId, instanceId, StringComparison.Ordinal);
}
