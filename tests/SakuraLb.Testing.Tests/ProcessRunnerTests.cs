using System.Diagnostics;

namespace SakuraLb.Testing.Tests;

public sealed class ProcessRunnerTests
{
    private static ProcessStartInfo Shell(string script) => new("sh", ["-c", script]);

    [Fact]
    public async Task RunAsync_ReturnsExitCodeAndBothOutputs_AndFeedsTheInput()
    {
        var result = await ProcessRunner.RunAsync(Shell("cat; echo oops >&2; exit 3"), TimeSpan.FromSeconds(30), stdin: "héllo\n");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("héllo\n", result.Stdout);
        Assert.Equal("oops\n", result.Stderr);
        Assert.Equal("sh -c cat; echo oops >&2; exit 3", result.Command);
    }

    [Fact]
    public async Task RunAsync_WithoutInput_ClosesIt_SoAReaderEnds()
    {
        var result = await ProcessRunner.RunAsync(Shell("cat"), TimeSpan.FromSeconds(30));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task RunAsync_AtTheDeadline_KillsTheProcessTree_AndNamesTheCommand()
    {
        var pidFile = Path.Combine(Path.GetTempPath(), "processrunner-" + Guid.NewGuid().ToString("N"));

        var error = await Assert.ThrowsAsync<TimeoutException>(
            () => ProcessRunner.RunAsync(Shell($"sleep 60 & echo $! > {pidFile}; wait"), TimeSpan.FromMilliseconds(500)));

        Assert.StartsWith("sh -c sleep 60 &", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("did not finish within 0.5 s", error.Message, StringComparison.Ordinal);
        // The child, not only the shell, is gone (or a zombie nobody has reaped yet).
        var child = File.ReadAllText(pidFile).Trim();
        File.Delete(pidFile);
        await Eventually.UntilAsync(() => !IsRunning(child), $"the shell's child {child} to end");
    }

    private static bool IsRunning(string pid)
    {
        try
        {
            // /proc/<pid>/stat: "pid (comm) state ..."; Z is a zombie.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    [Fact]
    public void EnsureSuccess_OnAFailure_CarriesTheCommandAndBothOutputs()
    {
        var failed = new ProcessResult("kubectl get svc", 1, "out", "err");

        var error = Assert.Throws<InvalidOperationException>(() => failed.EnsureSuccess());

        Assert.Equal("kubectl get svc exited 1\nstdout: out\nstderr: err", error.Message);
        var ok = failed with { ExitCode = 0 };
        Assert.Same(ok, ok.EnsureSuccess());
    }
}
