using Microsoft.DurableTask.Client;

namespace DurableHost.Tests.Infrastructure;

/// <summary>Waits for a condition by polling with a deadline; never a fixed sleep.</summary>
internal static class Poll
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        T value;
        while (true)
        {
            value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(25);
        }

        Assert.Fail($"timed out after {timeout} waiting for {what}; last value: {value}");
        return value;
    }

    /// <summary>
    /// Polls the instance until it has left Pending and Running (not WaitForInstanceCompletionAsync: on Azure Storage
    /// that polls every 2 s).
    /// </summary>
    public static async Task<OrchestrationMetadata> FinishedAsync(DurableTaskClient client, string instanceId, TimeSpan? timeout = null) =>
        (await UntilAsync(
            () => client.GetInstanceAsync(instanceId, getInputsAndOutputs: true),
            instance => instance is { RuntimeStatus: not (OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Running) },
            $"{instanceId} to finish",
            timeout ?? TimeSpan.FromSeconds(60)))!;

    public static async Task<OrchestrationMetadata> StatusAsync(DurableTaskClient client, string instanceId, OrchestrationRuntimeStatus status, TimeSpan? timeout = null) =>
        (await UntilAsync(
            () => client.GetInstanceAsync(instanceId, getInputsAndOutputs: true),
            instance => instance?.RuntimeStatus == status,
            $"{instanceId} to be {status}",
            timeout ?? TimeSpan.FromSeconds(60)))!;
}
