using System.Globalization;
using DurableHost;
using Sandbox.Simulators;

namespace Sandbox;

/// <summary>What the sandbox starts and how; see <see cref="SandboxOptions.Parse"/> for the command line.</summary>
public sealed record SandboxOptions
{
    public const int DefaultKubePort = 6443;
    public const int DefaultSakuraPort = 18080;
    public const double DefaultSakuraTimeScale = 0.02;
    public const int DefaultWorkers = 3;
    public const int DefaultRouterPrefix = 28;

    /// <summary>Port of the Kubernetes API fake on 127.0.0.1; 0 picks a free one.</summary>
    public int KubePort { get; init; } = DefaultKubePort;

    /// <summary>Port of the Sakura Cloud simulator on 127.0.0.1; 0 picks a free one.</summary>
    public int SakuraPort { get; init; } = DefaultSakuraPort;

    /// <summary>Port of the function app's HTTP surface on 127.0.0.1; 0 (default) picks a free one.</summary>
    public int FunctionPort { get; init; }

    /// <summary>
    /// The simulator's clock: 1 is realistic (a load balancer takes over a minute to come up), the default
    /// 0.02 runs 50 times faster so one is ready in seconds, 0 makes every transition immediate.
    /// </summary>
    public double SakuraTimeScale { get; init; } = DefaultSakuraTimeScale;

    /// <summary>Period of the function app's timer (resync, drift, orphans); the Functions host runs it from ResyncSchedule.</summary>
    public TimeSpan ResyncInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Period of the node controller's timer (shutdown taint, deleted servers); the Functions host runs it from NodeLifecycleSchedule.</summary>
    public TimeSpan NodeInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Period of the backend-health timer (load balancers' live status); the Functions host runs it from HealthSchedule.</summary>
    public TimeSpan HealthInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The durable engine: the in-process one (default; nothing to install), or the Functions host's production
    /// backend, Azure Storage, on Azurite (started from .tools, installed there first if missing) with table stores.
    /// </summary>
    public DurableEngineKind Durable { get; init; } = DurableEngineKind.InMemory;

    /// <summary>How many workers: Kubernetes nodes worker01, worker02, ... and a Sakura server of the same name for each.</summary>
    public int Workers { get; init; } = DefaultWorkers;

    /// <summary>The prefix length of the router's global block (<see cref="Simulators.RouterBlock"/>): 28 gives 11 assignable addresses, 24 gives 251.</summary>
    public int RouterPrefix { get; init; } = DefaultRouterPrefix;

    /// <summary>The router's block with this <see cref="RouterPrefix"/>.</summary>
    public RouterBlock RouterBlock => new(RouterPrefix);

    /// <summary>Create a sample Service and print its EXTERNAL-IP when it appears.</summary>
    public bool Demo { get; init; }

    /// <summary>With <see cref="Demo"/>: exit once the EXTERNAL-IP appeared (0) or did not in time (1).</summary>
    public bool ExitAfterDemo { get; init; }

    /// <summary>How long the demo waits for the EXTERNAL-IP.</summary>
    public TimeSpan DemoTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Function app settings that override the sandbox's (keys as in configuration, e.g. Controller:DefaultHighAvailability).</summary>
    public IReadOnlyDictionary<string, string> FunctionSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>Debug logging for the sandbox's own parts.</summary>
    public bool Verbose { get; init; }

    public const string Usage = """
        Usage: dotnet run --project tests/Sandbox -- [options]

        Starts, in this process: a Kubernetes API fake (nodes worker01..03 by default, registered as kubelets
        with --cloud-provider=external register them: tainted uninitialized, no providerID), the Sakura Cloud
        simulator (a router+switch, by default with the block 203.0.113.96/28, a plain switch for private load
        balancers, and the matching servers with a NIC on each), the function app (in-process durable engine, in-memory
        stores; or Azure Storage on Azurite with --durable azure-storage) and the relay, wired together on
        127.0.0.1. Ctrl-C stops everything.

        Options:
          --kube-port N            Kubernetes API fake port (default 6443; 0 = a free port)
          --sakura-port N          Sakura Cloud simulator port (default 18080; 0 = a free port)
          --function-port N        function app port (default 0 = a free port)
          --sakura-time-scale X    simulator clock: 1 realistic, 0.02 (default) 50x faster, 0 immediate
          --resync-interval S      seconds between runs of the function app's timer (default 60)
          --node-interval S        seconds between runs of the node controller's timer (default 10)
          --workers N              how many workers: nodes worker01.. and their servers (default 3; at most what
                                   the router's block holds next to one load balancer: 9 in a /28, 249 in a /24)
          --router-prefix P        prefix length of the router's block, 24 to 29 (default 28: 11 assignable
                                   addresses; 24: 251); the workers take the first ones, the banner says how
                                   many load balancers fit. Sakura Cloud's API orders 26, 27 and 28
          --durable ENGINE         in-memory (default) or azure-storage: the Functions host's backend on Azurite
                                   (from .tools; installed there with npm on first use), with table stores
          --demo                   create the Service default/demo and print its EXTERNAL-IP
          --exit                   with --demo: exit once the EXTERNAL-IP is there (exit code 0), or 1 after 2 minutes or when stopped first
          --set KEY=VALUE          a function app setting, e.g. --set Controller:DefaultHighAvailability=true (repeatable)
          --verbose                debug logs
          -h, --help               this text
        """;

    /// <summary>
    /// Parses the command line. Every problem is reported at once; <paramref name="problems"/> is empty when the
    /// result can be used. <c>--name value</c> and <c>--name=value</c> are both accepted.
    /// </summary>
    public static SandboxOptions Parse(IReadOnlyList<string> args, out IReadOnlyList<string> problems, out bool help)
    {
        ArgumentNullException.ThrowIfNull(args);
        var errors = new List<string>();
        var options = new SandboxOptions();
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        help = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inline = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 0)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            string? Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    return args[++i];
                }

