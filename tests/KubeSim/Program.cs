using System.Globalization;
using KubeSim;

// Standalone: dotnet run --project tests/KubeSim -- --urls http://127.0.0.1:6443 [--seed-default-nodes] [--seed-nodes a,b]
//   [--watch-history-limit N] [--bookmark-interval-seconds S] [--too-old-watch ErrorEvent|HttpGone] [--kubeconfig-out PATH] [--verbose]
var options = new KubeApiSimulatorOptions { Urls = "http://127.0.0.1:6443", UseConsoleLifetime = true };
var verbose = false;
string? kubeconfigOut = null;
KubeApiSimulator simulator;
try
{
    for (var i = 0; i < args.Length; i++)
    {
        string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
        var arg = args[i];
        options = arg switch
        {
            "--urls" => options with { Urls = Next() },
            "--seed-default-nodes" => options with { SeedDefaultNodes = true },
            "--seed-nodes" => options with { SeedNodeNames = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
            "--watch-history-limit" => options with { WatchHistoryLimit = int.Parse(Next(), CultureInfo.InvariantCulture) },
            "--bookmark-interval-seconds" => options with { BookmarkInterval = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)) },
            "--too-old-watch" => options with { TooOldWatchResponse = Enum.Parse<WatchGoneMode>(Next(), ignoreCase: true) },
            "--kubeconfig-out" => options,
            "--verbose" => options,
            _ => throw new ArgumentException($"unknown argument {arg}; see docs/kube-simulator.md"),
        };
        verbose |= arg == "--verbose";
        if (arg == "--kubeconfig-out")
        {
            kubeconfigOut = Next();
        }
    }

    options = options with
    {
        ConfigureLogging = logging => logging.AddSimpleConsole(c => c.SingleLine = true).SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information)
            .AddFilter("Microsoft", LogLevel.Warning),
    };
    simulator = await KubeApiSimulator.StartAsync(options);
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
{
    // A mistyped argument is the user's error: say which, exit 2, no stack trace.
    await Console.Error.WriteLineAsync($"kube-sim: {e.Message}");
    return 2;
}

await using var running = simulator;
Console.WriteLine($"Kubernetes API simulator at {simulator.BaseAddress}  (try: kubectl --server {simulator.BaseAddress.ToString().TrimEnd('/')} get nodes)");
if (kubeconfigOut is not null)
{
    await File.WriteAllTextAsync(kubeconfigOut, simulator.KubeconfigYaml());
    Console.WriteLine($"kubeconfig written to {kubeconfigOut}  (export KUBECONFIG={kubeconfigOut})");
}

await simulator.WaitForShutdownAsync();
return 0;
