<<<<<<< HEAD
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SakuraLb.Testing;
=======
using DurableHost.Azurite;
>>>>>>> i-durablehost

namespace SakuraLb.Functions.Tests.Infrastructure;

/// <summary>
/// The test process's Azurite (blob, queue and table services on free loopback ports, in memory), shared with
/// everything else in the process that needs one (<see cref="AzuriteServer.SharedAsync"/>): started on first use,
/// stopped when the process exits. Tests keep apart by table prefix.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync() => ConnectionString = (await AzuriteServer.SharedAsync()).ConnectionString;

<<<<<<< HEAD
        if (!File.Exists(table))
        {
            // The all-in-one binary also opens blob and queue ports; give them free ones too.
            foreach (var arg in new[] { "--blobHost", "127.0.0.1", "--blobPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture), "--queueHost", "127.0.0.1", "--queuePort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture) })
            {
                start.ArgumentList.Add(arg);
            }
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Eventually.UntilAsync(() => Task.FromResult(process.HasExited || Accepts(port)), ok => ok, $"Azurite to listen on {port}", TimeSpan.FromSeconds(60));
        Assert.False(process.HasExited, $"Azurite exited with code {(process.HasExited ? process.ExitCode : 0)}");
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevAccountKey};TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
    }

    public async Task DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
        if (location is not null && Directory.Exists(location))
        {
            Directory.Delete(location, recursive: true);
        }
    }

    private static async Task<string> LocateAsync()
    {
        var configured = Environment.GetEnvironmentVariable("AZURITE_PATH");
        if (!string.IsNullOrEmpty(configured) && File.Exists(configured))
        {
            return configured;
        }

        var tools = Path.Combine(Repository.Root, ".tools");
        var local = Path.Combine(tools, "node_modules", ".bin", "azurite");
        if (File.Exists(local))
        {
            return local;
        }

        // One installer at a time across test processes: the lock file is held while npm runs.
        Directory.CreateDirectory(tools);
        await using var gate = await AcquireLockAsync(Path.Combine(tools, ".azurite-install.lock"));
        if (!File.Exists(local))
        {
            var npm = Process.Start(new ProcessStartInfo("npm", ["install", "--prefix", tools, "--no-audit", "--no-fund", "--loglevel=error", "azurite@3.37.0"]) { UseShellExecute = false })
                ?? throw new InvalidOperationException("npm did not start.");
            await npm.WaitForExitAsync();
            Assert.True(npm.ExitCode == 0 && File.Exists(local), $"npm install azurite failed with exit code {npm.ExitCode}");
        }

        return local;
    }

    private static async Task<FileStream> AcquireLockAsync(string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
=======
    // The shared instance outlives any one collection.
    public Task DisposeAsync() => Task.CompletedTask;
>>>>>>> i-durablehost
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
