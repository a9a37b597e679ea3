namespace SakuraLb.Kubectl.Cli;

/// <summary>A flag the command line accepts: its long name, an optional one-letter short name, and whether it takes a value.</summary>
internal sealed record FlagSpec(string Long, char? Short, bool TakesValue, string Help);

/// <summary>
/// A parsed command line in kubectl's conventions: <c>--flag value</c>, <c>--flag=value</c>, <c>-n value</c>,
/// <c>-nvalue</c>, boolean flags without a value, <c>--</c> ending the flags; everything else is positional.
/// </summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string?> values;

    private CommandLine(string command, IReadOnlyList<string> positional, Dictionary<string, string?> values)
    {
        Command = command;
        Positional = positional;
        this.values = values;
    }

    /// <summary>The sub-command ("status", "nodes", ...); "" when none was given.</summary>
    public string Command { get; }

    public IReadOnlyList<string> Positional { get; }

    /// <summary>The global flags, which every command accepts (kubeconfig handling like kubectl's).</summary>
    public static IReadOnlyList<FlagSpec> GlobalFlags { get; } =
    [
        new("kubeconfig", null, true, "path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)"),
        new("context", null, true, "the kubeconfig context to use"),
        new("namespace", 'n', true, "the namespace (default: the context's, else default)"),
        new("help", 'h', false, "show help"),
    ];

    public bool Has(string flag) => values.ContainsKey(flag);

    public string? Value(string flag) => values.GetValueOrDefault(flag);

    /// <summary>Parses the arguments after the plugin's name against the global flags and <paramref name="commandFlags"/>.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args, Func<string, IReadOnlyList<FlagSpec>?> commandFlags)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(commandFlags);
        var command = CommandOf(args);
        var known = commandFlags(command);
        if (command.Length > 0 && known is null)
        {
            throw PluginException.Usage($"unknown command \"{command}\" for \"kubectl sakuralb\"; run 'kubectl sakuralb --help'");
        }

        var flags = GlobalFlags.Concat(known ?? []).ToList();
        var positional = new List<string>();
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        var commandSeen = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                positional.AddRange(args.Skip(i + 1));
                break;
            }

            if (!arg.StartsWith('-') || arg == "-")
            {
                if (!commandSeen && arg == command)
                {
                    commandSeen = true;
                }
                else
                {
                    positional.Add(arg);
                }

                continue;
            }

            var (spec, inline) = Find(flags, arg);
            if (!spec.TakesValue)
            {
                if (inline is not null)
                {
                    throw PluginException.Usage($"flag --{spec.Long} takes no value");
                }

                values[spec.Long] = null;
                continue;
            }

            if (inline is null)
            {
                if (i + 1 >= args.Count)
                {
                    throw PluginException.Usage($"flag --{spec.Long} needs a value");
                }

                inline = args[++i];
            }

            values[spec.Long] = inline;
        }

        return new CommandLine(command, positional, values);
    }

    /// <summary>The first argument that is neither a flag nor the value of a global flag before it (kubectl -n NS status).</summary>
    private static string CommandOf(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                return "";
            }

            if (!arg.StartsWith('-') || arg == "-")
            {
                return arg;
            }

            var global = arg.StartsWith("--", StringComparison.Ordinal)
                ? GlobalFlags.FirstOrDefault(f => f.Long == arg[2..])
                : arg.Length == 2 ? GlobalFlags.FirstOrDefault(f => f.Short == arg[1]) : null;
            if (global is { TakesValue: true })
            {
                i++;
            }
        }

        return "";
    }

    private static (FlagSpec Spec, string? Inline) Find(List<FlagSpec> flags, string arg)
    {
        if (arg.StartsWith("--", StringComparison.Ordinal))
        {
            var body = arg[2..];
            var eq = body.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? body : body[..eq];
            var spec = flags.FirstOrDefault(f => f.Long == name) ?? throw PluginException.Usage($"unknown flag: --{name}");
            return (spec, eq < 0 ? null : body[(eq + 1)..]);
        }

        var letter = arg[1];
        var shortSpec = flags.FirstOrDefault(f => f.Short == letter) ?? throw PluginException.Usage($"unknown shorthand flag: '{letter}' in {arg}");
        var rest = arg.Length > 2 ? arg[2..].TrimStart('=') : null;
        return (shortSpec, rest);
    }
}
