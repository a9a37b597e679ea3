using Microsoft.Extensions.Options;
using SakuraLb.Model.Signing;

namespace SakuraLb.Functions.Options;

/// <summary>A start-up check of one options class that names every bad setting at once.</summary>
public abstract class OptionsValidator<TOptions> : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        Check(options, problems);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>Adds one message, naming the setting, for every problem found.</summary>
    protected abstract void Check(TOptions options, List<string> problems);
}

/// <summary>Checks <see cref="ControllerOptions"/> at start-up.</summary>
public sealed class ControllerOptionsValidator : OptionsValidator<ControllerOptions>
{
    protected override void Check(ControllerOptions options, List<string> problems)
    {
        if (ControllerOptions.ParsePlan(options.DefaultPlan) is null)
        {
            problems.Add($"Controller:DefaultPlan must be \"standard\" or \"premium\", got \"{options.DefaultPlan}\".");
        }

        if (options.OrphanGracePeriod < TimeSpan.Zero)
        {
            problems.Add("Controller:OrphanGracePeriod must not be negative.");
        }

        if (options.DeletedStatusRetention < TimeSpan.Zero)
        {
            problems.Add("Controller:DeletedStatusRetention must not be negative.");
        }

        if (options.MaxOrphanDeletionsPerPass is < 1 or > 1000)
        {
            problems.Add("Controller:MaxOrphanDeletionsPerPass must be 1–1000.");
        }

        if (!(options.MaxOrphanDeletionShare > 0 && options.MaxOrphanDeletionShare <= 1))
        {
            problems.Add("Controller:MaxOrphanDeletionShare must be more than 0 and at most 1.");
        }

        if (options.CompletedInstanceRetention < TimeSpan.Zero)
        {
            problems.Add("Controller:CompletedInstanceRetention must not be negative.");
        }

        // The core validates what it owns (cluster id, limits, tags); its messages name the setting.
        problems.AddRange(options.ToSettings().Validate().Select(p => "Controller:" + p));
        if (options.RouterTags.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add("Controller:RouterTags must not contain empty tags.");
        }

        if (options.SwitchTags.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add("Controller:SwitchTags must not contain empty tags.");
        }

        foreach (var (name, value) in new[]
                 {
                     ("RouterSelectorNamespaces", options.RouterSelectorNamespaces),
                     ("SwitchSelectorNamespaces", options.SwitchSelectorNamespaces),
                     ("LoadBalancerIpNamespaces", options.LoadBalancerIpNamespaces),
                 })
        {
            if (Reconcile.Annotations.NamespaceAllowList.Parse(value, out var problem) is null)
            {
                problems.Add($"Controller:{name} {problem}.");
            }
        }
    }
}

/// <summary>Checks <see cref="IngestOptions"/> at start-up.</summary>
public sealed class IngestOptionsValidator : OptionsValidator<IngestOptions>
{
    protected override void Check(IngestOptions options, List<string> problems)
    {
        if (SecretStrength.Problem("Ingest:HmacSecret", options.HmacSecret) is { } weak)
        {
            problems.Add(weak);
        }

        if (!string.IsNullOrEmpty(options.HmacSecretPrevious))
        {
            if (SecretStrength.Problem("Ingest:HmacSecretPrevious", options.HmacSecretPrevious) is { } weakPrevious)
            {
                problems.Add(weakPrevious);
            }
            else if (string.Equals(options.HmacSecretPrevious, options.HmacSecret, StringComparison.Ordinal))
            {
                problems.Add("Ingest:HmacSecretPrevious must differ from Ingest:HmacSecret (leave it empty when no rotation is in progress).");
            }

            if (options.HmacRotationEndsAt is null)
            {
                problems.Add("Ingest:HmacRotationEndsAt is required while Ingest:HmacSecretPrevious is set (a time with offset, e.g. 2026-12-31T00:00:00Z; after it the previous secret is refused).");
            }
        }

        if (options.MaxBodyBytes is < 1024 or > 64 * 1024 * 1024)
        {
            problems.Add("Ingest:MaxBodyBytes must be between 1024 and 67108864.");
        }

        if (options.MaxDecompressedBytes < options.MaxBodyBytes || options.MaxDecompressedBytes > 256 * 1024 * 1024)
        {
            problems.Add("Ingest:MaxDecompressedBytes must be at least Ingest:MaxBodyBytes and at most 268435456.");
        }

        if (options.MaxClockSkew <= TimeSpan.Zero || options.MaxClockSkew > TimeSpan.FromHours(1))
        {
            problems.Add("Ingest:MaxClockSkew must be more than zero and at most one hour.");
        }
    }
}

