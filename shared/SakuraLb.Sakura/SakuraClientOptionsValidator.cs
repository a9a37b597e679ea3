using System.Net;
using Microsoft.Extensions.Options;

namespace SakuraLb.Sakura;

/// <summary>Validates <see cref="SakuraClientOptions"/>, listing every problem in one result.</summary>
public sealed class SakuraClientOptionsValidator : IValidateOptions<SakuraClientOptions>
{
    public ValidateOptionsResult Validate(string? name, SakuraClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        var section = SakuraClientOptions.SectionName;

        if (!Uri.TryCreate(options.ApiRootUrl, UriKind.Absolute, out var root)
            || (root.Scheme != Uri.UriSchemeHttps && root.Scheme != Uri.UriSchemeHttp))
        {
            problems.Add($"{section}:ApiRootUrl must be an absolute http(s) URL (got '{options.ApiRootUrl}').");
        }
        else if (root.Scheme == Uri.UriSchemeHttp && !options.AllowInsecureHttp && !IsLoopback(root))
        {
            problems.Add($"{section}:ApiRootUrl uses plain http on a non-loopback host ('{root.Host}'); use https or set {section}:AllowInsecureHttp.");
        }
        else if (!string.IsNullOrEmpty(root.Query) || !string.IsNullOrEmpty(root.Fragment))
        {
            problems.Add($"{section}:ApiRootUrl must not have a query or fragment.");
        }

        if (string.IsNullOrWhiteSpace(options.AccessToken))
        {
            problems.Add($"{section}:AccessToken is required.");
        }

        if (string.IsNullOrWhiteSpace(options.AccessTokenSecret))
        {
            problems.Add($"{section}:AccessTokenSecret is required.");
        }

        if (string.IsNullOrWhiteSpace(options.Zone))
        {
            problems.Add($"{section}:Zone is required (e.g. {string.Join(", ", SakuraClientOptions.KnownZones)}).");
        }
        else if (!options.Zone.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9')))
        {
            problems.Add($"{section}:Zone must be lower-case letters and digits (got '{options.Zone}').");
        }

        if (options.RequestsPerSecond is < 1 or > 1000)
        {
            problems.Add($"{section}:RequestsPerSecond must be between 1 and 1000 (got {options.RequestsPerSecond}).");
        }

        if (options.MaxRetries is < 0 or > 20)
        {
            problems.Add($"{section}:MaxRetries must be between 0 and 20 (got {options.MaxRetries}).");
        }

        if (options.RetryBaseDelay <= TimeSpan.Zero)
        {
            problems.Add($"{section}:RetryBaseDelay must be positive (got {options.RetryBaseDelay}).");
        }

        if (options.RetryMaxDelay < options.RetryBaseDelay)
        {
            problems.Add($"{section}:RetryMaxDelay ({options.RetryMaxDelay}) must not be less than RetryBaseDelay ({options.RetryBaseDelay}).");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            problems.Add($"{section}:Timeout must be positive (got {options.Timeout}).");
        }

        if (options.PageSize is < 1 or > 1000)
        {
            problems.Add($"{section}:PageSize must be between 1 and 1000 (got {options.PageSize}).");
        }

        if (options.ApplianceListDuration < TimeSpan.Zero || options.ApplianceListDuration > TimeSpan.FromMinutes(1))
        {
            problems.Add($"{section}:ApplianceListDuration must be between 0 and 1 minute (got {options.ApplianceListDuration}).");
        }

        if (options.ServerListDuration < TimeSpan.Zero || options.ServerListDuration > TimeSpan.FromMinutes(1))
        {
            problems.Add($"{section}:ServerListDuration must be between 0 and 1 minute (got {options.ServerListDuration}).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
