using System.Runtime.InteropServices;
using Sandbox;

// dotnet run --project tests/Sandbox [-- --demo] : the whole system on loopback (see SandboxOptions.Usage).
using var stop = new CancellationTokenSource();

// The first Ctrl-C (or SIGTERM) stops everything in order; a second one ends the process at once.
void OnSignal(PosixSignalContext context)
{
    if (!stop.IsCancellationRequested)
    {
        context.Cancel = true;
        stop.Cancel();
    }
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
var exitCode = await SandboxCli.RunAsync(args, Console.Out, Console.Error, stop.Token);
if (exitCode != SandboxCli.ExitUsage && stop.IsCancellationRequested)
{
    Console.WriteLine("Stopped.");
}

return exitCode;
