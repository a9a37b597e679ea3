namespace SakuraLb.Reconcile.Annotations;

/// <summary>One Service annotation: its key, value type, default, an example and what it does.</summary>
public sealed record AnnotationDefinition(string Name, string Type, string Default, string Example, string Description)
{
    /// <summary>The full key, e.g. "k8s.usacloud.jp/load-balancer-ha".</summary>
    public string Key => LoadBalancerAnnotations.Prefix + Name;
}

/// <summary>
/// The catalogue of every annotation the controller reads. docs/annotations.md is checked against it by a
/// test, so a key cannot be added, renamed or re-defaulted without the documentation following.
/// </summary>
public static class LoadBalancerAnnotations
{
    public const string Prefix = WellKnown.AnnotationPrefix;

    public static AnnotationDefinition Type { get; } = new(
        "load-balancer-type",
        "enum: `internet`, `switch`",
        "`internet`",
        "`switch`",
        "Where the load balancer lives. `internet`: on the switch of a router+switch, with a global VIP from the router's block. `switch`: a private load balancer on a plain switch (no router), reachable only inside that network; its addresses come from the Service's `load-balancer-assign-ip-range`, and its real servers are the nodes whose server has a NIC on the switch. The keys below marked \"type `switch`\" are errors on an internet Service (it would get a global VIP). Changing the type needs `load-balancer-recreate-allowed`.");

    public static AnnotationDefinition HighAvailability { get; } = new(
        "load-balancer-ha",
        "bool",
        "`false` (controller setting)",
        "`\"true\"`",
        "Redundant VRRP pair (two appliances, two own addresses plus the VIP). Unlike the original, `\"false\"` means false. Changing it on an existing load balancer needs `load-balancer-recreate-allowed`.");

    public static AnnotationDefinition Plan { get; } = new(
        "load-balancer-plan",
        "enum: `standard`, `premium`",
        "`standard` (controller setting)",
        "`premium`",
        "Appliance plan: `standard` (plan 1) or `premium` (plan 2, high-spec). An unknown value is an error (the original silently used standard). Changing it needs `load-balancer-recreate-allowed`.");

    public static AnnotationDefinition HealthCheckInterval { get; } = new(
        "load-balancer-healthz-interval",
        "int (seconds, ≥ 10)",
        "`10` (controller setting)",
        "`\"30\"`",
        "Seconds between health checks (DelayLoop). Honoured, unlike the original; values below 10 are rejected.");

    public static AnnotationDefinition HealthCheckProtocol { get; } = new(
        "load-balancer-healthz-protocol",
        "enum: `ping`, `tcp`, `http`, `https`",
        "`ping` (controller setting)",
        "`http`",
        "Health check of each real server. tcp/http/https probe the node's own address on the Service port (DSR: no separate check port), so they pass only where the workload listens on the node's network (hostNetwork/hostPort); otherwise keep `ping`.");

    public static AnnotationDefinition HealthCheckPath { get; } = new(
        "load-balancer-healthz-path",
        "string (absolute path)",
        "`/`",
        "`/healthz`",
        "Request path of an http/https check. Ignored (with a warning) for ping and tcp.");

    public static AnnotationDefinition HealthCheckStatus { get; } = new(
        "load-balancer-healthz-status",
        "int (100–599)",
        "`200`",
        "`\"204\"`",
        "Expected HTTP status of an http/https check. Ignored (with a warning) for ping and tcp.");

    public static AnnotationDefinition HealthCheckRetry { get; } = new(
        "load-balancer-healthz-retry",
        "int (1–5)",
        "appliance default",
        "`\"3\"`",
        "Retries (5 s apart) before a real server counts as down.");

    public static AnnotationDefinition HealthCheckConnectTimeout { get; } = new(
        "load-balancer-healthz-connect-timeout",
        "int (seconds, 1–30)",
        "appliance default",
        "`\"5\"`",
        "Seconds a health-check connection may take.");

    public static AnnotationDefinition RouterSelector { get; } = new(
        "router-selector",
        "string (a Sakura tag)",
        "none (the router must carry the controller's router tags, default `@k8s`, and the cluster's tag `@k8s.ClusterID=<cluster id>`)",
        "`k8s-prod`",
        "Type `internet`: an extra tag the router+switch must carry, on top of the controller's router tags and the cluster's tag (all tags must match, unlike the original, where the selector widened the search), so it never reaches another cluster's router. Use it when several routers of the cluster carry `@k8s`. The controller setting `Controller:RouterSelectorNamespaces` can allow it only in some namespaces (elsewhere: `AnnotationNotAllowed`). Changing it moves the load balancer to another router, which needs `load-balancer-recreate-allowed`.");

    public static AnnotationDefinition LoadBalancerIP { get; } = new(
        "load-balancer-ip",
        "IPv4 address",
        "none (first free address)",
        "`203.0.113.101`",
        "The VIP to use; same as `spec.loadBalancerIP` (deprecated upstream). Must be free and inside the router's assignable range (type `switch`: inside the pool, unlike the original, which took any address). If both are set they must be equal. The controller setting `Controller:LoadBalancerIpNamespaces` can allow it (and `spec.loadBalancerIP`) only in some namespaces (elsewhere: `AnnotationNotAllowed`). Changing it moves the VIP in place.");

