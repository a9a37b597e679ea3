namespace SakuraLb.Reconcile.Nodes;

/// <summary>The node controller's switches and limits (the function app's <c>Nodes</c> settings plus the zone it reads).</summary>
public sealed record NodeRules
{
    /// <summary>The zone whose servers are read; Nodes labelled with another zone are left alone.</summary>
    public string Zone { get; init; } = "";

    /// <summary>Initialise Nodes: providerID, addresses, labels, removal of the uninitialized taint.</summary>
    public bool Initialize { get; init; } = true;

    /// <summary>Keep the shutdown taint on Nodes whose server is powered off, and only on those.</summary>
    public bool ShutdownTaint { get; init; } = true;

    /// <summary>Delete Nodes whose server is gone, within the safety limits below.</summary>
    public bool DeleteVanished { get; init; } = true;

    /// <summary>A server counts as gone once two reads at least this far apart both missed it.</summary>
    public TimeSpan VanishedConfirmAfter { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The largest share of the cluster's Nodes one pass may delete (at least one Node).</summary>
    public double MaxDeleteShare { get; init; } = 0.1;

    /// <summary>True when any part runs (otherwise the function app publishes no node results at all).</summary>
    public bool AnyEnabled => Initialize || ShutdownTaint || DeleteVanished;
}

/// <summary>A Node whose providerID names a server the zone's list lacked, and since when (the first read that missed it).</summary>
public sealed record VanishedServer(string NodeName, string NodeUid, long ServerId, DateTimeOffset FirstMissingAt);
