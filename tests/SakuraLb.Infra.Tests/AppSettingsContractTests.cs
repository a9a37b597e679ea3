using SakuraLb.Infra.Tests.Support;

namespace SakuraLb.Infra.Tests;

/// <summary>
/// The template's app settings against what the function app reads: every binding expression and required option
/// is set, and every setting it writes is one the app (or the Functions platform) actually reads, spelled the way
/// the options classes and functions/local.settings.json.example spell it.
/// </summary>
public sealed class AppSettingsContractTests
{
    /// <summary>Read by the Functions platform or host, not by the app's options.</summary>
    private static readonly HashSet<string> PlatformSettings = new(StringComparer.Ordinal)
    {
        "FUNCTIONS_EXTENSION_VERSION",
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "WEBSITE_RUN_FROM_PACKAGE",
        "WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID",
        "AZURE_CLIENT_ID",
        "AzureWebJobsStorage__accountName",
        "AzureWebJobsStorage__credential",
        "AzureWebJobsStorage__clientId",
    };

    /// <summary>
    /// Settings a deployment must set although the code may have a default: the required options (the validators
    /// reject a start without them), the table store's endpoint (the host storage is identity-based, so there is no
    /// AzureWebJobsStorage connection string to fall back to), and the Sakura endpoint and budget.
    /// </summary>
    public static TheoryData<string> RequiredAppSettings { get; } =
    [
        "FUNCTIONS_WORKER_RUNTIME",
        "Controller__ClusterId",
        "Ingest__HmacSecret",
        "Sakura__AccessToken",
        "Sakura__AccessTokenSecret",
        "Sakura__Zone",
        "Sakura__ApiRootUrl",
        "Sakura__RequestsPerSecond",
        "Storage__TableServiceUri",
    ];

    public static TheoryData<string> Cases => DeploymentCases.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task AppSettings_SetEveryBindingExpressionOfTheApp(string name)
    {
        var settings = (await DeploymentCases.SnapshotAsync(name)).AppSettings();
        var expressions = AppContract.BindingExpressions();

        Assert.Contains("DurableTaskHubName", expressions.Keys);
        Assert.All(expressions, e => Assert.True(
            settings.ContainsKey(e.Key),
            $"%{e.Key}% (used in {string.Join(", ", e.Value)}) has no app setting; the host would not start."));
    }

    [Theory]
    [MemberData(nameof(RequiredAppSettings))]
    public async Task AppSettings_SetTheRequiredSetting_UnderTheNameTheAppReads(string setting)
    {
        var settings = (await DeploymentCases.SnapshotAsync("example")).AppSettings();

        Assert.True(settings.ContainsKey(setting), $"{setting} is not set by the template.");
        Assert.Contains(setting, AppContract.LocalSettingsExampleKeys());
        AssertOptionsPropertyExists(setting);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task AppSettings_NameOnlySettingsTheAppOrThePlatformReads(string name)
    {
        var settings = (await DeploymentCases.SnapshotAsync(name)).AppSettings();
        var known = AppContract.LocalSettingsExampleKeys().Select(AppContract.Normalize).ToHashSet(StringComparer.Ordinal);

        var unknown = settings.Keys
            .Where(k => !PlatformSettings.Contains(k) && !known.Contains(AppContract.Normalize(k)))
            .ToList();
        Assert.True(unknown.Count == 0, $"Not in functions/local.settings.json.example: {string.Join(", ", unknown)}");
        Assert.All(settings.Keys.Where(k => !PlatformSettings.Contains(k)), AssertOptionsPropertyExists);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task AppSettings_SecretsAndConnectionStrings_AreKeyVaultReferences(string name)
    {
        var settings = (await DeploymentCases.SnapshotAsync(name)).AppSettings();

        var secretLike = settings.Where(s =>
            (s.Key.Contains("Secret", StringComparison.OrdinalIgnoreCase) || s.Key.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase))
            && s.Key != "APPLICATIONINSIGHTS_CONNECTION_STRING").ToList();
        Assert.NotEmpty(secretLike);
        Assert.All(secretLike, s => Assert.StartsWith("@Microsoft.KeyVault(SecretUri=https://", s.Value.AsString() ?? "", StringComparison.Ordinal));
    }

    [Fact]
    public void OptionsSections_AreFoundInTheSource()
    {
        var sections = AppContract.OptionsSections();

        // The checks above lean on this scan; if it finds nothing they would prove nothing.
        foreach (var section in new[] { "Controller", "Ingest", "Reconcile", "Storage", "Sakura" })
        {
            Assert.True(sections.ContainsKey(section), $"No options type declares SectionName = \"{section}\".");
        }

        Assert.Contains("ClusterId", sections["Controller"]);
        Assert.Contains("AccessTokenSecret", sections["Sakura"]);
    }

    /// <summary><c>Section__Property</c> must name a property of the options type bound to that section.</summary>
    private static void AssertOptionsPropertyExists(string setting)
    {
        var parts = setting.Split("__");
        var sections = AppContract.OptionsSections();
        if (parts.Length < 2 || !sections.TryGetValue(parts[0], out var properties))
        {
            return;
        }

        Assert.True(properties.Contains(parts[1]), $"{setting}: the {parts[0]} options have no property {parts[1]}.");
    }
}
