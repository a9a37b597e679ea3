using System.Diagnostics;

namespace KubeSim.Tests.Kubectl;

/// <summary>Deadline-bound waits on a running kubectl (get -w) and on simulator state.</summary>
internal static class KubectlWait
{
    /// <summary>The first line kubectl prints that contains <paramref name="text"/>.</summary>
    public static async Task<string> LineContainingAsync(Process process, string text, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (await process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.Contains(text, StringComparison.Ordinal))
            {
                return line;
            }
        }

        throw new InvalidOperationException($"kubectl ended without printing {text}: {await process.StandardError.ReadToEndAsync(cts.Token)}");
    }

    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("timed out waiting for " + what);
            }

            await Task.Delay(50);
        }
    }
}
