using System.Diagnostics;

namespace KubeSim.Tests.Api;

public sealed class StandaloneProgramTests
{
    [Fact]
    public async Task Program_RunsOnItsOwn_ServesSeededNodes_AndStopsOnSigterm()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "KubeSim.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "--urls", "http://127.0.0.1:0", "--seed-nodes", "alpha,beta" })
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            string? line;
            do
            {
                line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            }
            while (line is not null && !line.StartsWith("Kubernetes API simulator at ", StringComparison.Ordinal));

            Assert.NotNull(line);
            var address = new Uri(line["Kubernetes API simulator at ".Length..].Split(' ')[0]);
            using var api = new ApiClient(address);
            var nodes = await api.GetAsync("/api/v1/nodes");

            Assert.Equal(HttpStatusCode.OK, nodes.Status);
            Assert.Equal(["alpha", "beta"], nodes.Object["items"]!.AsArray().Select(n => n.Str("metadata.name")));

            Assert.Equal(0, Kill(process.Id, 15));
            await process.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [Theory]
    [InlineData("--watch-history-limit", "many", "kube-sim: ")]
    [InlineData("--too-old-watch", "Never", "kube-sim: ")]
    [InlineData("--bookmark-interval-seconds", "0", "BookmarkInterval must be positive")]
    [InlineData("--colour", "blue", "unknown argument --colour")]
    public async Task Program_WithABadArgument_ExitsWith2AndSaysWhy_WithoutAStackTrace(string option, string value, string expected)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "KubeSim.dll"), "--urls", "http://127.0.0.1:0", option, value })
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var error = await process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
