namespace SakuraLb.Reconcile;

/// <summary>How a reason is surfaced: an error stops progress, a warning is an event, info is progress.</summary>
public enum ReasonSeverity
{
    Info,
    Warning,
    Error,
}

/// <summary>A reason code with what it means and what the user can do about it.</summary>
public sealed record ReasonDefinition(string Code, ReasonSeverity Severity, string Meaning, string Action);

/// <summary>
/// The closed set of reason codes the controller reports (Service status, conditions, Kubernetes events).
/// The function app and the relay use these constants; <see cref="All"/> documents each one.
/// </summary>
public static class ReasonCodes
{
    // Spec problems (the Service must be changed).
    public const string InvalidAnnotation = nameof(InvalidAnnotation);
    public const string UnknownAnnotation = nameof(UnknownAnnotation);
    public const string UnsupportedProtocol = nameof(UnsupportedProtocol);
    public const string NoPorts = nameof(NoPorts);
    public const string InvalidPort = nameof(InvalidPort);
    public const string UnsupportedIpFamily = nameof(UnsupportedIpFamily);
    public const string TooManyPorts = nameof(TooManyPorts);
    public const string DuplicatePort = nameof(DuplicatePort);
    public const string InvalidLoadBalancerIP = nameof(InvalidLoadBalancerIP);
    public const string ConflictingLoadBalancerIP = nameof(ConflictingLoadBalancerIP);
    public const string AnnotationNotAllowed = nameof(AnnotationNotAllowed);

    // Network and addresses.
    public const string RouterNotFound = nameof(RouterNotFound);
    public const string AmbiguousRouter = nameof(AmbiguousRouter);
    public const string SwitchNotFound = nameof(SwitchNotFound);
    public const string AmbiguousSwitch = nameof(AmbiguousSwitch);
    public const string AddressesExhausted = nameof(AddressesExhausted);
    public const string LoadBalancerIPUnavailable = nameof(LoadBalancerIPUnavailable);
    public const string VridExhausted = nameof(VridExhausted);

    // Nodes and real servers (warnings: the LB still serves the nodes that do qualify).
    public const string NoEligibleNodes = nameof(NoEligibleNodes);
    public const string NodeWithoutServer = nameof(NodeWithoutServer);
    public const string NodeNotOnSwitch = nameof(NodeNotOnSwitch);
    public const string AmbiguousServerName = nameof(AmbiguousServerName);
    public const string NodeWithoutAddress = nameof(NodeWithoutAddress);
    public const string DuplicateNodeAddress = nameof(DuplicateNodeAddress);
    public const string TooManyNodes = nameof(TooManyNodes);
    public const string NoReadyEndpoints = nameof(NoReadyEndpoints);
    public const string OnlyTerminatingEndpoints = nameof(OnlyTerminatingEndpoints);

    // Health checks (warnings).
    public const string LocalTrafficPolicyUnchecked = nameof(LocalTrafficPolicyUnchecked);
    public const string HealthCheckProbesNodeAddress = nameof(HealthCheckProbesNodeAddress);
    public const string HealthCheckSettingIgnored = nameof(HealthCheckSettingIgnored);

    // Ownership and changes.
    public const string ForeignOwner = nameof(ForeignOwner);
    public const string Adopted = nameof(Adopted);
    public const string RecreateRequired = nameof(RecreateRequired);
    public const string Recreating = nameof(Recreating);
    public const string DuplicateLoadBalancer = nameof(DuplicateLoadBalancer);

    // Lifecycle.
    public const string Provisioning = nameof(Provisioning);
    public const string WaitingForCloud = nameof(WaitingForCloud);
    public const string Booting = nameof(Booting);
    public const string LoadBalancerFailed = nameof(LoadBalancerFailed);
    public const string Updating = nameof(Updating);
    public const string Ready = nameof(Ready);
    public const string Deleting = nameof(Deleting);
    public const string Deleted = nameof(Deleted);

    // Cloud access (set by the function app from API errors).
    public const string CloudBusy = nameof(CloudBusy);
    public const string AuthFailed = nameof(AuthFailed);
    public const string QuotaExceeded = nameof(QuotaExceeded);
    public const string CloudError = nameof(CloudError);

