using System.Globalization;
using System.Net;
using k8s.Autorest;
using SakuraLb.Kubectl.Output;
using SakuraLb.Kubectl.Views;

namespace SakuraLb.Kubectl.Commands;

/// <summary>
/// <c>kubectl sakuralb status [-A | -n NS] [SERVICE]</c>: the Services of this controller with what the relay wrote
/// back on them (the status note annotation, the ingress, the BackendsHealthy condition). Reads the Kubernetes API
/// only: no Sakura credential is needed.
/// </summary>
internal static class StatusCommand
{
    public static IReadOnlyList<FlagSpec> Flags { get; } =
    [
        new("all-namespaces", 'A', false, "list the Services of every namespace"),
        Formats.OutputFlag,
    ];

    public static async Task<int> RunAsync(CommandLine line, KubeContext kube, TextWriter stdout, CancellationToken cancellationToken)
    {
        var format = Formats.Of(line);
        var all = line.Has("all-namespaces");
        if (line.Positional.Count > 1 || (all && line.Positional.Count > 0))
        {
            throw PluginException.Usage("status takes at most one SERVICE, and none with -A");
        }

        IReadOnlyList<V1Service> services;
        if (line.Positional.Count == 1)
        {
            services = [await ReadAsync(kube, line.Positional[0], cancellationToken)];
        }
        else
        {
            var list = all
                ? await kube.Client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: cancellationToken)
                : await kube.Client.CoreV1.ListNamespacedServiceAsync(kube.Namespace, cancellationToken: cancellationToken);
            services = [.. list.Items.Where(ServiceRow.IsOurs)];
        }

        var rows = services.Select(ServiceRow.From).OrderBy(r => r.Namespace, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal).ToList();
        if (format != "table")
        {
            await stdout.WriteAsync(Formats.Structured(format, "ServiceStatusList", rows));
            return ExitCodes.Ok;
        }

        if (rows.Count == 0)
        {
            await stdout.WriteLineAsync(all ? "No load-balancer Services found." : $"No load-balancer Services found in {kube.Namespace} namespace.");
            return ExitCodes.Ok;
        }

        await stdout.WriteAsync(Render(rows, all));
        return ExitCodes.Ok;
    }

    internal static string Render(IReadOnlyList<ServiceRow> rows, bool withNamespace)
    {
        string[] headers = ["NAME", "PHASE", "VIP", "PORTS", "LOAD BALANCER", "PLAN", "HA", "REAL SERVERS", "BACKENDS", "LAST RECONCILE", "REASON"];
        var cells = rows.Select(r => (IReadOnlyList<string?>)new[]
        {
            r.Name,
            r.Phase,
            string.Join(",", r.Vips),
            string.Join(",", r.Ports),
            r.LoadBalancerName is null ? null : $"{r.LoadBalancerName} ({r.LoadBalancerId?.ToString(CultureInfo.InvariantCulture)})",
            r.Plan,
            r.HighAvailability switch { true => "yes", false => "no", null => null },
            string.Join(",", r.RealServers.Select(s => $"{s.Node}={s.Address}")),
            r.BackendsHealthy,
            r.LastReconcile?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            r.Message is null ? null : $"{r.Reason}: {r.Message}",
        });
        return withNamespace
            ? Table.Render(["NAMESPACE", .. headers], rows.Zip(cells, (r, c) => (IReadOnlyList<string?>)[r.Namespace, .. c]))
            : Table.Render(headers, cells);
    }

    internal static async Task<V1Service> ReadAsync(KubeContext kube, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await kube.Client.CoreV1.ReadNamespacedServiceAsync(name, kube.Namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            throw PluginException.Failed($"services \"{name}\" not found in namespace \"{kube.Namespace}\"");
        }
    }
}
