namespace SakuraLb.Model;

/// <summary>
/// function → relay: what one Node should carry, decided from its Sakura server. Level-triggered: the relay
/// compares it with the Node as it is and writes only what differs, and only to the Node with <see cref="Uid"/>
/// (a Node recreated under the same name is another Node).
/// </summary>
public sealed record NodeResult
{
    public string Name { get; init => field = value ?? ""; } = "";

    public string Uid { get; init => field = value ?? ""; } = "";

    /// <summary>spec.providerID to set when the Node has none (it never changes once set).</summary>
    public string? ProviderId { get; init; }

    /// <summary>status.addresses to write when the Node's differ; null leaves them alone.</summary>
    public IReadOnlyList<NodeAddressSnapshot>? Addresses { get; init; }

    /// <summary>Labels to add where the Node has no label of that key (a label someone set is never overwritten).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init => field = value ?? new Dictionary<string, string>(); } = new Dictionary<string, string>();

    /// <summary>True: remove the <see cref="WellKnown.UninitializedTaint"/>, in the same write as the provider id and labels.</summary>
    public bool Initialized { get; init; }

    /// <summary>True: the <see cref="WellKnown.ShutdownTaint"/> must be on the Node; false: it must not; null: leave it.</summary>
    public bool? Shutdown { get; init; }

    /// <summary>True: delete the Node (its server is gone); the delete carries the Node's UID as a precondition.</summary>
    public bool Delete { get; init; }

    /// <summary>A reason code from the closed set in SakuraLb.Reconcile (ReasonCodes), recorded as an Event when it changes.</summary>
    public string ReasonCode { get; init => field = value ?? ""; } = "";

    public string Message { get; init => field = value ?? ""; } = "";

    /// <summary>Since when <see cref="ReasonCode"/> holds: the same reason reported again later is a new Event.</summary>
    public DateTimeOffset Since { get; init; }

    /// <summary>Further problems, each recorded once as a Warning Event.</summary>
    public IReadOnlyList<StatusWarning>? Warnings { get; init; }
}