    // Nodes (the node controller's Events on Nodes; AmbiguousServerName above is shared).
    public const string NodeInitialized = nameof(NodeInitialized);
    public const string ServerRunning = nameof(ServerRunning);
    public const string ServerNotFound = nameof(ServerNotFound);
    public const string ProvidedNodeIPNotFound = nameof(ProvidedNodeIPNotFound);
    public const string ServerWithoutAddress = nameof(ServerWithoutAddress);
    public const string ForeignProviderID = nameof(ForeignProviderID);
    public const string NodeInOtherZone = nameof(NodeInOtherZone);
    public const string ServerShutdown = nameof(ServerShutdown);
    public const string ServerVanished = nameof(ServerVanished);
    public const string DeletingNode = nameof(DeletingNode);
    public const string NodeDeletionRefused = nameof(NodeDeletionRefused);

    public static IReadOnlyList<ReasonDefinition> All { get; } =
    [
        new(InvalidAnnotation, ReasonSeverity.Error, "An annotation has a value the controller cannot use.", "Fix the value; the message names the key and the accepted values."),
        new(UnknownAnnotation, ReasonSeverity.Warning, "An annotation with the k8s.usacloud.jp/ prefix is not one the controller knows (probably a typo).", "Check the key against docs/annotations.md."),
        new(UnsupportedProtocol, ReasonSeverity.Error, "A Service port uses UDP or SCTP; the Sakura load balancer forwards TCP only.", "Use TCP ports only, or expose the other protocol through another Service."),
        new(NoPorts, ReasonSeverity.Error, "The Service has no ports.", "Add at least one TCP port."),
        new(InvalidPort, ReasonSeverity.Error, "A Service port number is outside 1–65535.", "Fix the port number."),
        new(UnsupportedIpFamily, ReasonSeverity.Error, "The Service asks for IPv6 only; the Sakura load balancer serves IPv4.", "Include IPv4 in spec.ipFamilies."),
        new(TooManyPorts, ReasonSeverity.Error, "The Service has more ports than one load balancer has VIP entries.", "Split the ports over several Services."),
        new(DuplicatePort, ReasonSeverity.Error, "Two Service ports use the same port number.", "Give every port its own number."),
        new(InvalidLoadBalancerIP, ReasonSeverity.Error, "spec.loadBalancerIP or the load-balancer-ip annotation is not an IPv4 address.", "Use a dotted IPv4 address from the router's block (or, for load-balancer-type switch, from the Service's pool)."),
        new(ConflictingLoadBalancerIP, ReasonSeverity.Error, "spec.loadBalancerIP and the load-balancer-ip annotation ask for different addresses.", "Set only one of them, or make them equal."),
        new(AnnotationNotAllowed, ReasonSeverity.Error, "The Service's namespace may not use this annotation: router-selector, switch-selector and the requested address (load-balancer-ip or spec.loadBalancerIP) can be limited to some namespaces by the controller's settings Controller:RouterSelectorNamespaces, Controller:SwitchSelectorNamespaces and Controller:LoadBalancerIpNamespaces.", "Remove the annotation (or spec.loadBalancerIP), or ask the cluster operator to add the namespace to the setting the message names."),
        new(RouterNotFound, ReasonSeverity.Error, "No router+switch carries the selector tags.", "Tag the router with the controller's router tags and the cluster's tag (default @k8s and @k8s.ClusterID=<cluster id>) or fix router-selector."),
        new(AmbiguousRouter, ReasonSeverity.Error, "Several routers carry the selector tags.", "Add a router-selector tag that only one router carries."),
        new(SwitchNotFound, ReasonSeverity.Error, "load-balancer-type switch: no plain switch (one without a router) carries the selector tags.", "Tag the switch the nodes' private NICs are on (default tags @k8s and @k8s.ClusterID=<cluster id>) or fix switch-selector."),
        new(AmbiguousSwitch, ReasonSeverity.Error, "load-balancer-type switch: several plain switches carry the selector tags.", "Add a switch-selector tag that only one switch carries."),
        new(AddressesExhausted, ReasonSeverity.Error, "The router's block (for load-balancer-type switch: the Service's pool) has too few free addresses for this load balancer.", "Free addresses, add a router with a larger block or give the Service a larger pool, or delete unused LoadBalancer Services."),
        new(LoadBalancerIPUnavailable, ReasonSeverity.Error, "The requested load-balancer IP is outside the assignable range (the router's, or the Service's pool), in use, an address of a node or server, or reserved by another Service.", "Pick a free address in the range named in the message, or remove the request."),
        new(VridExhausted, ReasonSeverity.Error, "Every VRRP id (1–255) is taken on the load balancer's switch.", "Delete unused load balancers on that switch."),
        new(NoEligibleNodes, ReasonSeverity.Warning, "No node qualifies as a real server, so the load balancer has nothing to send traffic to.", "Check node labels (exclude-from-external-load-balancers), autoscaler taints, and that nodes are Sakura servers on the load balancer's switch."),
        new(NodeWithoutServer, ReasonSeverity.Warning, "No Sakura server with exactly the node's name is connected to the router's switch.", "Name each server exactly like its node (host name = server name) and connect it to the router's switch."),
        new(NodeNotOnSwitch, ReasonSeverity.Warning, "load-balancer-type switch: the node's server has no NIC on the load balancer's plain switch, so the load balancer cannot reach it (DSR works on one segment only).", "Connect the server to the switch with a NIC and register its address, or exclude the node from load balancers."),
        new(AmbiguousServerName, ReasonSeverity.Warning, "Several Sakura servers have the node's name.", "Make server names unique."),
        new(NodeWithoutAddress, ReasonSeverity.Warning, "A node's server has no usable address on the load balancer's switch (inside the router's block, or the Service's load-balancer-ip-range).", "Connect the server to that switch and register its address (UserIPAddress)."),
        new(DuplicateNodeAddress, ReasonSeverity.Warning, "Two nodes resolve to the same address on the load balancer's switch.", "Fix the servers' registered addresses."),
        new(TooManyNodes, ReasonSeverity.Warning, "More nodes qualify than one VIP accepts as real servers; a stable subset is used.", "Exclude nodes with the exclude-from-external-load-balancers label to choose them yourself."),
        new(NoReadyEndpoints, ReasonSeverity.Warning, "externalTrafficPolicy: Local and no node runs a ready (or terminating but serving) endpoint of the Service: the load balancer has no real servers.", "Check the Service's pods (kubectl get endpointslices -l kubernetes.io/service-name=NAME); traffic returns as soon as one is ready."),
        new(OnlyTerminatingEndpoints, ReasonSeverity.Warning, "externalTrafficPolicy: Local and no endpoint is ready: the nodes whose terminating endpoints still serve stay real servers (kube-proxy serves them in that case too).", "Wait for the new pods to become ready, or check why they are not."),
        new(LocalTrafficPolicyUnchecked, ReasonSeverity.Warning, "externalTrafficPolicy: Local, but the relay forwards no endpoints (it predates EndpointSlice watching): every node is a real server, and nodes without a local endpoint drop their traffic.", "Upgrade the relay (it then forwards the Service's endpoints and only their nodes are real servers), or use externalTrafficPolicy: Cluster."),
        new(HealthCheckProbesNodeAddress, ReasonSeverity.Warning, "A tcp/http/https check probes each node's own address on the Service port; only pods listening on the node's network (hostNetwork/hostPort) answer it.", "Use ping unless the workload listens on the node's address."),
        new(HealthCheckSettingIgnored, ReasonSeverity.Warning, "A health-check annotation does not apply to the chosen protocol.", "Remove it, or choose a protocol it applies to."),
        new(ForeignOwner, ReasonSeverity.Error, "A load balancer with this Service's name belongs to another cluster (its @k8s.ClusterID tag differs); it is never touched.", "Delete or rename that load balancer, or fix the cluster id."),
        new(Adopted, ReasonSeverity.Info, "An existing load balancer with this Service's name and no cluster tag was adopted (tags added).", "None."),
        new(RecreateRequired, ReasonSeverity.Warning, "The plan, HA mode, router, or (load-balancer-type switch) the switch or the Service's ranges changed; the API cannot change these in place, so the load balancer would have to be recreated (a traffic interruption).", "Set k8s.usacloud.jp/load-balancer-recreate-allowed: \"true\" to allow it, or revert the change."),
        new(Recreating, ReasonSeverity.Info, "The load balancer is being deleted and created again (opted in, or it failed).", "Wait."),
        new(DuplicateLoadBalancer, ReasonSeverity.Warning, "More than one load balancer of this Service exists; the extra ones are deleted.", "None."),
        new(Provisioning, ReasonSeverity.Info, "The load balancer is being created.", "Wait; creation takes a few minutes."),
        new(WaitingForCloud, ReasonSeverity.Info, "The appliance is in a transitional state (migrating, shutting down).", "Wait."),
        new(Booting, ReasonSeverity.Info, "The load balancer was down and is being started.", "Wait."),
        new(LoadBalancerFailed, ReasonSeverity.Warning, "The appliance reports Availability failed; it is deleted and created again.", "Wait; if it repeats, check the Sakura control panel."),
        new(Updating, ReasonSeverity.Info, "Settings or tags are being written.", "None."),
        new(Ready, ReasonSeverity.Info, "The load balancer is up and matches the Service.", "None."),
        new(Deleting, ReasonSeverity.Info, "The load balancer is being removed.", "Wait."),
        new(Deleted, ReasonSeverity.Info, "The load balancer and its addresses are gone.", "None."),
        new(CloudBusy, ReasonSeverity.Warning, "The Sakura API is busy or rate-limited; the controller retries with backoff.", "Wait."),
        new(AuthFailed, ReasonSeverity.Error, "The Sakura API rejected the access token.", "Check the token and secret configured for the function app."),
        new(QuotaExceeded, ReasonSeverity.Error, "The Sakura account has reached a resource limit.", "Raise the limit or remove unused resources."),
        new(CloudError, ReasonSeverity.Error, "The Sakura API returned an unexpected error.", "See the message; the controller retries."),
        new(NodeInitialized, ReasonSeverity.Info, "Node: it is (now) initialised from its Sakura server: providerID, addresses, zone, region and instance-type labels, no uninitialized taint.", "None."),
        new(ServerRunning, ReasonSeverity.Info, "Node: its Sakura server was found and is up (node initialisation is switched off).", "None."),
        new(ServerNotFound, ReasonSeverity.Warning, "Node: no Sakura server in the zone has exactly the node's name, so the node is not initialised and keeps the uninitialized taint.", "Name the server exactly like the node (or start kubelet with --hostname-override), or check Sakura:Zone; the node is checked again on every pass."),
        new(ProvidedNodeIPNotFound, ReasonSeverity.Warning, "Node: the kubelet's --node-ip (annotation alpha.kubernetes.io/provided-node-ip) is not an address of the node's Sakura server, so the node is not initialised.", "Start kubelet with an address of one of the server's NICs, or register that address on the NIC."),
        new(ServerWithoutAddress, ReasonSeverity.Warning, "Node: the node's Sakura server has no NIC with an address, so its status.addresses are left as they are.", "Connect the server to a switch and register the NIC's address (UserIPAddress), or start kubelet with --node-ip."),
        new(ForeignProviderID, ReasonSeverity.Warning, "Node: spec.providerID is not sakuracloud://<server id>; the node belongs to another cloud controller and is left alone.", "None, if that is intended; otherwise recreate the node without the foreign providerID."),
        new(NodeInOtherZone, ReasonSeverity.Warning, "Node: its topology.kubernetes.io/zone label names another zone than the function app's Sakura:Zone; it is left alone.", "Run a controller for that zone, or fix the label."),
        new(ServerShutdown, ReasonSeverity.Warning, "Node: its Sakura server is powered off; the node carries the node.cloudprovider.kubernetes.io/shutdown taint until the server runs again.", "Power the server on, or delete the node."),
        new(ServerVanished, ReasonSeverity.Warning, "Node: the Sakura server its providerID names is no longer in the zone's server list.", "None: the node is deleted once the server has been missing on two reads Nodes:VanishedConfirmAfter apart (unless Nodes:DeleteVanished is off)."),
        new(DeletingNode, ReasonSeverity.Info, "Node: its Sakura server is gone, so the node is deleted (Kubernetes then evicts its pods).", "None."),
        new(NodeDeletionRefused, ReasonSeverity.Warning, "Node: its server is missing, but deleting it now would break a safety limit (every node's server missing at once, or more than Nodes:MaxDeleteShare of the nodes).", "Check Sakura:Zone and the token; if the servers really are gone, delete the nodes with kubectl delete node."),
    ];

    public static ReasonDefinition? Find(string code) =>
        All.FirstOrDefault(r => string.Equals(r.Code, code, StringComparison.Ordinal));
}

/// <summary>A problem found while deciding: a reason code, a message a user can act on, and the field it concerns.</summary>
public sealed record ValidationProblem(string Code, string Message, string? Field = null)
{
    public override string ToString() => Field is null ? $"{Code}: {Message}" : $"{Code} ({Field}): {Message}";
}
