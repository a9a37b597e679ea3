using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SakuraLb.EndToEnd.Tests.Support;
using SakuraLb.Sakura;
using SakuraLb.Testing;
using Sandbox;
using Sandbox.Simulators;
using Xunit.Abstractions;

namespace SakuraLb.EndToEnd.Tests;

/// <summary>
/// The whole system as a newcomer tries it at scale: the sandbox with a /24 router block, N Services created at once
/// with the real kubectl (one multi-document manifest), then deleted. The figures are in docs/performance.md
/// ("Whole system"). Run:
/// <c>SAKURALB_BENCHMARKS=1 dotnet test tests/SakuraLb.EndToEnd.Tests --filter Category=Benchmark --logger "console;verbosity=detailed"</c>
/// (<c>SAKURALB_BENCHMARK_SERVICES</c> sets N, 50 by default).
/// </summary>
[Collection(SandboxCollection.Name)]
[Trait("Category", "Benchmark")]
public sealed partial class WholeSystemBenchmarks(ITestOutputHelper output)
{
    private const int DefaultServices = 50;

    // Long enough for a few hundred Services at the default budget of 5 requests a second on a loaded machine.
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(30);

    // Each read is a kubectl process or a walk over the simulator's state.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    [BenchmarkFact]
    public async Task ServicesAppliedWithKubectl_InASlash24_AllGetTheirExternalIp_ThenAllDeleted()
    {
        var options = new SandboxOptions { KubePort = 0, SakuraPort = 0, RouterPrefix = 24 };
        var count = ServiceCount(options.RouterBlock.LoadBalancerCapacity(options.Workers));
        await using var sandbox = await SandboxSystem.StartAsync(options);
        var rate = sandbox.Functions.Services.GetRequiredService<IOptions<SakuraClientOptions>>().Value.RequestsPerSecond;
        using var kubectl = new KubectlRunner(sandbox.KubeServer);

        // The nodes are initialised first, so the measurement starts from a cluster as a user finds it.
        await Eventually.UntilAsync(
            () => kubectl.OkAsync("get", "nodes", "-o", "jsonpath={.items[*].spec.providerID}"),
            ids => ids.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == options.Workers,
            "every node to have its providerID",
            TimeSpan.FromMinutes(1),
            PollInterval);
        var manifest = kubectl.WriteFile("services.yaml", Manifest(count));
        await sandbox.SakuraControl.ClearRequestsAsync();

        var clock = Stopwatch.StartNew();
        await kubectl.OkAsync("apply", "-f", manifest);
        var ips = await Eventually.UntilAsync(
            () => ExternalIpsAsync(kubectl),
            found => found.Count == count,
            $"all {count} EXTERNAL-IPs",
            Deadline,
            PollInterval);
        var created = clock.Elapsed;
        var createRequests = await sandbox.SakuraControl.RequestsAsync();
        Assert.Equal(count, ips.Values.Distinct(StringComparer.Ordinal).Count());
        Report("create", count, created, createRequests, rate);

        await sandbox.SakuraControl.ClearRequestsAsync();
        clock.Restart();
        await kubectl.OkAsync("delete", "-f", manifest, "--wait=false");
        await Eventually.UntilAsync(() => sandbox.SakuraControl.LoadBalancersAsync(), l => l.Count == 0, "every load balancer to be deleted", Deadline, PollInterval);
        var deleted = clock.Elapsed;
        Report("delete", count, deleted, await sandbox.SakuraControl.RequestsAsync(), rate);
    }

    /// <summary>N from SAKURALB_BENCHMARK_SERVICES (default 50), at most what the block holds.</summary>
    private static int ServiceCount(int capacity)
    {
        var text = Environment.GetEnvironmentVariable("SAKURALB_BENCHMARK_SERVICES");
        if (string.IsNullOrEmpty(text))
        {
            return DefaultServices;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count >= 1 && count <= capacity
            ? count
            : throw new InvalidOperationException($"SAKURALB_BENCHMARK_SERVICES must be a whole number from 1 to {capacity} (the load balancers the /24 holds), got \"{text}\".");
    }

    /// <summary>N Services of type LoadBalancer in one multi-document manifest: bench001, bench002, ...</summary>
    private static string Manifest(int count)
    {
        var text = new StringBuilder();
        for (var i = 1; i <= count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"""
                apiVersion: v1
                kind: Service
                metadata:
                  name: bench{i:000}
                spec:
                  type: LoadBalancer
                  selector:
                    app: bench
                  ports:
                  - port: 80
                    targetPort: 8080
                ---

                """);
        }

        return text.ToString();
    }

    /// <summary>The bench Services that have an EXTERNAL-IP, by name.</summary>
    private static async Task<IReadOnlyDictionary<string, string>> ExternalIpsAsync(KubectlRunner kubectl)
    {
        var lines = await kubectl.OkAsync("get", "svc", "-o", """jsonpath={range .items[*]}{.metadata.name}={.status.loadBalancer.ingress[0].ip}{"\n"}{end}""");
        return lines.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('='))
            .Where(pair => pair.Length == 2 && pair[0].StartsWith("bench", StringComparison.Ordinal) && pair[1].Length > 0)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
    }

    private void Report(string phase, int count, TimeSpan elapsed, IReadOnlyList<SimApiRequest> requests, int rate)
    {
        var times = requests.Select(r => r.Time).Order().ToList();
        var peak = times.Count == 0 ? 0 : times.Select((t, i) => times.Skip(i).TakeWhile(u => u - t < TimeSpan.FromSeconds(1)).Count()).Max();
        var operations = string.Join("; ", requests
            .GroupBy(r => $"{r.Method} {Id().Replace(r.Path, "{id}")}")
            .OrderByDescending(g => g.Count())
            .Select(g => $"{g.Key} ×{g.Count()}"));
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{phase} {count} Services: {elapsed.TotalSeconds:F1} s; {requests.Count} Sakura requests ({(double)requests.Count / count:F1} per Service, " +
            $"{requests.Count(r => r.IsWrite)} writes); budget used {requests.Count / (rate * elapsed.TotalSeconds):P0} of {rate}/s × {elapsed.TotalSeconds:F0} s " +
            $"(mean {requests.Count / elapsed.TotalSeconds:F1}/s); peak {peak} in any 1 s window; 503 busy: {requests.Count(r => r.Status == 503)}"));
        output.WriteLine($"  {operations}");
    }

    [GeneratedRegex("[0-9]{6,}")]
    private static partial Regex Id();
}
