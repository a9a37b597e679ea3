using DurableHost.AzureStorage;
using P = Microsoft.DurableTask.Protobuf;

namespace DurableHost.Tests;

/// <summary>
/// How the Azure Storage engine's gRPC server rewrites a turn's actions before the test host's dispatcher applies
/// them: buffered events are kept across ContinueAsNew, and a failure becomes the result DurableTask.AzureStorage stores.
/// </summary>
public sealed class OrchestratorResponseRewriteTests
{
    private const string Self = "me";

    [Fact]
    public void ContinueAsNewTurn_SendsToSelfBecomeCarriedOverEvents_InOrder_OtherActionsStay()
    {
        var response = Response(
            Schedule(1),
            Send(Self, "item", "1"),
            Send("other", "item", "x"),
            Send(Self, "item", "2"),
            Complete(P.OrchestrationStatus.ContinuedAsNew, Raised("earlier", "0")));

        var converted = FunctionsHostGrpcServer.CarryOverEventsToSelf(response);

        Assert.Equal(
            [P.OrchestratorAction.OrchestratorActionTypeOneofCase.ScheduleTask, P.OrchestratorAction.OrchestratorActionTypeOneofCase.SendEvent, P.OrchestratorAction.OrchestratorActionTypeOneofCase.CompleteOrchestration],
            converted.Actions.Select(a => a.OrchestratorActionTypeCase));
        Assert.Equal("other", converted.Actions[1].SendEvent.Instance.InstanceId);
        Assert.Equal(
            [("earlier", "0"), ("item", "1"), ("item", "2")],
            converted.Actions[2].CompleteOrchestration.CarryoverEvents.Select(e => (e.EventRaised.Name, e.EventRaised.Input)));
        Assert.Equal(5, response.Actions.Count);
    }

    [Theory]
    [InlineData(P.OrchestrationStatus.Completed)]
    [InlineData(P.OrchestrationStatus.Failed)]
    public void TurnThatDoesNotContinueAsNew_IsUnchanged(P.OrchestrationStatus status)
    {
        var response = Response(Send(Self, "item", "1"), Complete(status));

        Assert.Same(response, FunctionsHostGrpcServer.CarryOverEventsToSelf(response));
    }

    [Fact]
    public void ContinueAsNewTurn_WithoutSendsToSelf_IsUnchanged()
    {
        var response = Response(Schedule(1), Send("other", "item", "1"), Complete(P.OrchestrationStatus.ContinuedAsNew));

        Assert.Same(response, FunctionsHostGrpcServer.CarryOverEventsToSelf(response));
    }

    [Fact]
    public void FailedTurn_FailureDetailsBecomeTheResult_AsDurableTaskCoreFormatsThem()
    {
        var failure = new P.TaskFailureDetails { ErrorType = "System.InvalidOperationException", ErrorMessage = "boom" };
        var action = Complete(P.OrchestrationStatus.Failed);
        action.CompleteOrchestration.FailureDetails = failure;
        var response = Response(action);

        var converted = FunctionsHostGrpcServer.FailureAsResult(response);

        Assert.Equal("System.InvalidOperationException: boom", converted.Actions[0].CompleteOrchestration.Result);
        Assert.Equal(failure, converted.Actions[0].CompleteOrchestration.FailureDetails);
    }

    [Fact]
    public void CompletedTurn_KeepsItsResult()
    {
        var action = Complete(P.OrchestrationStatus.Completed);
        action.CompleteOrchestration.Result = "\"done\"";
        var response = Response(action);

        Assert.Same(response, FunctionsHostGrpcServer.FailureAsResult(response));
    }

    private static P.OrchestratorResponse Response(params P.OrchestratorAction[] actions)
    {
        var response = new P.OrchestratorResponse { InstanceId = Self };
        response.Actions.AddRange(actions);
        return response;
    }

    private static P.OrchestratorAction Schedule(int id) =>
        new() { Id = id, ScheduleTask = new P.ScheduleTaskAction { Name = "work" } };

    private static P.OrchestratorAction Send(string instanceId, string name, string data) =>
        new() { SendEvent = new P.SendEventAction { Instance = new P.OrchestrationInstance { InstanceId = instanceId }, Name = name, Data = data } };

    private static P.OrchestratorAction Complete(P.OrchestrationStatus status, params P.HistoryEvent[] carried)
    {
        var complete = new P.CompleteOrchestrationAction { OrchestrationStatus = status };
        complete.CarryoverEvents.AddRange(carried);
        return new P.OrchestratorAction { CompleteOrchestration = complete };
    }

    private static P.HistoryEvent Raised(string name, string input) =>
        new() { EventId = -1, EventRaised = new P.EventRaisedEvent { Name = name, Input = input } };
}
