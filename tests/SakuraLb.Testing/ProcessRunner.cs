using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SakuraLb.Testing;

/// <summary>What one finished run of a program printed and how it exited.</summary>
/// <param name="Command">The program's file name and its arguments, for messages.</param>
public sealed record ProcessResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>This result when the program exited 0; otherwise an exception carrying both outputs.</summary>
    public ProcessResult EnsureSuccess() => ExitCode == 0 ? this : throw new InvalidOperationException(Describe());

    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{Command} exited {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}");
}

/// <summary>Runs a program to its end with a deadline, reading both outputs while it runs.</summary>
public static class ProcessRunner
{
    /// <summary>
    /// Starts <paramref name="start"/> (its output, error and input are redirected here), writes <paramref name="stdin"/>
    /// and closes the input, and waits for the exit. At the deadline the process tree is killed and a
    /// <see cref="TimeoutException"/> names the command.
    /// </summary>
    public static async Task<ProcessResult> RunAsync(ProcessStartInfo start, TimeSpan timeout, string? stdin = null)
    {
        using var process = Start(start);
        var command = string.Join(' ', [Path.GetFileName(start.FileName), .. start.ArgumentList]);
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            // Both outputs are drained while the program runs: a full pipe would otherwise block it.
            var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
            var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
            if (stdin is not null)
            {
                await process.StandardInput.WriteAsync(stdin.AsMemory(), deadline.Token);
            }

            // A program that reads its input sees the end of it instead of waiting forever.
            process.StandardInput.Close();
            await process.WaitForExitAsync(deadline.Token);
            return new ProcessResult(command, process.ExitCode, await stdout, await stderr);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Kill(process);
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"{command} did not finish within {timeout.TotalSeconds:0.###} s"));
        }
    }

    /// <summary>Starts a program with its output, error and input redirected here (UTF-8), for a caller that reads them.</summary>
    public static Process Start(ProcessStartInfo start)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.UseShellExecute = false;
        start.StandardOutputEncoding = Encoding.UTF8;
        start.StandardErrorEncoding = Encoding.UTF8;
        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
    }

    /// <summary>Kills the process and its children; one that has already exited is left alone.</summary>
    public static void Kill(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }
}
