using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SakuraLb.Functions;
using SakuraLb.Functions.Options;
using SakuraLb.Sakura;
using SakuraLb.Testing;
using Sandbox.Functions;

namespace SakuraLb.EndToEnd.Tests;

/// <summary>
/// functions/local.settings.json.example is what a user copies for <c>func start</c>: it must name only settings
/// the app reads, and, once the user's own values are in, pass the app's start-up validation.
/// </summary>
public sealed class LocalSettingsExampleTests
{
    private const string ExamplePath = "functions/local.settings.json.example";

    private static readonly Dictionary<string, Type> Sections = new(StringComparer.Ordinal)
    {
        [ControllerOptions.SectionName] = typeof(ControllerOptions),
        [IngestOptions.SectionName] = typeof(IngestOptions),
        [ReconcileOptions.SectionName] = typeof(ReconcileOptions),
        [StorageOptions.SectionName] = typeof(StorageOptions),
        [SakuraClientOptions.SectionName] = typeof(SakuraClientOptions),
        [NodeOptions.SectionName] = typeof(NodeOptions),
        [HealthOptions.SectionName] = typeof(HealthOptions),
    };

    /// <summary>Settings outside the option sections, with what reads them.</summary>
    private static readonly HashSet<string> HostSettings = new(StringComparer.Ordinal)
    {
        "AzureWebJobsStorage",          // the durable task hub's storage, and the tables' default connection
        "FUNCTIONS_WORKER_RUNTIME",     // the Functions host
        "DurableTaskHubName",           // host.json %DurableTaskHubName%
        "ResyncSchedule",               // the timer's %ResyncSchedule%
        "NodeLifecycleSchedule",        // the node timer's %NodeLifecycleSchedule%
        "HealthSchedule",               // the health timer's %HealthSchedule%
        "OTEL_EXPORTER_OTLP_ENDPOINT",  // Program.cs: metrics export when set
    };

    private static JsonObject Values() =>
        JsonNode.Parse(Repository.Read(ExamplePath))!["Values"]!.AsObject();

    [Fact]
    public void Example_IsForTheIsolatedWorkerOnAzurite()
    {
        var file = JsonNode.Parse(Repository.Read(ExamplePath))!;

        Assert.False(file["IsEncrypted"]!.GetValue<bool>());
        Assert.Equal("dotnet-isolated", Values()["FUNCTIONS_WORKER_RUNTIME"]!.GetValue<string>());
        Assert.Equal("UseDevelopmentStorage=true", Values()["AzureWebJobsStorage"]!.GetValue<string>());
    }

    [Fact]
    public void Example_EveryKey_IsASettingTheAppReads()
    {
        var unknown = Values().Select(v => v.Key).Where(key => !HostSettings.Contains(key) && !Binds(key)).ToArray();

        Assert.Empty(unknown);
    }

    [Fact]
    public void Example_HostPlaceholders_HaveValues()
    {
        var timers = FunctionCatalog.TimerFunctions(typeof(FunctionsServiceCollectionExtensions).Assembly);
        Assert.NotEmpty(timers);
        Assert.All(timers, timer => Assert.False(string.IsNullOrWhiteSpace(Values()[timer.Schedule.Trim('%')]?.GetValue<string>())));
        Assert.Contains("%DurableTaskHubName%", Repository.Read("host.json"), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(Values()["DurableTaskHubName"]?.GetValue<string>()));
    }

    [Theory]
    [InlineData("https://secure.sakura.ad.jp/cloud/zone")]
    [InlineData("http://127.0.0.1:18080/cloud/zone")]
    public void Example_WithTheUsersCredentials_PassesStartUpValidation(string apiRoot)
    {
        var values = Values().ToDictionary(v => v.Key.Replace("__", ":", StringComparison.Ordinal), v => v.Value?.GetValue<string>());
        values["Sakura:AccessToken"] = "token-from-the-control-panel";
        values["Sakura:AccessTokenSecret"] = "its-secret";
        values["Sakura:ApiRootUrl"] = apiRoot;
        values["Ingest:HmacSecret"] = "kX9vQ2mTz7LpR4wN8bYc1HsJ6dFg3Ae5";

        using var services = new ServiceCollection()
            .AddLogging()
            .AddSakuraLbFunctions(new ConfigurationBuilder().AddInMemoryCollection(values).Build())
            .BuildServiceProvider();

        var problems = Problems(services);
        Assert.Empty(problems);
    }

    [Fact]
    public void Example_AsShipped_AsksForTheSakuraCredentialsAndARealHmacSecret()
    {
        var values = Values().ToDictionary(v => v.Key.Replace("__", ":", StringComparison.Ordinal), v => v.Value?.GetValue<string>());

        using var services = new ServiceCollection()
            .AddLogging()
            .AddSakuraLbFunctions(new ConfigurationBuilder().AddInMemoryCollection(values).Build())
            .BuildServiceProvider();

        Assert.Equal(
            ["Ingest:HmacSecret is still the shipped placeholder; generate a secret, e.g. with `openssl rand -base64 48`.", "Sakura:AccessToken is required.", "Sakura:AccessTokenSecret is required."],
            Problems(services).Order(StringComparer.Ordinal));
    }

    private static List<string> Problems(IServiceProvider services)
    {
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
            return [];
        }
        catch (Exception ex) when (FunctionSettingsException.From(ex) is { } settings)
        {
            return [.. settings.Problems];
        }
    }

    /// <summary>Whether Section__Property[__Property|__index] names a settable property of the section's options.</summary>
    private static bool Binds(string key)
    {
        var parts = key.Split("__");
        if (parts.Length < 2 || !Sections.TryGetValue(parts[0], out var type))
        {
            return false;
        }

        foreach (var part in parts[1..])
        {
            if (int.TryParse(part, out _) && typeof(IEnumerable).IsAssignableFrom(type) && type != typeof(string))
            {
                type = type.IsGenericType ? type.GetGenericArguments()[0] : typeof(object);
                continue;
            }

            var property = type.GetProperty(part, BindingFlags.Public | BindingFlags.Instance);
            if (property is null || (!property.CanWrite && !typeof(IEnumerable).IsAssignableFrom(property.PropertyType)))
            {
                return false;
            }

            type = property.PropertyType;
        }

        return true;
    }
}
