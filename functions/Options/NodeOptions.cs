namespace SakuraLb.Functions.Options;

/// <summary>
/// The node controller (configuration section <c>Nodes</c>): initialising Nodes that kubelets registered with
/// <c>--cloud-provider=external</c>, and their lifecycle (shutdown taint, deletion of Nodes whose server is gone).
/// </summary>
public sealed class NodeOptions
{
    public const string SectionName = "Nodes";

    /// <summary>Initialise Nodes: providerID, addresses, zone/region/instance-type labels, removal of the uninitialized taint.</summary>
    public bool Initialize { get; set; } = true;

    /// <summary>Taint Nodes whose server is powered off with node.cloudprovider.kubernetes.io/shutdown (and untaint them when it runs).</summary>
    public bool ShutdownTaint { get; set; } = true;

    /// <summary>Delete Nodes whose server is gone, within the safety limits.</summary>
    public bool DeleteVanished { get; set; } = true;

    /// <summary>A server counts as gone once two reads at least this far apart both missed it.</summary>
    public TimeSpan VanishedConfirmAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The largest share of the cluster's Nodes one pass may delete (at least one Node); a pass that would delete more deletes none.</summary>
    public double MaxDeleteShare { get; set; } = 0.1;

    /// <summary>How long <c>POST /api/events</c> waits for the node pass a changed node set starts, so its results are in the feed the relay polls next.</summary>
    public TimeSpan IngestWait { get; set; } = TimeSpan.FromSeconds(5);
}
