using Microsoft.Extensions.Options;
using SakuraLb.Model;
using SakuraLb.Model.Signing;

namespace SakuraLb.Relay.Options;

/// <summary>Checks <see cref="RelayOptions"/> and names every problem, so one failed start shows them all.</summary>
public sealed class RelayOptionsValidator : IValidateOptions<RelayOptions>
{
    public ValidateOptionsResult Validate(string? name, RelayOptions options)
    {
        var problems = Check(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    public static IReadOnlyList<string> Check(RelayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();

        if (options.FunctionUrl is null)
        {
            problems.Add("Relay:FunctionUrl is required (the function app's base URL; Secret key functionUrl).");
        }
        else if (!options.FunctionUrl.IsAbsoluteUri
            || (options.FunctionUrl.Scheme != Uri.UriSchemeHttps && options.FunctionUrl.Scheme != Uri.UriSchemeHttp))
        {
            problems.Add($"Relay:FunctionUrl must be an absolute http(s) URL, got '{options.FunctionUrl}'.");
        }
        else if (options.FunctionUrl.Scheme == Uri.UriSchemeHttp && !options.FunctionUrl.IsLoopback)
        {
            problems.Add($"Relay:FunctionUrl must use https (http is accepted only for loopback addresses), got '{options.FunctionUrl}'.");
        }
        else if (!string.IsNullOrEmpty(options.FunctionUrl.Query) || !string.IsNullOrEmpty(options.FunctionUrl.Fragment))
        {
            problems.Add("Relay:FunctionUrl must not carry a query or fragment (the key goes in Relay:FunctionKey).");
        }

        if (options.FunctionUrl is { } url && SecretStrength.IsPlaceholder(url.Host))
        {
            problems.Add("Relay:FunctionUrl is still the shipped placeholder (Secret key functionUrl); set the function app's URL.");
        }

        if (string.IsNullOrWhiteSpace(options.FunctionKey))
        {
            problems.Add("Relay:FunctionKey is required (the Functions host key; Secret key functionKey).");
        }
        else if (SecretStrength.IsPlaceholder(options.FunctionKey))
        {
            problems.Add("Relay:FunctionKey is still the shipped placeholder (Secret key functionKey); set the function app's key.");
        }

        if (string.IsNullOrEmpty(options.HmacSecret))
        {
            problems.Add("Relay:HmacSecret is required (the shared request-signing secret; Secret key hmacSecret).");
        }
        else if (SecretStrength.Problem("Relay:HmacSecret", options.HmacSecret) is { } weak)
        {
            problems.Add(weak);
        }

        if (string.IsNullOrEmpty(options.ClusterId))
        {
            problems.Add("Relay:ClusterId is required (must equal the function app's Controller:ClusterId; Secret key clusterId).");
        }
        else if (SecretStrength.IsPlaceholder(options.ClusterId))
        {
            problems.Add("Relay:ClusterId is still the shipped placeholder (Secret key clusterId); set the function app's Controller:ClusterId.");
        }
        else if (options.ClusterId.Length > EventBatchValidator.MaxClusterIdLength
            || !options.ClusterId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            problems.Add($"Relay:ClusterId must be 1-{EventBatchValidator.MaxClusterIdLength} ASCII letters, digits, '-', '_' or '.', got '{options.ClusterId}'.");
        }

        if (options.LoadBalancerClass is { } lbClass && (lbClass.Length == 0 || lbClass.Length > 253 || lbClass.Any(char.IsWhiteSpace)))
        {
            problems.Add("Relay:LoadBalancerClass must be unset or a non-empty qualified name without spaces.");
        }

        Range(problems, "BatchWindow", options.BatchWindow, TimeSpan.Zero, TimeSpan.FromSeconds(30));
        Range(problems, "FullResyncInterval", options.FullResyncInterval, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        Range(problems, "UnreflectedResendAfter", options.UnreflectedResendAfter, TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1));
        Range(problems, "StatusPollInterval", options.StatusPollInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
        Range(problems, "DeliveryBackoffMin", options.DeliveryBackoffMin, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
        Range(problems, "DeliveryBackoffMax", options.DeliveryBackoffMax, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
        Range(problems, "RejectedRetryInterval", options.RejectedRetryInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
        Range(problems, "RequestTimeout", options.RequestTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        Range(problems, "WatchTimeout", options.WatchTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Range(problems, "WatchBackoffMin", options.WatchBackoffMin, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10));
        Range(problems, "WatchBackoffMax", options.WatchBackoffMax, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10));
        if (options.DeliveryBackoffMax < options.DeliveryBackoffMin)
        {
            problems.Add("Relay:DeliveryBackoffMax must not be shorter than Relay:DeliveryBackoffMin.");
        }

        if (options.WatchBackoffMax < options.WatchBackoffMin)
        {
            problems.Add("Relay:WatchBackoffMax must not be shorter than Relay:WatchBackoffMin.");
        }

        if (options.HttpPort is < 0 or > 65535 || options.OperatorPort is < 0 or > 65535 || (options.HttpPort == options.OperatorPort && options.HttpPort != 0))
        {
            problems.Add($"Relay:HttpPort and Relay:OperatorPort must be two different ports 0-65535 (0: chosen by the system), got {options.HttpPort} and {options.OperatorPort}.");
        }

        if (options.MaxStatusFeedBytes < 64 * 1024)
        {
            problems.Add($"Relay:MaxStatusFeedBytes must be at least 65536, got {options.MaxStatusFeedBytes}.");
        }

        if (options.MaxBatchServices is < 1 or > 10_000)
        {
            problems.Add($"Relay:MaxBatchServices must be 1-10000, got {options.MaxBatchServices}.");
        }

        if (options.CompressAboveBytes < 0)
        {
            problems.Add($"Relay:CompressAboveBytes must be 0 (never compress) or more, got {options.CompressAboveBytes}.");
        }

        if (options.MaxBodyBytes is < 64 * 1024 or > 64 * 1024 * 1024)
        {
            problems.Add($"Relay:MaxBodyBytes must be 65536-67108864, got {options.MaxBodyBytes}.");
        }

        if (options.MaxPendingServices < 100)
        {
            problems.Add($"Relay:MaxPendingServices must be at least 100, got {options.MaxPendingServices}.");
        }

        if (string.IsNullOrWhiteSpace(options.ReportingController) || options.ReportingController.Length > 128)
        {
            problems.Add("Relay:ReportingController must be 1-128 characters.");
        }

        if (options.LeaderElection)
        {
            CheckLeaderElection(options, problems);
        }

        // A DNS subdomain name (the ConfigMap's), or empty for none.
        if (options.ResyncConfigMap.Length > 253
            || (options.ResyncConfigMap.Length > 0 && !System.Text.RegularExpressions.Regex.IsMatch(options.ResyncConfigMap, "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")))
        {
            problems.Add($"Relay:ResyncConfigMap must be empty or a ConfigMap name (lower-case letters, digits, '-' and '.'), got '{options.ResyncConfigMap}'.");
        }

        return problems;
    }

    private static void CheckLeaderElection(RelayOptions options, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(options.LeaseName))
        {
            problems.Add("Relay:LeaseName is required when leader election is on.");
        }

        if (string.IsNullOrWhiteSpace(options.LeaseNamespace))
        {
            problems.Add("Relay:LeaseNamespace is required when leader election is on (defaults to POD_NAMESPACE).");
        }

        if (string.IsNullOrWhiteSpace(options.Identity))
        {
            problems.Add("Relay:Identity is required when leader election is on (defaults to POD_NAME).");
        }

        // The Lease stores whole seconds, and a leader must renew well inside its lease.
        if (options.LeaseDuration < TimeSpan.FromSeconds(1) || options.LeaseDuration.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            problems.Add($"Relay:LeaseDuration must be a whole number of seconds, at least 1, got {options.LeaseDuration}.");
        }

        if (options.RenewDeadline <= TimeSpan.Zero || options.RenewDeadline >= options.LeaseDuration)
        {
            problems.Add("Relay:RenewDeadline must be positive and shorter than Relay:LeaseDuration.");
        }

        if (options.RetryPeriod <= TimeSpan.Zero || options.RetryPeriod >= options.RenewDeadline)
        {
            problems.Add("Relay:RetryPeriod must be positive and shorter than Relay:RenewDeadline.");
        }
    }

    private static void Range(List<string> problems, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            problems.Add($"Relay:{name} must be between {min} and {max}, got {value}.");
        }
    }
}

/// <summary>Thrown at start-up when the options are invalid; the message lists every problem.</summary>
public sealed class RelayOptionsException : Exception
{
    public RelayOptionsException(IReadOnlyList<string> problems)
        : base("The relay's configuration is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)))
    {
        Problems = problems;
    }

    public RelayOptionsException()
        : this([])
    {
    }

    public RelayOptionsException(string message)
        : base(message)
    {
        Problems = [message];
    }

    public RelayOptionsException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    public IReadOnlyList<string> Problems { get; }
}
