using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using k8s.Autorest;
using SakuraLb.Kubectl.Views;
using SakuraLb.Model;

namespace SakuraLb.Kubectl.Commands;

/// <summary>
/// <c>kubectl sakuralb resync SERVICE [--wait]</c>: sets the Service's resync annotation to the current time, as
/// <c>kubectl annotate</c> would, so only who may update the Service may resync it. With <c>--wait</c> it waits until
/// the relay's status note answers that very value (the same answer the relay records as an Event) and prints it.
/// </summary>
internal static class ResyncCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static IReadOnlyList<FlagSpec> Flags { get; } =
    [
        new("wait", null, false, "wait for the answer (the Resynced Event) and print it"),
        new("timeout", null, true, "how long --wait waits, e.g. 60s or 2m (default 60s)"),
    ];

    public static async Task<int> RunAsync(CommandLine line, KubeContext kube, TextWriter stdout, TimeProvider time, CancellationToken cancellationToken)
    {
        if (line.Positional.Count != 1)
        {
            throw PluginException.Usage("resync needs exactly one SERVICE");
        }

        var timeout = Duration(line.Value("timeout") ?? "60s");
        var name = line.Positional[0];
        var request = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [WellKnown.ResyncRequestedAtAnnotation] = request } },
        };
        try
        {
            await kube.Client.CoreV1.PatchNamespacedServiceAsync(
                new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), name, kube.Namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            throw PluginException.Failed($"services \"{name}\" not found in namespace \"{kube.Namespace}\"");
        }

        await stdout.WriteLineAsync($"service/{name} resync requested ({WellKnown.ResyncRequestedAtAnnotation}={request})");
        if (!line.Has("wait"))
        {
            return ExitCodes.Ok;
        }

        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            var note = ServiceRow.NoteOf(await StatusCommand.ReadAsync(kube, name, cancellationToken));
            if (note?.Resync is { } answer && answer.Request == request)
            {
                await stdout.WriteLineAsync(answer.Sentence(note.Phase, note.ReasonCode, note.Message));
                return ExitCodes.Ok;
            }

            if (time.GetUtcNow() >= deadline)
            {
                throw new PluginException(ExitCodes.TimedOut, $"no answer to the resync of service/{name} within {timeout.TotalSeconds:0} s (is the relay running and leading?)");
            }

            await Task.Delay(PollInterval, time, cancellationToken);
        }
    }

    /// <summary>A kubectl-style duration: 30s, 2m, 1h, or plain seconds.</summary>
    internal static TimeSpan Duration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (number, unit) = text.Length > 0 && char.IsAsciiLetter(text[^1]) ? (text[..^1], text[^1]) : (text, 's');
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            throw PluginException.Usage($"invalid duration \"{text}\" (e.g. 30s, 2m)");
        }

        return unit switch
        {
            's' => TimeSpan.FromSeconds(value),
            'm' => TimeSpan.FromMinutes(value),
            'h' => TimeSpan.FromHours(value),
            _ => throw PluginException.Usage($"invalid duration \"{text}\" (e.g. 30s, 2m)"),
        };
    }
}
