using System.Globalization;
using System.Text;

namespace Sandbox;

/// <summary>What the sandbox prints once everything runs: where each part is and what to type next.</summary>
public static class Banner
{
    /// <param name="examples">The repository's examples/ directory as the user types it (see <see cref="ExamplesPath"/>).</param>
    /// <param name="relayOperator">The relay's operator listener: the only place <c>POST /resync</c> answers.</param>
    public static string Render(string clusterId, string kubeServer, string sakuraServer, Uri functionApi, Uri relayUrl, Uri relayOperator, IReadOnlyList<string> workers, double sakuraTimeScale, string durableEngine, string examples)
    {
        ArgumentNullException.ThrowIfNull(workers);
        ArgumentNullException.ThrowIfNull(relayOperator);
        var clock = sakuraTimeScale switch
        {
            0 => "immediate transitions",
            1 => "realistic clock",
            < 1 => string.Create(CultureInfo.InvariantCulture, $"clock {1 / sakuraTimeScale:0.#}x faster"),
            _ => string.Create(CultureInfo.InvariantCulture, $"clock {sakuraTimeScale:0.##}x slower"),
        };
        var kubectl = "kubectl --server " + kubeServer;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Sakura LB sandbox is running (cluster \"{clusterId}\"):");
        text.AppendLine(CultureInfo.InvariantCulture, $"  Kubernetes API (fake)      {kubeServer}   nodes: {(workers.Count == 0 ? "(none)" : string.Join(", ", workers))}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  Sakura Cloud (simulator)   {sakuraServer}   {clock}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  function app               {functionApi}   (events, status, resync, teardown)");
        text.AppendLine(CultureInfo.InvariantCulture, $"  durable engine             {durableEngine}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  relay                      {relayUrl}   (healthz, readyz, metrics)");
        text.AppendLine(CultureInfo.InvariantCulture, $"  relay operator listener    {relayOperator}   (POST resync; loopback only)");
        text.AppendLine();
        text.AppendLine("The nodes registered as kubelets with --cloud-provider=external do: tainted");
        text.AppendLine("node.cloudprovider.kubernetes.io/uninitialized, no providerID. The node controller initialises them");
        text.AppendLine("(providerID, addresses, zone/region/instance-type labels) and removes the taint within seconds:");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {kubectl} get nodes -o wide -L topology.kubernetes.io/zone,node.kubernetes.io/instance-type");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {kubectl} get nodes -o custom-columns=NAME:.metadata.name,PROVIDER:.spec.providerID,TAINTS:.spec.taints[*].key");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {kubectl} describe node {(workers.Count > 0 ? workers[0] : "worker01")}    # Events: NodeInitialized");
        text.AppendLine();
        text.AppendLine("Try it:");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {kubectl} create service loadbalancer web --tcp=80:8080");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {kubectl} get svc -w                 # EXTERNAL-IP goes from <pending> to an address");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {kubectl} describe svc web           # the controller's Events");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {kubectl} apply -f {examples}/private-service.yaml   # a private LB on the plain switch {SandboxSystem.PrivateSwitchName} ({SandboxSystem.PrivateNetwork})");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {kubectl} apply -f {examples}/internet-service.yaml  # HA pair, premium plan, 30 s checks; more in {examples}/");
        text.AppendLine(CultureInfo.InvariantCulture, $"  curl -s {sakuraServer}/_sim/state       # the simulator: load balancers, servers, router, switches");
        text.AppendLine(CultureInfo.InvariantCulture, $"  curl -s -X POST '{new Uri(relayOperator, "resync?namespace=default&name=web")}'   # resend one Service (no query: everything)");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {kubectl} delete svc web             # the load balancer goes too");
        text.AppendLine("Ctrl-C stops everything.");
        return text.ToString();
    }

    /// <summary>
    /// The lines about the kubectl plugin: kubectl passes no <c>--server</c> on to a plugin, so it reads the kubeconfig
    /// the sandbox wrote for its cluster. Teardown talks to the function app with the operator's credentials, which the
    /// sandbox makes up at random on each start: they are printed as the environment variables the plugin reads.
    /// </summary>
    public static string PluginLines(string kubeconfigPath, Uri functionUrl, string functionKey, string hmacSecret, string clusterId) =>
        $"""
        kubectl plugin: install it with dotnet pack tools/kubectl-sakuralb -o ./nupkg && dotnet tool install --global --add-source ./nupkg SakuraLb.Kubectl, then
          export KUBECONFIG={kubeconfigPath}
          kubectl sakuralb status -A          # Services: VIP, load balancer, real servers, last reconcile
          kubectl sakuralb nodes              # Nodes: Sakura server, providerID, zone, state
          kubectl sakuralb resync web --wait  # reconcile now and print the answer
          kubectl sakuralb resync --all --wait   # the whole cluster (through the ConfigMap sakuralb-system/sakuralb-resync)
        Teardown (through the function app, with this sandbox's credentials):
          export SAKURALB_FUNCTION_URL={functionUrl}
          export SAKURALB_FUNCTION_KEY={functionKey}
          export SAKURALB_HMAC_SECRET={hmacSecret}
          export SAKURALB_CLUSTER_ID={clusterId}
          kubectl sakuralb teardown --dry-run             # lists every load balancer of the cluster; changes nothing
          kubectl sakuralb teardown --confirm {clusterId} --wait   # deletes them (the relay here keeps running: delete the Services first, or they get theirs again)

        """;

    /// <summary>
    /// The repository's examples/ directory as a path that works where the sandbox was started (where its user most
    /// likely types the banner's commands): "examples" from the repository root, relative from a directory above it,
    /// absolute from anywhere else (<c>dotnet run --project</c> from another directory). It is looked for above
    /// the program's own files, which the build puts inside the repository; "examples" when it is not there.
    /// </summary>
    public static string ExamplesPath(string currentDirectory, string programDirectory)
    {
        for (var dir = new DirectoryInfo(programDirectory); dir is not null; dir = dir.Parent)
        {
            var examples = Path.Combine(dir.FullName, "examples");
            if (File.Exists(Path.Combine(examples, "private-service.yaml")))
            {
                var relative = Path.GetRelativePath(currentDirectory, examples);
                return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? examples : relative.Replace('\\', '/');
            }
        }

        return "examples";
    }
}
