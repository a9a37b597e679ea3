using System.Globalization;
using SakuraLb.Reconcile.Annotations;
using SakuraLb.Reconcile.Nodes;

namespace SakuraLb.Reconcile.Desired;

/// <summary>
/// Service spec + annotations → <see cref="LoadBalancerSpec"/>. Total: any input gives a spec or a list of
/// problems, never an exception; every problem is reported at once, each naming the field and what would
/// be accepted.
/// </summary>
public static class LoadBalancerSpecParser
{
    private const int MaxPathLength = 255;
    private const int MaxTagLength = 64;

    // The appliance's NetworkMaskLen must be 8–29.
    private const int MinNetworkMask = 8;
    private const int MaxNetworkMask = 29;

    /// <summary>The switch a pure check of a Service's ranges stands them on (it only counts addresses).</summary>
    private static readonly PlainSwitch Unplaced = new(0, "(any)", []);

    public static SpecResult Parse(ServiceSnapshot service, ControllerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(settings);

        var errors = new List<ValidationProblem>();
        var warnings = new List<ValidationProblem>();
        var annotations = service.Annotations ?? new Dictionary<string, string>();
        // An empty (or blank) value means "not set", as in the original controller, which read every key with
        // `v != ""`: manifests that blank a key out keep working instead of failing as InvalidAnnotation.
        string? Get(AnnotationDefinition a) =>
            annotations.TryGetValue(a.Key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        ReportUnknownKeys(annotations, warnings);

        var ha = ParseBool(Get(LoadBalancerAnnotations.HighAvailability), LoadBalancerAnnotations.HighAvailability, settings.DefaultHighAvailability, errors);
        var recreate = ParseBool(Get(LoadBalancerAnnotations.RecreateAllowed), LoadBalancerAnnotations.RecreateAllowed, false, errors);

        var plan = settings.DefaultPlan;
        var planText = Get(LoadBalancerAnnotations.Plan);
        if (planText is not null)
        {
            if (string.Equals(planText, "standard", StringComparison.OrdinalIgnoreCase))
            {
                plan = LoadBalancerPlan.Standard;
            }
            else if (string.Equals(planText, "premium", StringComparison.OrdinalIgnoreCase))
            {
                plan = LoadBalancerPlan.Premium;
            }
            else
            {
                errors.Add(Invalid(LoadBalancerAnnotations.Plan, planText, "\"standard\" or \"premium\""));
            }
        }

        var interval = ParseInt(Get(LoadBalancerAnnotations.HealthCheckInterval), LoadBalancerAnnotations.HealthCheckInterval,
            HealthCheckSpec.MinimumIntervalSeconds, int.MaxValue, errors) ?? settings.DefaultHealthCheckIntervalSeconds;

        var healthCheck = ParseHealthCheck(Get, settings, errors, warnings);
        var drain = ParseInt(Get(LoadBalancerAnnotations.DrainSeconds), LoadBalancerAnnotations.DrainSeconds,
            0, LoadBalancerSpec.MaxDrainSeconds, errors) ?? settings.DefaultDrainSeconds;

        var requestedVip = ParseRequestedVip(service, Get(LoadBalancerAnnotations.LoadBalancerIP), settings, errors);
        // The kind of load balancer comes first among the problems (the first one is the status's reason).
        var networkErrors = new List<ValidationProblem>();
        var network = ParseNetwork(Get, service.Namespace, settings, ha, requestedVip, networkErrors);
        errors.InsertRange(0, networkErrors);
        var sorry = ParseAddress(Get(LoadBalancerAnnotations.SorryServer), LoadBalancerAnnotations.SorryServer, errors);

        var ports = ParsePorts(service, settings, errors);
        CheckIpFamilies(service, errors);
        WarnAboutTrafficPolicy(service, healthCheck, warnings);

        if (errors.Count > 0)
        {
            return new SpecResult(null, errors, warnings) { Network = network };
        }

        return new SpecResult(
            new LoadBalancerSpec
            {
                ServiceUid = service.Uid,
                Namespace = service.Namespace,
                Name = service.Name,
                Plan = plan,
                HighAvailability = ha,
                RecreateAllowed = recreate,
                HealthCheckIntervalSeconds = interval,
                HealthCheck = healthCheck,
                DrainPeriod = TimeSpan.FromSeconds(drain),
                Ports = ports,
                RequestedVip = requestedVip,
                SorryServer = sorry,
                Network = network!,
                CurrentIngress = [.. (service.CurrentIngress ?? []).Where(i => i is not null)],
            },
            errors,
            warnings)
        { Network = network };
    }

    /// <summary>
    /// load-balancer-type and the keys of the kind it names: the router or switch selector, and for a switch the
    /// ranges, checked against each other, the plan's address count and a requested VIP. Keys of the other kind
    /// are errors: a switch key on an internet Service would otherwise give a private workload a global VIP.
    /// Null when the type is unusable.
    /// </summary>
    private static NetworkRequest? ParseNetwork(
        Func<AnnotationDefinition, string?> get,
        string? serviceNamespace,
        ControllerSettings settings,
        bool highAvailability,
        Ipv4Address? requestedVip,
        List<ValidationProblem> errors)
    {
        var typeText = get(LoadBalancerAnnotations.Type);
        LoadBalancerType type;
        if (typeText is null || string.Equals(typeText, "internet", StringComparison.OrdinalIgnoreCase))
        {
            type = LoadBalancerType.Internet;
        }
        else if (string.Equals(typeText, "switch", StringComparison.OrdinalIgnoreCase))
        {
            type = LoadBalancerType.Switch;
        }
        else
        {
            errors.Add(Invalid(LoadBalancerAnnotations.Type, typeText, "\"internet\" or \"switch\""));
            return null;
        }

        if (type == LoadBalancerType.Internet)
        {
            foreach (var key in LoadBalancerAnnotations.SwitchTypeOnly.Where(a => get(a) is not null))
            {
                errors.Add(new ValidationProblem(
                    ReasonCodes.InvalidAnnotation,
                    $"{key.Key} is used only by {LoadBalancerAnnotations.Type.Key}: \"switch\"; without it the load balancer is an internet one with a global VIP. Set the type to \"switch\" or remove {key.Key}",
                    key.Key));
            }

            Allowed(settings.RouterSelectorNamespaces, nameof(settings.RouterSelectorNamespaces), LoadBalancerAnnotations.RouterSelector.Key, get(LoadBalancerAnnotations.RouterSelector), serviceNamespace, errors);
            return new NetworkRequest(type, Selected(settings.RequiredRouterTags, LoadBalancerAnnotations.RouterSelector, get, errors));
        }

        if (get(LoadBalancerAnnotations.RouterSelector) is not null)
        {
            errors.Add(new ValidationProblem(
                ReasonCodes.InvalidAnnotation,
                $"{LoadBalancerAnnotations.RouterSelector.Key} applies to {LoadBalancerAnnotations.Type.Key}: \"internet\" only; remove it ({LoadBalancerAnnotations.SwitchSelector.Key} picks the switch)",
                LoadBalancerAnnotations.RouterSelector.Key));
        }

        Allowed(settings.SwitchSelectorNamespaces, nameof(settings.SwitchSelectorNamespaces), LoadBalancerAnnotations.SwitchSelector.Key, get(LoadBalancerAnnotations.SwitchSelector), serviceNamespace, errors);
        var tags = Selected(settings.RequiredSwitchTags, LoadBalancerAnnotations.SwitchSelector, get, errors);
        return new NetworkRequest(type, tags, ParseSwitchRanges(get, highAvailability, requestedVip, errors));
    }

    /// <summary>
    /// An <see cref="ReasonCodes.AnnotationNotAllowed"/> error when <paramref name="field"/> is set in a namespace
    /// the controller's setting does not allow it in: which router, switch or address a Service may claim is the
    /// cluster operator's decision, not every namespace's. <paramref name="setting"/> is the
    /// <see cref="ControllerSettings"/> property, which the function app binds from its <c>Controller</c> section.
    /// </summary>
    private static void Allowed(NamespaceAllowList allowed, string setting, string field, string? value, string? serviceNamespace, List<ValidationProblem> errors)
    {
        if (value is not null && !allowed.Allows(serviceNamespace))
        {
            errors.Add(new ValidationProblem(
                ReasonCodes.AnnotationNotAllowed,
                $"{field} is not allowed in namespace \"{Shorten(serviceNamespace ?? "")}\": the controller's setting Controller:{setting} allows it {allowed.Describe()}; remove it, or ask the cluster operator to allow the namespace",
                field));
        }
    }

    /// <summary>The controller's tags plus the Service's selector tag, sorted.</summary>
    private static IReadOnlyList<string> Selected(IReadOnlyList<string>? baseTags, AnnotationDefinition selector, Func<AnnotationDefinition, string?> get, List<ValidationProblem> errors)
    {
        var tags = new SortedSet<string>(baseTags ?? [], StringComparer.Ordinal);
        var value = get(selector);
        if (value is not null)
        {
            if (value.Length > MaxTagLength || value.Any(char.IsControl))
            {
                errors.Add(Invalid(selector, value, $"a Sakura tag of at most {MaxTagLength} characters"));
            }
            else
            {
                tags.Add(value);
            }
        }

        return [.. tags];
    }

    /// <summary>
    /// The switch type's ranges, or null with every problem reported: both CIDRs required and exact (no host
    /// bits), the network a valid appliance mask, the pool inside it, the gateway inside it, enough addresses in
    /// the pool for the plan (own addresses plus the VIP), and a requested VIP inside the pool.
    /// </summary>
    private static SwitchRanges? ParseSwitchRanges(Func<AnnotationDefinition, string?> get, bool highAvailability, Ipv4Address? requestedVip, List<ValidationProblem> errors)
    {
        var before = errors.Count;
        var network = ParseCidr(get(LoadBalancerAnnotations.IpRange), LoadBalancerAnnotations.IpRange, MinNetworkMask, MaxNetworkMask, "the CIDR of the switch's network, e.g. 10.240.0.0/16", errors);
        var pool = ParseCidr(get(LoadBalancerAnnotations.AssignIpRange), LoadBalancerAnnotations.AssignIpRange, MinNetworkMask, 32, "the CIDR of the addresses the load balancer may take, inside load-balancer-ip-range, e.g. 10.240.100.0/24", errors);
        var gateway = ParseAddress(get(LoadBalancerAnnotations.AssignDefaultGateway), LoadBalancerAnnotations.AssignDefaultGateway, errors);
        var poolInside = network is not null && pool is not null && pool.PrefixLength >= network.PrefixLength && network.Contains(pool.Network);
        if (network is not null && pool is not null && !poolInside)
        {
            errors.Add(new ValidationProblem(
                ReasonCodes.InvalidAnnotation,
                $"{LoadBalancerAnnotations.AssignIpRange.Key} {pool} is not inside {LoadBalancerAnnotations.IpRange.Key} {network}; the load balancer's addresses must be in its network",
                LoadBalancerAnnotations.AssignIpRange.Key));
        }

        var gatewayInside = gateway is { } route && network is not null && network.Contains(route) && route != network.Network && route != network.Broadcast;
        if (gateway is { } outside && network is not null && !gatewayInside)
        {
            errors.Add(new ValidationProblem(
                ReasonCodes.InvalidAnnotation,
                $"{LoadBalancerAnnotations.AssignDefaultGateway.Key} {outside} is not a host address of {LoadBalancerAnnotations.IpRange.Key} {network}; the gateway must be on the switch's network",
                LoadBalancerAnnotations.AssignDefaultGateway.Key));
        }

        // The pool's size and a requested VIP are checked as far as the other values allow, so every problem shows at once.
        SwitchNetwork? candidates = null;
        if (poolInside)
        {
            candidates = new SwitchRanges(network!, pool!, gatewayInside ? gateway : null).On(Unplaced);
            var needed = highAvailability ? 3 : 2;
            if (candidates.CandidateCount() < needed)
            {
                errors.Add(new ValidationProblem(
                    ReasonCodes.InvalidAnnotation,
                    $"{LoadBalancerAnnotations.AssignIpRange.Key} {pool} has {candidates.CandidateCount()} usable addresses ({candidates.AssignableText}); {(highAvailability ? "an HA pair needs 3 (two own addresses and the VIP)" : "a single load balancer needs 2 (its own address and the VIP)")}",
                    LoadBalancerAnnotations.AssignIpRange.Key));
            }
        }

        if (requestedVip is { } vip && pool is not null && !(candidates?.IsCandidate(vip) ?? SwitchRanges.HostRange(pool).Contains(vip)))
        {
            errors.Add(new ValidationProblem(
                ReasonCodes.LoadBalancerIPUnavailable,
                $"the requested load-balancer IP {vip} is not in the pool: use an address in {candidates?.AssignableText ?? $"{LoadBalancerAnnotations.AssignIpRange.Key} {pool} other than its first and last address"}",
                "spec.loadBalancerIP"));
        }

        return errors.Count > before ? null : new SwitchRanges(network!, pool!, gateway);
    }

    private static Ipv4Block? ParseCidr(string? text, AnnotationDefinition annotation, int minPrefix, int maxPrefix, string what, List<ValidationProblem> errors)
    {
        if (text is null)
        {
            errors.Add(new ValidationProblem(
                ReasonCodes.InvalidAnnotation,
                $"{annotation.Key} is required for {LoadBalancerAnnotations.Type.Key}: \"switch\": {what}",
                annotation.Key));
            return null;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (!Ipv4Block.TryParse(text, out var block) || block.PrefixLength < minPrefix || block.PrefixLength > maxPrefix)
        {
            errors.Add(Invalid(annotation, text, $"{what} (prefix length {minPrefix}–{maxPrefix})"));
            return null;
        }

        if (!string.Equals(block.Network.ToString(), text[..slash], StringComparison.Ordinal))
        {
            errors.Add(Invalid(annotation, text, $"a network address with its prefix length, such as {block}"));
            return null;
        }

        return block;
    }

    /// <summary>Kubernetes' bool spellings (Go's strconv.ParseBool) plus any casing of true/false.</summary>
    public static bool? ParseBoolValue(string? value) =>
        value is null ? null
        : string.Equals(value, "true", StringComparison.OrdinalIgnoreCase) ? true
        : string.Equals(value, "false", StringComparison.OrdinalIgnoreCase) ? false
        : Nodes.NodeEligibility.ParseBool(value);

    private static HealthCheckSpec ParseHealthCheck(
        Func<AnnotationDefinition, string?> get,
        ControllerSettings settings,
        List<ValidationProblem> errors,
        List<ValidationProblem> warnings)
    {
        var protocol = settings.DefaultHealthCheckProtocol;
        var protocolText = get(LoadBalancerAnnotations.HealthCheckProtocol);
        if (protocolText is not null)
        {
            if (Enum.TryParse<HealthCheckProtocol>(protocolText, ignoreCase: true, out var parsed)
                && Enum.IsDefined(parsed)
                && protocolText.All(char.IsAsciiLetter))
            {
                protocol = parsed;
            }
            else
            {
                errors.Add(Invalid(LoadBalancerAnnotations.HealthCheckProtocol, protocolText, "\"ping\", \"tcp\", \"http\" or \"https\""));
            }
        }

        var isHttp = protocol is HealthCheckProtocol.Http or HealthCheckProtocol.Https;
        var pathText = get(LoadBalancerAnnotations.HealthCheckPath);
        string? path = null;
        if (pathText is not null)
        {
            if (pathText.Length > MaxPathLength || pathText[0] != '/' || pathText.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            {
                errors.Add(Invalid(LoadBalancerAnnotations.HealthCheckPath, pathText, $"an absolute path such as \"/healthz\" (no spaces, at most {MaxPathLength} characters)"));
            }
            else
            {
                path = pathText;
            }
        }

        var status = ParseInt(get(LoadBalancerAnnotations.HealthCheckStatus), LoadBalancerAnnotations.HealthCheckStatus, 100, 599, errors);
        var retry = ParseInt(get(LoadBalancerAnnotations.HealthCheckRetry), LoadBalancerAnnotations.HealthCheckRetry, 1, 5, errors);
        var timeout = ParseInt(get(LoadBalancerAnnotations.HealthCheckConnectTimeout), LoadBalancerAnnotations.HealthCheckConnectTimeout, 1, 30, errors);

        if (!isHttp)
        {
            foreach (var ignored in new[] { LoadBalancerAnnotations.HealthCheckPath, LoadBalancerAnnotations.HealthCheckStatus }
                         .Where(a => get(a) is not null))
            {
                warnings.Add(new ValidationProblem(
                    ReasonCodes.HealthCheckSettingIgnored,
                    $"{ignored.Key} applies to http and https checks only; the check is {protocol.ToString().ToLowerInvariant()}, so it is ignored",
                    ignored.Key));
            }
        }

        return isHttp
            ? new HealthCheckSpec(protocol, path ?? "/", status ?? 200, retry, timeout)
            : new HealthCheckSpec(protocol, null, null, retry, timeout);
    }

    private static Ipv4Address? ParseRequestedVip(ServiceSnapshot service, string? annotation, ControllerSettings settings, List<ValidationProblem> errors)
    {
        // spec.loadBalancerIP asks for the same thing as the annotation, so the restriction covers both.
        var specValue = string.IsNullOrWhiteSpace(service.LoadBalancerIP) ? null : service.LoadBalancerIP;
        Allowed(settings.LoadBalancerIpNamespaces, nameof(settings.LoadBalancerIpNamespaces), annotation is not null ? LoadBalancerAnnotations.LoadBalancerIP.Key : "spec.loadBalancerIP", annotation ?? specValue, service.Namespace, errors);
        Ipv4Address? fromSpec = null;
        var specText = service.LoadBalancerIP?.Trim();
        if (!string.IsNullOrEmpty(specText))
        {
            if (Ipv4Address.TryParse(specText, out var a))
            {
                fromSpec = a;
            }
            else
            {
                errors.Add(new ValidationProblem(ReasonCodes.InvalidLoadBalancerIP, $"spec.loadBalancerIP \"{Shorten(specText)}\" is not an IPv4 address", "spec.loadBalancerIP"));
            }
        }

        Ipv4Address? fromAnnotation = null;
        if (annotation is not null)
        {
            if (Ipv4Address.TryParse(annotation, out var a))
            {
                fromAnnotation = a;
            }
            else
            {
                errors.Add(new ValidationProblem(ReasonCodes.InvalidLoadBalancerIP, $"{LoadBalancerAnnotations.LoadBalancerIP.Key} \"{Shorten(annotation)}\" is not an IPv4 address", LoadBalancerAnnotations.LoadBalancerIP.Key));
            }
        }

        if (fromSpec is not null && fromAnnotation is not null && fromSpec != fromAnnotation)
        {
            errors.Add(new ValidationProblem(
                ReasonCodes.ConflictingLoadBalancerIP,
                $"spec.loadBalancerIP {fromSpec} and {LoadBalancerAnnotations.LoadBalancerIP.Key} {fromAnnotation} differ; set one of them",
                LoadBalancerAnnotations.LoadBalancerIP.Key));
        }

        return fromAnnotation ?? fromSpec;
    }

    private static List<int> ParsePorts(ServiceSnapshot service, ControllerSettings settings, List<ValidationProblem> errors)
    {
        var ports = (service.Ports ?? []).Where(p => p is not null).ToList();
        if (ports.Count == 0)
        {
            errors.Add(new ValidationProblem(ReasonCodes.NoPorts, "the Service has no ports; add at least one TCP port", "spec.ports"));
            return [];
        }

        var nonTcp = ports.Where(p => !string.Equals(p.Protocol ?? "TCP", "TCP", StringComparison.OrdinalIgnoreCase)).ToList();
        if (nonTcp.Count > 0)
        {
            errors.Add(new ValidationProblem(
                ReasonCodes.UnsupportedProtocol,
                $"the Sakura load balancer forwards TCP only; remove these ports or move them to another Service: {string.Join(", ", nonTcp.Select(PortLabel))}",
                "spec.ports"));
        }

        var outOfRange = ports.Where(p => p.Port is < 1 or > 65535).ToList();
        if (outOfRange.Count > 0)
        {
            errors.Add(new ValidationProblem(
                ReasonCodes.InvalidPort,
                $"port numbers must be 1–65535: {string.Join(", ", outOfRange.Select(PortLabel))}",
                "spec.ports"));
        }

        var duplicates = ports.GroupBy(p => p.Port).Where(g => g.Count() > 1).Select(g => g.Key).Order().ToList();
        if (duplicates.Count > 0)
        {
            errors.Add(new ValidationProblem(
                ReasonCodes.DuplicatePort,
                $"each port number can be used once on a load balancer (one VIP entry per port); used more than once: {string.Join(", ", duplicates)}",
                "spec.ports"));
        }

        var distinct = ports.Select(p => p.Port).Distinct().Order().ToList();
        if (distinct.Count > settings.MaxVipsPerLoadBalancer)
        {
            errors.Add(new ValidationProblem(
                ReasonCodes.TooManyPorts,
                $"the Service has {distinct.Count} ports but one Sakura load balancer takes at most {settings.MaxVipsPerLoadBalancer} VIP entries (one per port); split the ports over several Services",
                "spec.ports"));
        }

        return distinct;
    }

    private static void CheckIpFamilies(ServiceSnapshot service, List<ValidationProblem> errors)
    {
        if (service.IpFamilies is { Count: > 0 } families
            && !families.Any(f => string.Equals(f, "IPv4", StringComparison.OrdinalIgnoreCase)))
        {
            errors.Add(new ValidationProblem(
                ReasonCodes.UnsupportedIpFamily,
                $"spec.ipFamilies is [{string.Join(", ", families.Select(f => Shorten(f ?? "")))}]; the Sakura load balancer serves IPv4 only",
                "spec.ipFamilies"));
        }
    }

    private static void WarnAboutTrafficPolicy(ServiceSnapshot service, HealthCheckSpec healthCheck, List<ValidationProblem> warnings)
    {
        // With endpoints forwarded, Local is honoured by the real-server set (LocalEndpoints); only a relay that
        // does not watch EndpointSlices leaves it unchecked.
        var local = LocalEndpoints.IsLocal(service) && service.Endpoints is null;
        if (healthCheck.Protocol == HealthCheckProtocol.Ping)
        {
            if (local)
            {
                warnings.Add(new ValidationProblem(
                    ReasonCodes.LocalTrafficPolicyUnchecked,
                    "externalTrafficPolicy is Local but the relay forwards no endpoints (it predates EndpointSlice watching): every node is a real server, and nodes without a ready local endpoint drop the traffic they receive; upgrade the relay, or use externalTrafficPolicy Cluster",
                    "spec.externalTrafficPolicy"));
            }

            return;
        }

        warnings.Add(new ValidationProblem(
            ReasonCodes.HealthCheckProbesNodeAddress,
            $"the {healthCheck.WireProtocol} check connects to each node's own address on the Service port (DSR: no separate check port, no NodePort); only a workload listening on the node's network (hostNetwork/hostPort) answers, other nodes are marked down",
            LoadBalancerAnnotations.HealthCheckProtocol.Key));
    }

    private static void ReportUnknownKeys(IReadOnlyDictionary<string, string> annotations, List<ValidationProblem> warnings)
    {
        foreach (var key in annotations.Keys.Where(k => k is not null && k.StartsWith(LoadBalancerAnnotations.Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            if (LoadBalancerAnnotations.Find(key) is not null)
            {
                continue;
            }

            var name = key[LoadBalancerAnnotations.Prefix.Length..];
            var closest = LoadBalancerAnnotations.All
                .Select(a => (a, distance: EditDistance(name, a.Name)))
                .Where(x => x.distance <= 3)
                .OrderBy(x => x.distance)
                .Select(x => x.a.Key)
                .FirstOrDefault();
            warnings.Add(new ValidationProblem(
                ReasonCodes.UnknownAnnotation,
                closest is null
                    ? $"{Shorten(key)} is not an annotation this controller knows; it is ignored"
                    : $"{Shorten(key)} is not an annotation this controller knows (did you mean {closest}?); it is ignored",
                key));
        }
    }

    private static bool ParseBool(string? text, AnnotationDefinition annotation, bool fallback, List<ValidationProblem> errors)
    {
        if (text is null)
        {
            return fallback;
        }

        var value = ParseBoolValue(text);
        if (value is null)
        {
            errors.Add(Invalid(annotation, text, "\"true\" or \"false\""));
            return fallback;
        }

        return value.Value;
    }

    private static int? ParseInt(string? text, AnnotationDefinition annotation, int min, int max, List<ValidationProblem> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            errors.Add(Invalid(annotation, text, max == int.MaxValue ? $"a whole number of at least {min}" : $"a whole number from {min} to {max}"));
            return null;
        }

        return value;
    }

    private static Ipv4Address? ParseAddress(string? text, AnnotationDefinition annotation, List<ValidationProblem> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (Ipv4Address.TryParse(text, out var address))
        {
            return address;
        }

        errors.Add(Invalid(annotation, text, "an IPv4 address such as 203.0.113.10"));
        return null;
    }

    private static ValidationProblem Invalid(AnnotationDefinition annotation, string value, string accepted) =>
        new(ReasonCodes.InvalidAnnotation, $"{annotation.Key} is \"{Shorten(value)}\"; it must be {accepted}", annotation.Key);

    private static string PortLabel(ServicePortSnapshot p) =>
        string.IsNullOrEmpty(p.Name)
            ? string.Create(CultureInfo.InvariantCulture, $"{p.Port}/{p.Protocol}")
            : string.Create(CultureInfo.InvariantCulture, $"{p.Name} {p.Port}/{p.Protocol}");

    /// <summary>Keeps messages short and printable whatever a user typed.</summary>
    private static string Shorten(string value)
    {
        var printable = new string(value.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return printable.Length <= 64 ? printable : printable[..61] + "...";
    }

    private static int EditDistance(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 3)
        {
            return int.MaxValue;
        }

        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
