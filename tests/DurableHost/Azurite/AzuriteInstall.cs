using System.Diagnostics;
using SakuraLb.Testing;

namespace DurableHost.Azurite;

/// <summary>
/// Finds Azurite: AZURITE_PATH, else &lt;repo&gt;/.tools/node_modules/.bin/azurite, else installs it there with npm
/// (as .ci/run does), one installer at a time across test processes.
/// </summary>
internal static class AzuriteInstall
{
    public static async Task<string> LocateAsync(CancellationToken cancellationToken)
    {
        var configured = Environment.GetEnvironmentVariable("AZURITE_PATH");
        if (!string.IsNullOrEmpty(configured) && File.Exists(configured))
        {
            return configured;
        }

        var tools = Repository.Path(".tools");
        var local = Path.Combine(tools, "node_modules", ".bin", OperatingSystem.IsWindows() ? "azurite.cmd" : "azurite");
        if (File.Exists(local))
        {
            return local;
        }

        Directory.CreateDirectory(tools);
        await using var gate = await AcquireLockAsync(Path.Combine(tools, ".azurite-install.lock"), cancellationToken);
        if (!File.Exists(local))
        {
            using var npm = Process.Start(new ProcessStartInfo("npm", ["install", "--prefix", tools, "--no-audit", "--no-fund", "--loglevel=error", "azurite@" + AzuriteServer.Version]) { UseShellExecute = false })
                ?? throw new InvalidOperationException("npm did not start.");
            await npm.WaitForExitAsync(cancellationToken);
            if (npm.ExitCode != 0 || !File.Exists(local))
            {
                throw new InvalidOperationException($"npm install azurite@{AzuriteServer.Version} failed with exit code {npm.ExitCode}.");
            }
        }

        return local;
    }

    /// <summary>The lock is the open file itself: held while npm runs, released when disposed or when the process dies.</summary>
    private static async Task<FileStream> AcquireLockAsync(string path, CancellationToken cancellationToken)
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
                await Task.Delay(200, cancellationToken);
            }
        }
    }
}