                errors.Add($"{arg} needs a value.");
                return null;
            }

            switch (arg)
            {
                case "-h" or "--help":
                    help = true;
                    break;
                case "--kube-port":
                    options = options with { KubePort = Port(arg, Value(), errors) ?? options.KubePort };
                    break;
                case "--sakura-port":
                    options = options with { SakuraPort = Port(arg, Value(), errors) ?? options.SakuraPort };
                    break;
                case "--function-port":
                    options = options with { FunctionPort = Port(arg, Value(), errors) ?? options.FunctionPort };
                    break;
                case "--sakura-time-scale":
                    options = options with { SakuraTimeScale = Number(arg, Value(), 0, 100, errors) ?? options.SakuraTimeScale };
                    break;
                case "--resync-interval":
                    options = options with
                    {
                        ResyncInterval = Number(arg, Value(), 0.1, 86_400, errors) is { } seconds ? TimeSpan.FromSeconds(seconds) : options.ResyncInterval,
                    };
                    break;
                case "--node-interval":
                    options = options with
                    {
                        NodeInterval = Number(arg, Value(), 0.1, 86_400, errors) is { } nodeSeconds ? TimeSpan.FromSeconds(nodeSeconds) : options.NodeInterval,
                    };
                    break;
                case "--workers":
                    options = options with { Workers = Whole(arg, Value(), 1, new RouterBlock(RouterBlock.MinPrefix).MaxWorkers, errors) ?? options.Workers };
                    break;
                case "--router-prefix":
                    options = options with { RouterPrefix = Whole(arg, Value(), RouterBlock.MinPrefix, RouterBlock.MaxPrefix, errors) ?? options.RouterPrefix };
                    break;
                case "--durable":
                    options = options with { Durable = Engine(Value(), errors) ?? options.Durable };
                    break;
                case "--demo":
                    options = options with { Demo = true };
                    break;
                case "--exit":
                    options = options with { ExitAfterDemo = true };
                    break;
                case "--verbose":
                    options = options with { Verbose = true };
                    break;
                case "--set":
                    if (Value() is { } pair)
                    {
                        var split = pair.IndexOf('=', StringComparison.Ordinal);
                        if (split <= 0)
                        {
                            errors.Add($"--set needs KEY=VALUE, got \"{pair}\".");
                        }
                        else
                        {
                            // Environment-variable spelling (Controller__X) is accepted too.
                            settings[pair[..split].Replace("__", ":", StringComparison.Ordinal)] = pair[(split + 1)..];
                        }
                    }

                    break;
                default:
                    errors.Add($"unknown argument \"{args[i]}\" (see --help).");
                    break;
            }
        }

        if (options.ExitAfterDemo && !options.Demo)
        {
            errors.Add("--exit only makes sense with --demo.");
        }

        if (options.Workers > options.RouterBlock.MaxWorkers)
        {
            var block = options.RouterBlock;
            errors.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"--workers {options.Workers} does not fit the router's /{block.Prefix} block: its {block.AssignableCount} assignable addresses hold at most {block.MaxWorkers} worker{(block.MaxWorkers == 1 ? "" : "s")} " +
                $"and one load balancer (its own address and a VIP); use fewer workers or a shorter --router-prefix (e.g. {block.Prefix - 1})."));
        }

        var ports = new[] { ("--kube-port", options.KubePort), ("--sakura-port", options.SakuraPort), ("--function-port", options.FunctionPort) }
            .Where(p => p.Item2 != 0)
            .GroupBy(p => p.Item2)
            .Where(g => g.Count() > 1);
        foreach (var clash in ports)
        {
            errors.Add($"{string.Join(" and ", clash.Select(p => p.Item1))} are both {clash.Key.ToString(CultureInfo.InvariantCulture)}.");
        }

        problems = errors;
        return options with { FunctionSettings = settings };
    }

    private static DurableEngineKind? Engine(string? text, List<string> errors)
    {
        switch (text)
        {
            case null:
                return null;
            case "in-memory":
                return DurableEngineKind.InMemory;
            case "azure-storage":
                return DurableEngineKind.AzureStorage;
            default:
                errors.Add($"--durable must be in-memory or azure-storage, got \"{text}\".");
                return null;
        }
    }

    private static int? Port(string name, string? text, List<string> errors) => Whole(name, text, 0, 65535, "a port number 0-65535", errors);

    private static int? Whole(string name, string? text, int min, int max, List<string> errors) =>
        Whole(name, text, min, max, string.Create(CultureInfo.InvariantCulture, $"a whole number from {min} to {max}"), errors);

    private static int? Whole(string name, string? text, int min, int max, string expected, List<string> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors.Add($"{name} must be {expected}, got \"{text}\".");
        return null;
    }

    private static double? Number(string name, string? text, double min, double max, List<string> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value >= min && value <= max)
        {
            return value;
        }

        errors.Add(string.Create(CultureInfo.InvariantCulture, $"{name} must be a number from {min} to {max}, got \"{text}\"."));
        return null;
    }
}