/// <summary>Checks <see cref="ReconcileOptions"/> at start-up.</summary>
public sealed class ReconcileOptionsValidator : OptionsValidator<ReconcileOptions>
{
    protected override void Check(ReconcileOptions options, List<string> problems)
    {
        Positive(options.PollInterval, "Reconcile:PollInterval", problems);
        Positive(options.BootTimeout, "Reconcile:BootTimeout", problems);
        Positive(options.ShutdownTimeout, "Reconcile:ShutdownTimeout", problems);
        Positive(options.NotFoundGrace, "Reconcile:NotFoundGrace", problems);
        Positive(options.PoweredOffGrace, "Reconcile:PoweredOffGrace", problems);
        Positive(options.DrainRecheckInterval, "Reconcile:DrainRecheckInterval", problems);
        if (options.NodeDebounce < TimeSpan.Zero)
        {
            problems.Add("Reconcile:NodeDebounce must not be negative.");
        }

        if (options.RouterCacheDuration < TimeSpan.Zero || options.RouterCacheDuration > TimeSpan.FromHours(1))
        {
            problems.Add("Reconcile:RouterCacheDuration must be between zero (no cache) and one hour.");
        }

        if (options.VerifyingPlanReadAge < TimeSpan.Zero || options.VerifyingPlanReadAge > TimeSpan.FromMinutes(1))
        {
            problems.Add("Reconcile:VerifyingPlanReadAge must be between zero (the shared reads' own durations) and one minute.");
        }

        if (options.NodeDebounceMax < options.NodeDebounce)
        {
            problems.Add("Reconcile:NodeDebounceMax must be at least Reconcile:NodeDebounce.");
        }

        if (options.BootTimeout < options.PollInterval || options.ShutdownTimeout < options.PollInterval)
        {
            problems.Add("Reconcile:BootTimeout and Reconcile:ShutdownTimeout must be at least Reconcile:PollInterval.");
        }

        if (options.MaxPasses is < 1 or > 100)
        {
            problems.Add("Reconcile:MaxPasses must be 1–100.");
        }

        if (options.MaxPlansPerPass is < 2 or > 100)
        {
            problems.Add("Reconcile:MaxPlansPerPass must be 2–100.");
        }

        if (options.StartParallelism is < 1 or > 256)
        {
            problems.Add("Reconcile:StartParallelism must be 1–256.");
        }

        // Spent inside the events request: the relay gives a request 30 seconds by default.
        if (options.CompletionWait < TimeSpan.Zero || options.CompletionWait > TimeSpan.FromSeconds(20))
        {
            problems.Add("Reconcile:CompletionWait must be between zero and 20 seconds.");
        }

        var retry = options.ActivityRetry;
        if (retry is null)
        {
            problems.Add("Reconcile:ActivityRetry is required.");
        }
        else
        {
            Positive(retry.FirstRetryInterval, "Reconcile:ActivityRetry:FirstRetryInterval", problems);
            if (retry.MaxRetryInterval < retry.FirstRetryInterval)
            {
                problems.Add("Reconcile:ActivityRetry:MaxRetryInterval must be at least FirstRetryInterval.");
            }

            if (retry.BackoffCoefficient is < 1 or > 10 || double.IsNaN(retry.BackoffCoefficient))
            {
                problems.Add("Reconcile:ActivityRetry:BackoffCoefficient must be 1–10.");
            }

            if (retry.MaxAttempts is < 1 or > 50)
            {
                problems.Add("Reconcile:ActivityRetry:MaxAttempts must be 1–50.");
            }
        }
    }

