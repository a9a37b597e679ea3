using System.Net;
using k8s.Autorest;
using SakuraLb.Kubectl.Commands;

namespace SakuraLb.Kubectl.Cli;

/// <summary>Parses the command line, runs the command, and turns every failure into a message and an exit code (<see cref="ExitCodes"/>).</summary>
internal static class PluginApp
{
    private static readonly IReadOnlyDictionary<string, (IReadOnlyList<FlagSpec> Flags, string Help)> Commands =
        new Dictionary<string, (IReadOnlyList<FlagSpec>, string)>(StringComparer.Ordinal)
        {
            ["status"] = (StatusCommand.Flags, "status [-A | -n NS] [SERVICE] [-o json|yaml]   Services with their load balancer, VIP, real servers and last reconcile"),
            ["nodes"] = (NodesCommand.Flags, "nodes [NODE] [-o json|yaml]                      Nodes with their Sakura server, providerID, zone and lifecycle state"),
            ["resync"] = (ResyncCommand.Flags, "resync SERVICE [-n NS] | --all [--wait] [--timeout 60s]  reconcile one Service, or the cluster, now (through the resync annotation)"),
            ["teardown"] = (TeardownCommand.Flags, "teardown --dry-run | --confirm CLUSTER [--wait]  delete every load balancer of the cluster (through the function app)"),
        };

    public static async Task<int> RunAsync(
        IReadOnlyList<string> args,
        TextWriter stdout,
        TextWriter stderr,
        Func<string, string?> environment,
        TimeProvider time,
        CancellationToken cancellationToken,
        HttpMessageHandler? functionHandler = null)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            var line = CommandLine.Parse(args, name => Commands.TryGetValue(name, out var command) ? command.Flags : null);
            if (line.Command.Length == 0 || line.Has("help"))
            {
                await stdout.WriteAsync(Help(line.Command));
                return line.Command.Length == 0 && !line.Has("help") ? ExitCodes.Usage : ExitCodes.Ok;
            }

            var kube = KubeContext.Open(line, environment);
            return line.Command switch
            {
                "status" => await StatusCommand.RunAsync(line, kube, stdout, cancellationToken),
                "nodes" => await NodesCommand.RunAsync(line, kube, stdout, cancellationToken),
                "resync" => await ResyncCommand.RunAsync(line, kube, stdout, time, cancellationToken),
                "teardown" => await TeardownCommand.RunAsync(line, kube, environment, stdout, time, functionHandler, cancellationToken),
                _ => throw PluginException.Usage($"unknown command \"{line.Command}\""),
            };
        }
        catch (PluginException ex)
        {
            await stderr.WriteLineAsync("error: " + ex.Message);
            return ex.ExitCode;
        }
        catch (HttpOperationException ex)
        {
            await stderr.WriteLineAsync("error: " + Describe(ex));
            return ExitCodes.Failed;
        }
        catch (HttpRequestException ex)
        {
            await stderr.WriteLineAsync($"error: the Kubernetes API cannot be reached: {ex.Message}");
            return ExitCodes.Failed;
        }
    }

    /// <summary>An API server refusal in kubectl's words (Forbidden, NotFound, ...).</summary>
    internal static string Describe(HttpOperationException ex) => ex.Response.StatusCode switch
    {
        HttpStatusCode.Forbidden => $"forbidden: {ex.Response.Content}",
        HttpStatusCode.Unauthorized => "you must be logged in to the server (Unauthorized)",
        HttpStatusCode.NotFound => $"not found: {ex.Response.Content}",
        var code => $"the server answered {(int)code}: {ex.Response.Content}",
    };

    private static string Help(string command)
    {
        var lines = new List<string>
        {
            "kubectl sakuralb: the Sakura Cloud load-balancer controller, from kubectl.",
            "",
            "Commands:",
        };
        lines.AddRange(Commands.Where(c => command.Length == 0 || c.Key == command).Select(c => "  " + c.Value.Help));
        lines.Add("");
        lines.Add("Flags:");
        var flags = CommandLine.GlobalFlags.Concat(command.Length > 0 ? Commands[command].Flags : []);
        lines.AddRange(flags.Select(f => $"  {(f.Short is { } s ? $"-{s}, " : "    ")}--{f.Long}{(f.TakesValue ? " VALUE" : "")}   {f.Help}"));
        lines.Add("");
        lines.Add("Exit codes: 0 done, 1 failed (API refused or unreachable, object missing), 2 usage error, 3 --wait timed out.");
        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }
}
