using System.Diagnostics;

namespace KubeSim.Tests.Kubectl;

/// <summary>Deadline-bound reads of a running kubectl (get -w).</summary>
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
}
