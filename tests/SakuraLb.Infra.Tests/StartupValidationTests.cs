using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SakuraLb.Functions;
using SakuraLb.Functions.Options;
using SakuraLb.Infra.Tests.Support;
using SakuraLb.Sakura;

namespace SakuraLb.Infra.Tests;

/// <summary>
/// The app settings a deployment writes, fed to the function app's own composition root
/// (<see cref="FunctionsServiceCollectionExtensions.AddSakuraLbFunctions"/>, as Program.cs does): every options
/// validator must accept them once Azure has filled in the Key Vault references and runtime values.
/// </summary>
public sealed partial class StartupValidationTests
{
    public static TheoryData<string> Cases => DeploymentCases.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task AppSettings_OnceResolved_PassTheAppsStartupValidation(string name)
    {
        var settings = (await DeploymentCases.SnapshotAsync(name)).AppSettings();
        using var provider = Compose(settings.ToDictionary(s => s.Key, s => Resolve(s.Key, s.Value)));

        var problems = new List<string>();
        Validate<ControllerOptions>(provider, problems);
        Validate<IngestOptions>(provider, problems);
        Validate<ReconcileOptions>(provider, problems);
        Validate<StorageOptions>(provider, problems);
        Validate<SakuraClientOptions>(provider, problems);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public async Task AppSettings_WithoutTheSecrets_FailTheAppsStartupValidation()
    {
        // Guards the test above: the same settings minus what Key Vault supplies must not pass.
        var settings = (await DeploymentCases.SnapshotAsync("example")).AppSettings()
            .Where(s => !IsKeyVaultReference(s.Value))
            .ToDictionary(s => s.Key, s => Resolve(s.Key, s.Value));
        using var provider = Compose(settings);

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<IngestOptions>>().Value);
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SakuraClientOptions>>().Value);
        // The tables need no secret: they are reached by identity (Storage__TableServiceUri), not a connection string.
        Assert.NotNull(provider.GetRequiredService<IOptions<StorageOptions>>().Value.TableServiceEndpoint);
    }

    private static ServiceProvider Compose(Dictionary<string, string?> appSettings)
    {
        // App settings reach .NET configuration as environment variables: "__" separates sections.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(appSettings.Select(s => KeyValuePair.Create(s.Key.Replace("__", ":", StringComparison.Ordinal), s.Value)))
            .Build();
        return new ServiceCollection().AddLogging().AddSakuraLbFunctions(configuration).BuildServiceProvider();
    }

    private static void Validate<T>(ServiceProvider provider, List<string> problems)
        where T : class
    {
        try
        {
            _ = provider.GetRequiredService<IOptions<T>>().Value;
        }
        catch (OptionsValidationException e)
        {
            problems.AddRange(e.Failures);
        }
    }

    /// <summary>What the setting holds once the app runs: the secret behind a Key Vault reference, or a runtime value.</summary>
    private static string? Resolve(string name, ArmValue value)
    {
        if (IsKeyVaultReference(value))
        {
            var secret = SecretNamePattern().Match(value.AsString()!).Groups[1].Value;
            return secret switch
            {
                "sakura-access-token-secret" => DeploymentCases.SakuraSecretValue,
                "ingest-hmac-secret" => DeploymentCases.HmacSecretValue,
                "ingest-hmac-secret-previous" => DeploymentCases.PreviousHmacSecretValue,
                "storage-connection-string" =>
                    "DefaultEndpointsProtocol=https;AccountName=stexample;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net",
                _ => throw new Xunit.Sdk.XunitException($"{name} references an unknown secret '{secret}'."),
            };
        }

        // The end of an HMAC rotation is utcNow() + one day, evaluated by Azure at deployment.
        if (name == "Ingest__HmacRotationEndsAt" && value.AsString() is null)
        {
            return DateTimeOffset.UtcNow.AddDays(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        }

        // Runtime values (client ids, the Application Insights connection string) are read by the platform, not by options.
        return value.AsString() ?? $"runtime value of {name}";
    }

    private static bool IsKeyVaultReference(ArmValue value) =>
        value.AsString()?.StartsWith("@Microsoft.KeyVault(", StringComparison.Ordinal) == true;

    [GeneratedRegex("/secrets/([^/]+)/?\\)$")]
    private static partial Regex SecretNamePattern();
}
