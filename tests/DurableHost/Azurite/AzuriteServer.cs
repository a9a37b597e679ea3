using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using DurableHost.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DurableHost.Azurite;

/// <summary>
/// An Azurite process (blob, queue and table services) on loopback ports the OS picks, with in-memory persistence.
/// One is shared by everything in a test process (<see cref="SharedAsync"/>); it stops when the process exits,
/// and also when the process dies without exiting cleanly, because Azurite runs under a small shell that stops
/// it once its standard input (a pipe from this process) closes.
/// </summary>
public sealed partial class AzuriteServer : IAsyncDisposable
{
    // Azurite's well-known development account (public, documented; not a secret).
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    // Kept in sync with .ci/run, which installs the same version.
    public const string Version = "3.37.0";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly Lazy<Task<AzuriteServer>> Shared = new(StartSharedAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Process process;
    private readonly bool shared;
    private int disposed;

    private AzuriteServer(Process process, int blobPort, int queuePort, int tablePort, bool shared)
    {
        this.process = process;
        this.shared = shared;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
        ConnectionString = string.Create(
            CultureInfo.InvariantCulture,
            $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{blobPort}/{AccountName};QueueEndpoint=http://127.0.0.1:{queuePort}/{AccountName};TableEndpoint=http://127.0.0.1:{tablePort}/{AccountName};");
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    /// <summary>A connection string with the blob, queue and table endpoints of this instance.</summary>
    public string ConnectionString { get; }

    /// <summary>The test process's Azurite: started on first use, stopped when the process exits. Do not dispose it.</summary>
    public static Task<AzuriteServer> SharedAsync() => Shared.Value;

    /// <summary>Starts an Azurite of the caller's own (disposing it stops the process).</summary>
    public static Task<AzuriteServer> StartAsync(ILogger? logger = null, CancellationToken cancellationToken = default) =>
        StartCoreAsync(shared: false, logger ?? NullLogger.Instance, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (shared || Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await StopAsync();
    }

    private static async Task<AzuriteServer> StartSharedAsync()
    {
        var server = await StartCoreAsync(shared: true, NullLogger.Instance, CancellationToken.None);

        // Best effort: a test host may end without raising it. The shell's end-of-input watch is what guarantees the stop.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.StopAsync().GetAwaiter().GetResult();
        return server;
    }

    private static async Task<AzuriteServer> StartCoreAsync(bool shared, ILogger logger, CancellationToken cancellationToken)
    {
        var azurite = await AzuriteInstall.LocateAsync(cancellationToken);

        // In-memory persistence refuses --location and writes nothing; the working directory would catch anything
        // else. One for every instance, never deleted: a test process that dies leaves nothing behind to clean up.
        var workDirectory = Path.Combine(Path.GetTempPath(), "durablehost-azurite");
        Directory.CreateDirectory(workDirectory);
        string[] arguments =
        [
            "--silent", "--skipApiVersionCheck", "--inMemoryPersistence", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--blobPort", "0",
            "--queueHost", "127.0.0.1", "--queuePort", "0",
            "--tableHost", "127.0.0.1", "--tablePort", "0",
        ];

        var start = new ProcessStartInfo
        {
            WorkingDirectory = workDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (OperatingSystem.IsWindows())
        {
            start.FileName = azurite;
        }
        else
        {
            // The shell runs Azurite in the background and waits for end-of-file on its standard input; a pipe
            // from this process, so it closes when this process exits or dies. Then it stops Azurite.
            start.FileName = "/bin/sh";
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("\"$0\" \"$@\" & child=$!; cat > /dev/null; kill $child 2>/dev/null; wait $child");
            start.ArgumentList.Add(azurite);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        var output = new List<string>();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (ports)
            {
                if (output.Count < 200)
                {
                    output.Add(line);
                }

                if (ListeningLine().Match(line) is { Success: true } match)
                {
                    ports[match.Groups["service"].Value] = int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture);
                    if (ports.Count == 3)
                    {
                        listening.TrySetResult();
                    }
                }
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("Azurite exited before it listened."));
        if (!process.Start())
        {
            throw new InvalidOperationException($"Azurite ({azurite}) did not start.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await listening.Task.WaitAsync(StartTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or OperationCanceledException)
        {
            string log;
            lock (ports)
            {
                log = string.Join(Environment.NewLine, output);
            }

            KillQuietly(process);
            process.Dispose();
            throw new InvalidOperationException($"Azurite ({azurite}) did not listen on blob, queue and table ports: {ex.Message}{Environment.NewLine}{log}", ex);
        }

        var server = new AzuriteServer(process, ports["Blob"], ports["Queue"], ports["Table"], shared);
        logger.AzuriteStarted(server.BlobPort, server.QueuePort, server.TablePort, process.Id);
        return server;
    }

    private async Task StopAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                // Closing the pipe lets the shell stop Azurite; the kill is for a shell that did not.
                process.StandardInput.Close();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    KillQuietly(process);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // The process object no longer refers to a running process.
        }
        finally
        {
            process.Dispose();
        }
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at https?://[^:]+:(?<port>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex ListeningLine();
}
