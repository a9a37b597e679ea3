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
/// <c>kubectl sakuralb resync --all [--wait]</c> does the same for the whole cluster on the ConfigMap the relay
/// watches, and waits for the relay's answering Event, found by its name (derived from the ConfigMap's UID and the value).
/// </summary>
internal static class ResyncCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static IReadOnlyList<FlagSpec> Flags { get; } =
    [
        new("wait", null, false, "wait for the answer (the Resynced Event) and print it"),
        new("timeout", null, true, "how long --wait waits, e.g. 60s or 2m (default 60s)"),
        new("all", null, false, "resync the whole cluster, through the ConfigMap the relay watches"),
        new("relay-namespace", null, true, $"with --all: the relay's namespace (default {WellKnown.RelayNamespace})"),
        new("configmap", null, true, $"with --all: the ConfigMap the relay watches (default {WellKnown.ClusterResyncConfigMap})"),
    ];

    public static async Task<int> RunAsync(CommandLine line, KubeContext kube, TextWriter stdout, TimeProvider time, CancellationToken cancellationToken)
    {
        if (line.Has("all"))
        {
            return line.Positional.Count == 0
                ? await RunAllAsync(line, kube, stdout, time, cancellationToken)
                : throw PluginException.Usage("resync --all takes no SERVICE");
        }

        if (line.Positional.Count != 1)
        {
            throw PluginException.Usage("resync needs exactly one SERVICE, or --all");
        }

        var timeout = Duration(line.Value("timeout") ?? "60s");
        var name = line.Positional[0];
        var request = Request(time);
        try
        {
            await kube.Client.CoreV1.PatchNamespacedServiceAsync(RequestPatch(request), name, kube.Namespace, cancellationToken: cancellationToken);
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

        var sentence = await WaitAsync(
            async () =>
            {
                var note = ServiceRow.NoteOf(await StatusCommand.ReadAsync(kube, name, cancellationToken));
                return note?.Resync is { } answer && answer.Request == request ? answer.Sentence(note.Phase, note.ReasonCode, note.Message) : null;
            },
            $"service/{name}",
            timeout,
            time,
            cancellationToken);
        await stdout.WriteLineAsync(sentence);
        return ExitCodes.Ok;
    }

    /// <summary>The whole cluster: the same annotation on the relay's ConfigMap; the answer is the relay's Event on it.</summary>
    private static async Task<int> RunAllAsync(CommandLine line, KubeContext kube, TextWriter stdout, TimeProvider time, CancellationToken cancellationToken)
    {
        var timeout = Duration(line.Value("timeout") ?? "60s");
        var ns = line.Value("relay-namespace") ?? WellKnown.RelayNamespace;
        var name = line.Value("configmap") ?? WellKnown.ClusterResyncConfigMap;
        var request = Request(time);
        V1ConfigMap configMap;
        try
        {
            configMap = await kube.Client.CoreV1.PatchNamespacedConfigMapAsync(RequestPatch(request), name, ns, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            throw PluginException.Failed($"configmaps \"{name}\" not found in namespace \"{ns}\": the relay's manifests (infra/relay) create it; give the relay's namespace with --relay-namespace");
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Forbidden)
        {
            throw PluginException.Failed($"you may not patch configmaps \"{name}\" in namespace \"{ns}\": a cluster-wide resync needs patch on that ConfigMap");
        }

        await stdout.WriteLineAsync($"configmap/{name} resync requested ({WellKnown.ResyncRequestedAtAnnotation}={request})");
        if (!line.Has("wait"))
        {
            return ExitCodes.Ok;
        }

        var eventName = EventNames.ResyncAnswer(name, configMap.Metadata.Uid, request);
        var answer = await WaitAsync(
            async () =>
            {
                try
                {
                    return await kube.Client.EventsV1.ReadNamespacedEventAsync(eventName, ns, cancellationToken: cancellationToken);
                }
                catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
                {
                    return null;
                }
                catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Forbidden)
                {
                    throw PluginException.Failed($"the resync was requested, but you may not read events in namespace \"{ns}\" to wait for its answer");
                }
            },
            $"configmap/{name}",
            timeout,
            time,
            cancellationToken);
        if (answer.Type == "Warning")
        {
            throw PluginException.Failed($"the relay answered {answer.Reason}: {answer.Note}");
        }

        await stdout.WriteLineAsync(answer.Note);
        return ExitCodes.Ok;
    }

    /// <summary>A request value: the current time, to the millisecond, so two requests differ.</summary>
    private static string Request(TimeProvider time) =>
        time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static V1Patch RequestPatch(string request) => new(
        new JsonObject
        {
            ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [WellKnown.ResyncRequestedAtAnnotation] = request } },
        }.ToJsonString(),
        V1Patch.PatchType.MergePatch);

    /// <summary>Polls until <paramref name="answer"/> gives one, or fails with the time-out code.</summary>
    private static async Task<T> WaitAsync<T>(Func<Task<T?>> answer, string what, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
        where T : class
    {
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            if (await answer() is { } found)
            {
                return found;
            }

            if (time.GetUtcNow() >= deadline)
            {
                throw new PluginException(ExitCodes.TimedOut, $"no answer to the resync of {what} within {timeout.TotalSeconds:0} s (is the relay running and leading?)");
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
