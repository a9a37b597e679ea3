using Microsoft.DurableTask.Client;
using SakuraLb.Testing;

namespace DurableHost.Tests.Infrastructure;

/// <summary>Waits for an instance's runtime status by polling with a deadline (never a fixed sleep).</summary>
internal static class Poll
{
    /// <summary>
    /// Polls the instance until it has left Pending and Running (not WaitForInstanceCompletionAsync: on Azure Storage
    /// that polls every 2 s).
    /// </summary>
    public static async Task<OrchestrationMetadata> FinishedAsync(DurableTaskClient client, string instanceId, TimeSpan? timeout = null) =>
        (await Eventually.UntilAsync(
            () => client.GetInstanceAsync(instanceId, getInputsAndOutputs: true),
            instance => instance is { RuntimeStatus: not (OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Running) },
            $"{instanceId} to finish",
            timeout ?? TimeSpan.FromSeconds(60)))!;

    public static async Task<OrchestrationMetadata> StatusAsync(DurableTaskClient client, string instanceId, OrchestrationRuntimeStatus status, TimeSpan? timeout = null) =>
        (await Eventually.UntilAsync(
            () => client.GetInstanceAsync(instanceId, getInputsAndOutputs: true),
            instance => instance?.RuntimeStatus == status,
            $"{instanceId} to be {status}",
            timeout ?? TimeSpan.FromSeconds(60)))!;
}
