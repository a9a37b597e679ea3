namespace SakuraLb.Kubectl.Cli;

/// <summary>What the plugin's exit code means; scripts may rely on these (docs/operations.md lists them).</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>The request failed: the API server or the function app refused or could not be reached, or an object is missing.</summary>
    public const int Failed = 1;

    /// <summary>The command line is wrong (unknown command or flag, a missing or conflicting argument); nothing was done.</summary>
    public const int Usage = 2;

    /// <summary>--wait ran out of time before the answer came (the request itself was made).</summary>
    public const int TimedOut = 3;
}

/// <summary>A problem that ends the command with an exit code and a one-line message on stderr.</summary>
internal sealed class PluginException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public static PluginException Usage(string message) => new(ExitCodes.Usage, message);

    public static PluginException Failed(string message) => new(ExitCodes.Failed, message);
}
