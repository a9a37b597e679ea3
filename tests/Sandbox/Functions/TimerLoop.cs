using Sandbox.Telemetry;

namespace Sandbox.Functions;

/// <summary>
/// Runs the function app's timer functions every <c>interval</c>, as the Functions host runs them on their
/// schedule. A failed run is logged and the loop goes on, as a failed timer invocation does in the host.
/// </summary>
public sealed class TimerLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    public TimerLoop(Func<CancellationToken, Task> run, TimeSpan interval, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        loop = RunAsync(run, interval, time, logger, stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
        }

        stop.Dispose();
    }

    private async Task RunAsync(Func<CancellationToken, Task> run, TimeSpan interval, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            try
            {
                await run(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // One failed pass must not end the loop; the next tick tries again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                logger.TimerFailed(ex, interval);
            }
        }
    }
}