    private static void Positive(TimeSpan value, string key, List<string> problems)
    {
        if (value <= TimeSpan.Zero)
        {
            problems.Add($"{key} must be more than zero.");
        }
    }
}

/// <summary>Checks <see cref="StorageOptions"/> at start-up.</summary>
public sealed class StorageOptionsValidator : OptionsValidator<StorageOptions>
{
    protected override void Check(StorageOptions options, List<string> problems)
    {
        if (!Enum.IsDefined(options.Mode))
        {
            problems.Add("Storage:Mode must be Table or InMemory.");
        }

        var byKey = !string.IsNullOrWhiteSpace(options.ConnectionString);
        var byIdentity = !string.IsNullOrWhiteSpace(options.TableServiceUri);
        if (options.Mode == StorageMode.Table && byKey == byIdentity)
        {
            problems.Add(byKey
                ? "Storage:ConnectionString and Storage:TableServiceUri are both set; set exactly one (TableServiceUri: the managed identity, no account key)."
                : "Storage:TableServiceUri (the managed identity) or Storage:ConnectionString (or AzureWebJobsStorage) is required when Storage:Mode is Table.");
        }

        var endpoint = options.TableServiceEndpoint;
        if (byIdentity && (endpoint is null || (endpoint.Scheme != Uri.UriSchemeHttps && !endpoint.IsLoopback)))
        {
            problems.Add($"Storage:TableServiceUri must be an absolute https URL (http only for loopback), got \"{options.TableServiceUri}\".");
        }

        // Table names: 3–63 letters and digits starting with a letter; the longest suffix is 12 characters.
        var prefix = options.TablePrefix ?? "";
        if (prefix.Length is < 1 or > 40 || !char.IsAsciiLetter(prefix[0]) || !prefix.All(char.IsAsciiLetterOrDigit))
        {
            problems.Add("Storage:TablePrefix must be 1–40 ASCII letters and digits, starting with a letter.");
        }
    }
}

/// <summary>Checks <see cref="NodeOptions"/> at start-up.</summary>
public sealed class NodeOptionsValidator : OptionsValidator<NodeOptions>
{
    protected override void Check(NodeOptions options, List<string> problems)
    {
        if (options.VanishedConfirmAfter < TimeSpan.Zero || options.VanishedConfirmAfter > TimeSpan.FromDays(1))
        {
            problems.Add("Nodes:VanishedConfirmAfter must be between zero and one day.");
        }

        if (!(options.MaxDeleteShare is > 0 and <= 1))
        {
            problems.Add("Nodes:MaxDeleteShare must be more than 0 and at most 1.");
        }

        if (options.IngestWait < TimeSpan.Zero || options.IngestWait > TimeSpan.FromSeconds(30))
        {
            problems.Add("Nodes:IngestWait must be between zero and 30 seconds (the relay's requests time out).");
        }
    }
}

public sealed class HealthOptionsValidator : OptionsValidator<HealthOptions>
{
    protected override void Check(HealthOptions options, List<string> problems)
    {
        if (!(options.BudgetShare is > 0 and <= 0.5))
        {
            problems.Add("Health:BudgetShare must be more than 0 and at most 0.5 (the reconciles need the rest of the request budget).");
        }

        if (options.Interval < TimeSpan.FromSeconds(1) || options.Interval > TimeSpan.FromHours(1))
        {
            problems.Add("Health:Interval must be between one second and one hour.");
        }

        if (options.PassDuration <= TimeSpan.Zero || options.PassDuration > TimeSpan.FromMinutes(5))
        {
            problems.Add("Health:PassDuration must be more than zero and at most 5 minutes.");
        }

        if (options.EventRetention < TimeSpan.FromMinutes(1) || options.EventRetention > TimeSpan.FromHours(1))
        {
            problems.Add("Health:EventRetention must be between one minute and one hour (Kubernetes keeps Events for an hour).");
        }
    }
}