    public static AnnotationDefinition SorryServer { get; } = new(
        "load-balancer-sorry-server",
        "IPv4 address",
        "none",
        "`203.0.113.110`",
        "Server that gets the traffic of every port while all real servers are down.");

    public static AnnotationDefinition RecreateAllowed { get; } = new(
        "load-balancer-recreate-allowed",
        "bool",
        "`false`",
        "`\"true\"`",
        "Allows the controller to delete and recreate the load balancer when a change cannot be applied in place (plan, HA, type, router or switch, and for type `switch` the network, the gateway, or a pool that no longer holds the appliance's own addresses). The VIP is kept when the switch and pool allow it; traffic stops for the minutes the new appliance takes to boot. Without it such a change is reported as `RecreateRequired` and not applied.");

    public static AnnotationDefinition SwitchSelector { get; } = new(
        "switch-selector",
        "string (a Sakura tag)",
        "none (the switch must carry the controller's switch tags, default `@k8s`, and the cluster's tag `@k8s.ClusterID=<cluster id>`)",
        "`k8s-private`",
        "Type `switch`: an extra tag the plain switch must carry, on top of the controller's switch tags and the cluster's tag (all tags must match). Use it when several plain switches of the cluster carry `@k8s`. The controller setting `Controller:SwitchSelectorNamespaces` can allow it only in some namespaces (elsewhere: `AnnotationNotAllowed`). Changing it moves the load balancer to another switch, which needs `load-balancer-recreate-allowed`.");

    public static AnnotationDefinition IpRange { get; } = new(
        "load-balancer-ip-range",
        "CIDR (prefix 8–29)",
        "none (required for type `switch`)",
        "`10.240.0.0/16`",
        "Type `switch`: the switch's network (a network address with its prefix). It gives the appliance's mask; the pool and the gateway must be inside it, and the real servers are the nodes' addresses in it. Changing it needs `load-balancer-recreate-allowed`.");

    public static AnnotationDefinition AssignIpRange { get; } = new(
        "load-balancer-assign-ip-range",
        "CIDR (inside `load-balancer-ip-range`)",
        "none (required for type `switch`)",
        "`10.240.100.0/24`",
        "Type `switch`: the pool of the appliance's own addresses and the VIP: every address of the CIDR except its first and last (all of a /31 or /32), the network's first and last, and the gateway. It must hold 2 such addresses for a single load balancer, 3 for an HA pair. Addresses in use on the switch (any server NIC, any appliance's own addresses and VIPs, whoever owns them) and those reserved by other Services are skipped, and the whole pool is searched (the original looked at only as many addresses as the prefix length). A pool that no longer holds the appliance's own addresses needs `load-balancer-recreate-allowed`; a VIP outside a changed pool moves in place.");

    public static AnnotationDefinition AssignDefaultGateway { get; } = new(
        "load-balancer-assign-default-gateway",
        "IPv4 address (inside `load-balancer-ip-range`)",
        "none (no default route)",
        "`10.240.0.1`",
        "Type `switch`: the appliance's default route, for clients beyond the switch's network (e.g. behind a VPC router on it). Never handed out as an address. Changing it needs `load-balancer-recreate-allowed`.");

    public static AnnotationDefinition DrainSeconds { get; } = new(
        "load-balancer-drain-seconds",
        "int (seconds, 0–3600)",
        "`30` (controller setting)",
        "`\"5\"`",
        "Graceful drain: a real server that leaves (its node excluded, deleted, marked `ToBeDeletedByClusterAutoscaler`, or, with `externalTrafficPolicy: Local`, without a ready endpoint any more) is first written disabled (no new connections, open ones continue) and removed only after this many seconds; several leaving together share one disable write and one removal write, and a node that comes back meanwhile is enabled again. `\"0\"` removes at once.");

    public static IReadOnlyList<AnnotationDefinition> All { get; } =
    [
        Type,
        HighAvailability,
        Plan,
        HealthCheckInterval,
        HealthCheckProtocol,
        HealthCheckPath,
        HealthCheckStatus,
        HealthCheckRetry,
        HealthCheckConnectTimeout,
        RouterSelector,
        LoadBalancerIP,
        SorryServer,
        RecreateAllowed,
        DrainSeconds,
        SwitchSelector,
        IpRange,
        AssignIpRange,
        AssignDefaultGateway,
    ];

    /// <summary>The keys only a switch-type load balancer uses.</summary>
    public static IReadOnlyList<AnnotationDefinition> SwitchTypeOnly { get; } = [SwitchSelector, IpRange, AssignIpRange, AssignDefaultGateway];

    public static AnnotationDefinition? Find(string key) =>
        All.FirstOrDefault(a => string.Equals(a.Key, key, StringComparison.Ordinal));
}
